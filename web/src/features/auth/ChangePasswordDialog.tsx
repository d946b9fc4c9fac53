import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { changePassword } from '../../api/auth';
import { TextField } from '../../components/Field';
import { FormDialog, useSubmit } from '../../components/FormDialog';
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
  const { busy, failure, run } = useSubmit();

  const submit = () =>
    run(
      async () => {
        await changePassword(current, next);
        showToast('Password changed.');
        onClose();
      },
      () => problem(current, next, confirm),
    );

  return (
    <FormDialog title="Change password" submitLabel="Change password" busy={busy} error={failure} onSubmit={submit} onClose={onClose}>
      <input type="email" name="username" autocomplete="username" value={currentUser.value?.email ?? ''} hidden readOnly />
      <TextField id="current-password" label="Current password" type="password" value={current} onValue={setCurrent} autoComplete="current-password" />
      <TextField id="new-password" label="New password" type="password" value={next} onValue={setNext} autoComplete="new-password" />
      <TextField id="confirm-password" label="Repeat new password" type="password" value={confirm} onValue={setConfirm} autoComplete="new-password" />
    </FormDialog>
  );
}
