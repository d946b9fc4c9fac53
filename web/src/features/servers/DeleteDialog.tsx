// Confirms deleting a server or a group; the server refuses a group that
// still holds servers (409), and that message is shown in place.
import type { JSX } from 'preact';
import { deleteGroup, deleteServer, type Server, type ServerGroup } from '../../api/servers';
import { ConfirmDeleteDialog } from '../../components/ConfirmDeleteDialog';
import { loadServers, ROOT_ID, selectedId, serverDeleted } from '../../state/servers';
import { showToast } from '../../state/toasts';

type Target = { kind: 'server'; server: Server } | { kind: 'group'; group: ServerGroup };

interface DeleteDialogProps {
  target: Target;
  onClose: () => void;
}

async function remove(target: Target): Promise<void> {
  if (target.kind === 'server') {
    await deleteServer(target.server.id);
    serverDeleted(target.server);
    showToast(`Server ${target.server.name} deleted.`);
  } else {
    await deleteGroup(target.group.id);
    selectedId.value = ROOT_ID;
    void loadServers();
    showToast(`Group ${target.group.name} deleted.`);
  }
}

export function DeleteDialog({ target, onClose }: DeleteDialogProps): JSX.Element {
  const what = target.kind === 'server' ? 'server' : 'group';
  const name = target.kind === 'server' ? target.server.name : target.group.name;
  const onDelete = async () => {
    await remove(target);
    onClose();
  };
  return (
    <ConfirmDeleteDialog title={`Delete ${what}`} onDelete={onDelete} onClose={onClose}>
      Delete the {what} <strong>{name}</strong>?{target.kind === 'server' ? ' Its saved password goes with it. ' : ' '}This cannot be undone.
    </ConfirmDeleteDialog>
  );
}
