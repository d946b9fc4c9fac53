// The Grant Wizard: pick objects of a schema (tables, views, materialized
// views, sequences, functions, procedures, the schema itself, the database),
// the privileges and the roles; the server writes one GRANT (or REVOKE) per
// kind with the privileges that apply to it, shown before it runs.
import type { JSX } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { grantPrivileges } from '../../api/roles';
import { listObjects, type ObjectNode, type Server } from '../../api/servers';
import { CheckboxField, SelectField, TextField } from '../../components/Field';
import { errorMessage } from '../../lib/format';
import { showToast } from '../../state/toasts';
import { DdlFrame } from '../dialogs/DdlFrame';
import { useNames } from '../dialogs/names';
import '../../styles/roles.css';

const COLLECTIONS = [
  ['tables', 'Tables'],
  ['views', 'Views'],
  ['materialized_views', 'Materialized views'],
  ['sequences', 'Sequences'],
  ['functions', 'Functions'],
  ['procedures', 'Procedures'],
] as const;

const PRIVILEGES = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER', 'USAGE', 'EXECUTE', 'CREATE', 'CONNECT', 'TEMPORARY'] as const;

interface Pickable {
  path: string;
  label: string;
  kind: string;
}

/** The schema's objects of every kind the wizard grants on, and the schema and database themselves. */
function useObjects(server: Server, database: string, dbPath: string, schema: string | null, schemaPath: string | null): { items: Pickable[]; error: string | null; loading: boolean } {
  const [state, setState] = useState<{ items: Pickable[]; error: string | null; loading: boolean }>({ items: [], error: null, loading: true });
  useEffect(() => {
    let live = true;
    const load = async () => {
      const items: Pickable[] = [{ path: dbPath, label: database, kind: 'database' }];
      if (schema !== null && schemaPath !== null) {
        items.push({ path: schemaPath, label: schema, kind: 'schema' });
        for (const [collection] of COLLECTIONS) {
          const nodes: ObjectNode[] = await listObjects(server.id, `${schemaPath}/${collection}`).catch(() => []);
          for (const n of nodes) items.push({ path: n.path, label: `${schema}.${n.label}`, kind: n.kind });
        }
      }
      return items;
    };
    load().then(
      (items) => live && setState({ items, error: null, loading: false }),
      (err: unknown) => live && setState({ items: [], error: errorMessage(err), loading: false }),
    );
    return () => {
      live = false;
    };
  }, [server.id, dbPath, schemaPath]);
  return state;
}

interface GrantWizardProps {
  server: Server;
  database: string;
  /** The database's and the schema's tree paths (the schema's: null for the database alone). */
  databasePath: string;
  schema: string | null;
  schemaPath: string | null;
  /** Paths picked from the start (the node the wizard was opened on). */
  preselect: string[];
  onClose: () => void;
}

