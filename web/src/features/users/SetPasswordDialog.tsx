import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { ManagedUser } from '../../api/types';
import { updateUser } from '../../api/users';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { FormError, TextField } from '../../components/Field';
import { errorMessage } from '../../lib/format';

interface SetPasswordDialogProps {
  user: ManagedUser;
  onClose: () => void;
  onDone: (user: ManagedUser) => void;
}

export function SetPasswordDialog({ user, onClose, onDone }: SetPasswordDialogProps): JSX.Element {
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async () => {
    if (busy) return;
    if (!password) {
      setError('Enter the new password.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onDone(await updateUser(user.id, { password }));
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
        Set password
      </Button>
    </>
  );

  return (
    <Dialog title={`Set password for ${user.email}`} size="small" onClose={onClose} onSubmit={submit} footer={footer}>
      <TextField id="user-password" label="New password" type="password" value={password} onValue={setPassword} autoComplete="new-password" />
      <FormError message={error} />
    </Dialog>
  );
}
