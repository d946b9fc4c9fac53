// Add a server group, or rename one.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { createGroup, renameGroup, type ServerGroup } from '../../api/servers';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { FormError, TextField } from '../../components/Field';
import { errorMessage } from '../../lib/format';
import { groupNodeId, loadServers, selectedId } from '../../state/servers';
import { showToast } from '../../state/toasts';

interface GroupDialogProps {
  /** null to add a group. */
  group: ServerGroup | null;
  onClose: () => void;
}

export function GroupDialog({ group, onClose }: GroupDialogProps): JSX.Element {
  const [name, setName] = useState(group?.name ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async () => {
    if (busy) return;
    const trimmed = name.trim();
    if (!trimmed) {
      setError('Enter a name for the group.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      if (group) {
        await renameGroup(group.id, trimmed);
        showToast(`Group renamed to ${trimmed}.`);
      } else {
        const created = await createGroup(trimmed);
        selectedId.value = groupNodeId(created.id);
        showToast(`Group ${created.name} added.`);
      }
      void loadServers();
      onClose();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  const footer = (
    <>
      <Button onClick={onClose}>Cancel</Button>
      <Button type="submit" variant="primary" busy={busy}>
        {group ? 'Rename' : 'Add group'}
      </Button>
    </>
  );

  return (
    <Dialog title={group ? `Rename group ${group.name}` : 'Add server group'} size="small" onClose={onClose} onSubmit={submit} footer={footer}>
      <TextField id="group-name" label="Name" required value={name} onValue={setName} />
      <FormError message={error} />
    </Dialog>
  );
}
