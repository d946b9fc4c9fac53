// Default privileges: what new objects (tables, sequences, functions,
// types, schemas) created by a role get, in one schema or everywhere in the
// database; the current ones listed, a grant or revoke previewed and run.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { alterDefaultPrivileges, listDefaultPrivileges, type DefaultPrivilege } from '../../api/roles';
import type { Server } from '../../api/servers';
import { DataTable } from '../../components/DataTable';
import { CheckboxField, SelectField, TextField } from '../../components/Field';
import { errorMessage } from '../../lib/format';
import { showToast } from '../../state/toasts';
import { DdlFrame } from '../dialogs/DdlFrame';
import { Datalist } from '../dialogs/form';
import { useNames } from '../dialogs/names';

const TYPES: Record<string, string[]> = {
  tables: ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'],
  sequences: ['USAGE', 'SELECT', 'UPDATE'],
  functions: ['EXECUTE'],
  types: ['USAGE'],
  schemas: ['USAGE', 'CREATE'],
};

interface Props {
  server: Server;
  database: string;
  schema: string | null;
  onClose: () => void;
}

export function DefaultPrivilegesDialog({ server, database, schema, onClose }: Props): JSX.Element {
  const roles = useNames(server.id, '/', 'roles');
  const [current, setCurrent] = useState<DefaultPrivilege[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [action, setAction] = useState<'grant' | 'revoke'>('grant');
  const [forRole, setForRole] = useState('');
  const [inSchema, setInSchema] = useState(schema ?? '');
  const [type, setType] = useState('tables');
  const [privileges, setPrivileges] = useState<Set<string>>(new Set(['SELECT']));
  const [grantees, setGrantees] = useState('');
  const [grantOption, setGrantOption] = useState(false);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    listDefaultPrivileges(server.id, database).then(
      (d) => live && setCurrent(d),
      (err: unknown) => live && setLoadError(errorMessage(err)),
    );
    return () => {
      live = false;
    };
  }, [server.id, database, tick]);
  const valid = TYPES[type]!;
  const chosen = [...privileges].filter((p) => valid.includes(p));
  const request = {
    database,
    action,
    for_role: forRole.trim() || undefined,
    schema: type === 'schemas' ? undefined : inSchema.trim() || undefined,
    object_type: type,
    privileges: chosen,
    roles: grantees.split(',').map((r) => r.trim()).filter(Boolean),
    with_grant_option: action === 'grant' && grantOption,
  };
  const idle = chosen.length === 0 ? 'Pick at least one privilege.' : request.roles.length === 0 ? 'Name the roles that get them.' : undefined;
  const list = (
    <div class="form-grid">
      {loadError && <p class="field-error">{loadError}</p>}
      <DataTable
        columns={['Objects created by', 'In schema', 'Kind', 'Grantee', 'Privileges']}
        label="Default privileges"
        note={current?.length === 0 && <>No default privileges in {database}: new objects get PostgreSQL's defaults.</>}
      >
        {current?.map((d) => (
          <tr key={`${d.role}:${d.schema}:${d.object_type}:${d.grantee}`}>
            <td>{d.role}</td>
            <td>{d.schema ?? 'every schema'}</td>
            <td>{d.object_type}</td>
            <td>{d.grantee}</td>
            <td>
              {d.privileges.join(', ')}
              {d.grantable ? ' (with grant option)' : ''}
            </td>
          </tr>
        ))}
      </DataTable>
    </div>
  );
  const form = (
    <div class="form-grid">
      <div class="form-pair">
        <SelectField id="defaults-action" label="Action" value={action} options={[{ value: 'grant', label: 'GRANT' }, { value: 'revoke', label: 'REVOKE' }]} onValue={(v) => setAction(v as 'grant' | 'revoke')} />
        <SelectField id="defaults-type" label="On new" value={type} options={Object.keys(TYPES).map((t) => ({ value: t, label: t }))} onValue={setType} />
      </div>
      <div class="form-pair">
        <TextField id="defaults-for-role" label="Created by role" list="defaults-role-names" value={forRole} onValue={setForRole} placeholder="(you)" />
        <TextField id="defaults-schema" label="In schema" value={type === 'schemas' ? '' : inSchema} onValue={setInSchema} placeholder="every schema" disabled={type === 'schemas'} />
      </div>
      <fieldset class="ddl-columns-pick">
        <legend>Privileges</legend>
        <div class="job-flags">
          {valid.map((p) => (
            <CheckboxField key={p} id={`defaults-priv-${p}`} label={p} checked={privileges.has(p)} onValue={(on) => setPrivileges((s) => { const n = new Set(s); if (on) n.add(p); else n.delete(p); return n; })} />
          ))}
        </div>
      </fieldset>
      <TextField id="defaults-roles" label="To roles (comma-separated; PUBLIC too)" list="defaults-role-names" value={grantees} onValue={setGrantees} />
      <Datalist id="defaults-role-names" values={['PUBLIC', ...roles]} />
      {action === 'grant' && <CheckboxField id="defaults-grant-option" label="WITH GRANT OPTION" checked={grantOption} onValue={setGrantOption} />}
    </div>
  );
  return (
    <DdlFrame
      title={`Default privileges in ${schema ? `${database}.${schema}` : database}`}
      sections={[
        { id: 'current', title: `Current (${current?.length ?? '…'})`, content: list },
        { id: 'change', title: 'Grant or revoke', content: form },
      ]}
      formKey={JSON.stringify(request)}
      idle={idle}
      size="large"
      saveLabel={action === 'grant' ? 'Grant' : 'Revoke'}
      send={(preview) => alterDefaultPrivileges(server.id, request, preview)}
      onClose={onClose}
      onDone={() => {
        showToast('Default privileges changed.');
        setTick((t) => t + 1);
      }}
    />
  );
}
