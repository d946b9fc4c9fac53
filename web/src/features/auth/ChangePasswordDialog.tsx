import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { changePassword } from '../../api/auth';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { FormError, TextField } from '../../components/Field';
import { errorMessage } from '../../lib/format';
import { currentUser } from '../../state/session';
import { showToast } from '../../state/toasts';

function problem(current: string, next: string, confirm: string): string | null {
  if (!current || !next) return 'Enter your current password and a new one.';
  if (next !== confirm) return 'The new passwords do not match.';
  return null;
}

export function ChangePasswordDialog({ onClose }: { onClose: () => void }): JSX.Element {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async () => {
    if (busy) return;
    const invalid = problem(current, next, confirm);
    setError(invalid);
    if (invalid) return;
    setBusy(true);
    try {
      await changePassword(current, next);
      showToast('Password changed.');
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
        Change password
      </Button>
    </>
  );

  return (
    <Dialog title="Change password" size="small" onClose={onClose} onSubmit={submit} footer={footer}>
      <input type="email" name="username" autocomplete="username" value={currentUser.value?.email ?? ''} hidden readOnly />
      <TextField id="current-password" label="Current password" type="password" value={current} onValue={setCurrent} autoComplete="current-password" />
      <TextField id="new-password" label="New password" type="password" value={next} onValue={setNext} autoComplete="new-password" />
      <TextField id="confirm-password" label="Repeat new password" type="password" value={confirm} onValue={setConfirm} autoComplete="new-password" />
      <FormError message={error} />
    </Dialog>
  );
}
