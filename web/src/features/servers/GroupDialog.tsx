// Add a server group, or rename one.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { createGroup, renameGroup, type ServerGroup } from '../../api/servers';
import { TextField } from '../../components/Field';
import { FormDialog, useSubmit } from '../../components/FormDialog';
import { groupNodeId, loadServers, selectedId } from '../../state/servers';
import { showToast } from '../../state/toasts';

interface GroupDialogProps {
  /** null to add a group. */
  group: ServerGroup | null;
  onClose: () => void;
}

export function GroupDialog({ group, onClose }: GroupDialogProps): JSX.Element {
  const [name, setName] = useState(group?.name ?? '');
  const { busy, failure, run } = useSubmit();
  const trimmed = name.trim();

  const save = async () => {
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
  };

  return (
    <FormDialog
      title={group ? `Rename group ${group.name}` : 'Add server group'}
      submitLabel={group ? 'Rename' : 'Add group'}
      busy={busy}
      error={failure}
      onSubmit={() => void run(save, () => (trimmed ? null : 'Enter a name for the group.'))}
      onClose={onClose}
    >
      <TextField id="group-name" label="Name" required value={name} onValue={setName} />
    </FormDialog>
  );
}
