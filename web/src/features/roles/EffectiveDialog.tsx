// What can role X do on this object? Every privilege of the object's kind,
// whether the role has it, and where it comes from: superuser, owner,
// granted directly, PUBLIC, or a role it is a member of.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { effectivePrivileges, type EffectivePrivileges } from '../../api/roles';
import type { Server } from '../../api/servers';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { DataTable } from '../../components/DataTable';
import { Icon } from '../../components/Icon';
import { SelectField } from '../../components/Field';
import { errorMessage } from '../../lib/format';
import { useNames } from '../dialogs/names';

interface EffectiveDialogProps {
  server: Server;
  path: string;
  label: string;
  onClose: () => void;
}

export function EffectiveDialog({ server, path, label, onClose }: EffectiveDialogProps): JSX.Element {
  const roles = useNames(server.id, '/', 'roles');
  const [role, setRole] = useState('');
  const [answer, setAnswer] = useState<EffectivePrivileges | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (roles.length) setRole((r) => r || roles[0]!);
  }, [roles]);
  useEffect(() => {
    if (!role) return undefined;
    let live = true;
    setAnswer(null);
    setError(null);
    effectivePrivileges(server.id, role, path).then(
      (a) => live && setAnswer(a),
      (err: unknown) => live && setError(errorMessage(err)),
    );
    return () => {
      live = false;
    };
  }, [role, path]);
  return (
    <Dialog title={`Effective privileges on ${label}`} onClose={onClose} footer={<Button onClick={onClose}>Close</Button>}>
      <div class="form-grid">
        <SelectField id="effective-role" label="Role" value={role} options={roles.map((r) => ({ value: r, label: r }))} onValue={setRole} />
        {error && <p class="field-error">{error}</p>}
        {!answer && !error && (
          <p class="muted">
            <span class="spinner" aria-hidden="true" /> Asking PostgreSQL…
          </p>
        )}
        {answer && (
          <>
            <p class="muted">
              {answer.type} {answer.object}, owned by {answer.effective.owner}
            </p>
            <DataTable columns={['Privilege', 'Has it', 'Because']} label="Effective privileges">
              {answer.effective.privileges.map((p) => (
                <tr key={p.privilege}>
                  <td>{p.privilege}</td>
                  <td class={p.granted ? 'job-succeeded' : 'muted'}>{p.granted ? <Icon name="check" size={12} /> : '—'}</td>
                  <td>{p.via.join(', ') || (p.granted ? '' : 'not granted')}</td>
                </tr>
              ))}
            </DataTable>
          </>
        )}
      </div>
    </Dialog>
  );
}
