// Changing one's own password: in a dialog from the user menu, or on the
// screen a too short first-start password leads to. The fields (with the
// account's email, for password managers) and what Change does.
import { useState } from 'preact/hooks';
import { changePassword } from '../../api/auth';
import { TextField } from '../../components/Field';
import { useSubmit } from '../../components/FormDialog';
import { showToast } from '../../state/toasts';

/** Why a change of password cannot be sent yet; null when it can. */
export function passwordProblem(current: string, next: string, confirm: string): string | null {
  if (!current || !next) return 'Enter your current password and a new one.';
  if (next !== confirm) return 'The new passwords do not match.';
  return null;
}

/** The form of EMAIL's change of password; DONE follows a change. REQUIRED marks the fields so. */
export function usePasswordChange(email: string, required: boolean, done: () => void) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const { busy, failure, run } = useSubmit();
  const submit = () =>
    run(
      async () => {
        await changePassword(current, next);
        showToast('Password changed.');
        done();
      },
      () => passwordProblem(current, next, confirm),
    );
  const fields = (
    <>
      <input type="email" name="username" autocomplete="username" value={email} hidden readOnly />
      <TextField id="current-password" label="Current password" type="password" value={current} onValue={setCurrent} autoComplete="current-password" required={required} />
      <TextField id="new-password" label="New password" type="password" value={next} onValue={setNext} autoComplete="new-password" required={required} />
      <TextField id="confirm-password" label="Repeat new password" type="password" value={confirm} onValue={setConfirm} autoComplete="new-password" required={required} />
    </>
  );
  return { busy, failure, submit, fields };
}
