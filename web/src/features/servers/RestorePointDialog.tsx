// Add Named Restore Point: pg_create_restore_point(name), a place in the
// WAL that point-in-time recovery can stop at (recovery_target_name).
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { runServerAction, type Server } from '../../api/servers';
import { TextField } from '../../components/Field';
import { FormDialog, useSubmit } from '../../components/FormDialog';
import { showToast } from '../../state/toasts';

export function RestorePointDialog({ server, onClose }: { server: Server; onClose: () => void }): JSX.Element {
  const [name, setName] = useState('');
  const { busy, failure, run } = useSubmit();
  const trimmed = name.trim();

  const create = async () => {
    const answer = await runServerAction(server.id, 'restore_point', trimmed);
    showToast(`Restore point ${trimmed} created on ${server.name} at ${answer.result}.`);
    onClose();
  };

  return (
    <FormDialog
      title={`Add named restore point on ${server.name}`}
      submitLabel="Create"
      busy={busy}
      error={failure}
      onSubmit={() => void run(create, () => (trimmed ? null : 'Enter a name for the restore point.'))}
      onClose={onClose}
    >
      <p class="muted">Recovery can stop at it by name (recovery_target_name). The role needs pg_create_restore_point's privilege (superuser, or granted EXECUTE).</p>
      <TextField id="restore-point-name" label="Name" required value={name} onValue={setName} />
    </FormDialog>
  );
}
