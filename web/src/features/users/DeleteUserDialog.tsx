import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { ManagedUser } from '../../api/types';
import { deleteUser } from '../../api/users';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { FormError } from '../../components/Field';
import { errorMessage } from '../../lib/format';

interface DeleteUserDialogProps {
  user: ManagedUser;
  onClose: () => void;
  onDeleted: (user: ManagedUser) => void;
}

export function DeleteUserDialog({ user, onClose, onDeleted }: DeleteUserDialogProps): JSX.Element {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await deleteUser(user.id);
      onDeleted(user);
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
        Delete user
      </Button>
    </>
  );

  return (
    <Dialog title="Delete user" size="small" onClose={onClose} onSubmit={submit} footer={footer}>
      <p>
        Delete <strong>{user.email}</strong>? This cannot be undone.
      </p>
      <FormError message={error} />
    </Dialog>
  );
}
