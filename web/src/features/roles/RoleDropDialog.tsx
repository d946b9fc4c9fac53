// Dropping a role that owns objects: what it owns goes to another role
// (REASSIGN OWNED) and/or is dropped with its privileges (DROP OWNED), in
// every database where it has any, then DROP ROLE; the statements shown first.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { dropRole } from '../../api/roles';
import type { ObjectNode, Server } from '../../api/servers';
import { CheckboxField, TextField } from '../../components/Field';
import { objectDropped } from '../../state/servers';
import { showToast } from '../../state/toasts';
import { DdlFrame } from '../dialogs/DdlFrame';
import { Datalist } from '../dialogs/form';
import { useNames } from '../dialogs/names';
import { lastName } from '../dialogs/tree';

export function RoleDropDialog({ server, node, onClose }: { server: Server; node: ObjectNode; onClose: () => void }): JSX.Element {
  const role = lastName(node.path);
  const roles = useNames(server.id, '/', 'roles').filter((r) => r !== role);
  const [reassign, setReassign] = useState('');
  const [dropOwned, setDropOwned] = useState(true);
  const options = { reassign_to: reassign.trim() || undefined, drop_owned: dropOwned };
  const form = (
    <div class="form-grid">
      <p>
        Drop the role <strong>{role}</strong>. What it owns and the privileges granted to it are in every database; PostgreSQL refuses to drop it until they are gone.
      </p>
      <TextField id="drop-reassign" label="Give what it owns to (REASSIGN OWNED)" list="drop-roles" value={reassign} onValue={setReassign} placeholder="(nobody: drop it instead)" />
      <Datalist id="drop-roles" values={roles} />
      <CheckboxField id="drop-owned" label="Drop what it still owns and its privileges (DROP OWNED)" checked={dropOwned} onValue={setDropOwned} />
    </div>
  );
  return (
    <DdlFrame
      title={`Drop role ${role}`}
      sections={[{ id: 'general', title: 'General', content: form }]}
      formKey={JSON.stringify(options)}
      saveLabel="Drop"
      send={(preview) => dropRole(server.id, role, options, preview)}
      onClose={onClose}
      onDone={() => {
        objectDropped(server.id, node.path, false);
        showToast(`Dropped role ${role}.`);
      }}
    />
  );
}
