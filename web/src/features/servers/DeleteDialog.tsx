// Confirms deleting a server or a group; the server refuses a group that
// still holds servers (409), and that message is shown in place.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { deleteGroup, deleteServer, type Server, type ServerGroup } from '../../api/servers';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { FormError } from '../../components/Field';
import { errorMessage } from '../../lib/format';
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
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const what = target.kind === 'server' ? 'server' : 'group';
  const name = target.kind === 'server' ? target.server.name : target.group.name;

  const submit = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await remove(target);
      onClose();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  const footer = (
    <>
      <Button onClick={onClose} data-autofocus>
        Cancel
      </Button>
      <Button type="submit" variant="danger" busy={busy}>
        Delete {what}
      </Button>
    </>
  );

  return (
    <Dialog title={`Delete ${what}`} size="small" onClose={onClose} onSubmit={submit} footer={footer}>
      <p>
        Delete the {what} <strong>{name}</strong>?
        {target.kind === 'server' ? ' Its saved password goes with it. ' : ' '}
        This cannot be undone.
      </p>
      <FormError message={error} />
    </Dialog>
  );
}