export function GrantWizard({ server, database, databasePath, schema, schemaPath, preselect, onClose }: GrantWizardProps): JSX.Element {
  const objects = useObjects(server, database, databasePath, schema, schemaPath);
  const roles = useNames(server.id, '/', 'roles');
  const [picked, setPicked] = useState<Set<string>>(new Set(preselect));
  const [filter, setFilter] = useState('');
  const [kind, setKind] = useState('');
  const [action, setAction] = useState<'grant' | 'revoke'>('grant');
  const [privileges, setPrivileges] = useState<Set<string>>(new Set(['SELECT']));
  const [grantees, setGrantees] = useState<Set<string>>(new Set());
  const [grantOption, setGrantOption] = useState(false);
  const [cascade, setCascade] = useState(false);
  const toggle = (set: Set<string>, value: string, on: boolean) => {
    const next = new Set(set);
    if (on) next.add(value);
    else next.delete(value);
    return next;
  };
  const shown = useMemo(
    () => objects.items.filter((o) => (!kind || o.kind === kind) && o.label.toLowerCase().includes(filter.toLowerCase())),
    [objects.items, kind, filter],
  );
  const kinds = [...new Set(objects.items.map((o) => o.kind))];
  const request = {
    action,
    objects: [...picked],
    privileges: [...privileges],
    roles: [...grantees],
    with_grant_option: action === 'grant' && grantOption,
    cascade: action === 'revoke' && cascade,
  };
  const idle = picked.size === 0 ? 'Pick at least one object.' : privileges.size === 0 ? 'Pick at least one privilege.' : grantees.size === 0 ? 'Pick at least one role.' : undefined;
  const objectsTab = (
    <div class="grant-objects">
      <div class="form-pair">
        <TextField id="grant-filter" label="Find" type="search" value={filter} onValue={setFilter} placeholder="name contains…" />
        <SelectField id="grant-kind" label="Kind" value={kind} options={[{ value: '', label: 'Every kind' }, ...kinds.map((k) => ({ value: k, label: k.replace(/_/g, ' ') }))]} onValue={setKind} />
      </div>
      {objects.loading && (
        <p class="muted">
          <span class="spinner" aria-hidden="true" /> Reading the objects…
        </p>
      )}
      {objects.error && <p class="field-error">{objects.error}</p>}
      <div class="grant-list" role="group" aria-label="Objects">
        {shown.map((o) => (
          <CheckboxField key={o.path} id={`grant-object-${o.path}`} label={`${o.label} (${o.kind.replace(/_/g, ' ')})`} checked={picked.has(o.path)} onValue={(on) => setPicked(toggle(picked, o.path, on))} />
        ))}
      </div>
      <p class="muted">
        {picked.size} picked.{' '}
        <button type="button" class="link-btn" onClick={() => setPicked(new Set([...picked, ...shown.map((o) => o.path)]))}>
          Pick all shown
        </button>{' '}
        ·{' '}
        <button type="button" class="link-btn" onClick={() => setPicked(new Set())}>
          None
        </button>
      </p>
    </div>
  );
  const privilegesTab = (
    <div class="form-grid">
      <SelectField id="grant-action" label="Action" value={action} options={[{ value: 'grant', label: 'GRANT' }, { value: 'revoke', label: 'REVOKE' }]} onValue={(v) => setAction(v as 'grant' | 'revoke')} />
      <fieldset class="ddl-columns-pick">
        <legend>Privileges (each kind gets those that apply to it)</legend>
        <div class="job-flags">
          <CheckboxField id="grant-priv-ALL" label="ALL" checked={privileges.has('ALL')} onValue={(on) => setPrivileges(toggle(privileges, 'ALL', on))} />
          {PRIVILEGES.map((p) => (
            <CheckboxField key={p} id={`grant-priv-${p}`} label={p} checked={privileges.has(p)} onValue={(on) => setPrivileges(toggle(privileges, p, on))} />
          ))}
        </div>
      </fieldset>
      {action === 'grant' ? (
        <CheckboxField id="grant-option" label="WITH GRANT OPTION (they may grant it on)" checked={grantOption} onValue={setGrantOption} />
      ) : (
        <CheckboxField id="grant-cascade" label="CASCADE (also from whom they granted it to)" checked={cascade} onValue={setCascade} />
      )}
    </div>
  );
  const rolesTab = (
    <div class="grant-list" role="group" aria-label="Roles">
      {['PUBLIC', ...roles].map((r) => (
        <CheckboxField key={r} id={`grant-role-${r}`} label={r} checked={grantees.has(r)} onValue={(on) => setGrantees(toggle(grantees, r, on))} />
      ))}
    </div>
  );
  return (
    <DdlFrame
      title={`Grant Wizard: ${schema ? `${database}.${schema}` : database}`}
      sections={[
        { id: 'objects', title: `Objects (${picked.size})`, content: objectsTab },
        { id: 'privileges', title: 'Privileges', content: privilegesTab },
        { id: 'roles', title: `Roles (${grantees.size})`, content: rolesTab },
      ]}
      formKey={JSON.stringify(request)}
      idle={idle}
      size="large"
      saveLabel={action === 'grant' ? 'Grant' : 'Revoke'}
      send={(preview) => grantPrivileges(server.id, request, preview)}
      onClose={onClose}
      onDone={() => showToast(`${action === 'grant' ? 'Granted' : 'Revoked'} on ${picked.size} ${picked.size === 1 ? 'object' : 'objects'}.`)}
    />
  );
}
