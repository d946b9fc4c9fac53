// The first-start administrator's password was shorter than Tusk accepts (taken as pgAdmin takes
// it, from the Secret): until it changes, this screen is all the app shows.
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { changePassword } from '../../api/auth';
import { Button } from '../../components/Button';
import { FormError, TextField } from '../../components/Field';
import { Logo } from '../../components/Icon';
import { errorMessage } from '../../lib/format';
import { passwordChanged, signOut } from '../../state/session';
import { showToast } from '../../state/toasts';

export function ForcedPasswordChange({ email }: { email: string }): JSX.Element {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    formRef.current?.querySelector<HTMLInputElement>('#current-password')?.focus();
  }, []);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    if (!current || !next) {
      setError('Enter your current password and a new one.');
      return;
    }
    if (next !== confirm) {
      setError('The new passwords do not match.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await changePassword(current, next);
      showToast('Password changed.');
      passwordChanged();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <main class="login-page">
      <form class="login-card" ref={formRef} onSubmit={submit} noValidate aria-labelledby="change-title">
        <header class="login-header">
          <Logo size={28} />
          <div>
            <h1 id="change-title">Change your password</h1>
            <p class="muted">{email}</p>
          </div>
        </header>
        <p class="login-notice" role="status">
          This account's password is shorter than Tusk accepts. It was taken once, at the first start, as pgAdmin
          takes it; choose a new one to continue.
        </p>
        <input type="email" name="username" autocomplete="username" value={email} hidden readOnly />
        <TextField id="current-password" label="Current password" type="password" value={current} onValue={setCurrent} autoComplete="current-password" required />
        <TextField id="new-password" label="New password" type="password" value={next} onValue={setNext} autoComplete="new-password" required />
        <TextField id="confirm-password" label="Repeat new password" type="password" value={confirm} onValue={setConfirm} autoComplete="new-password" required />
        <FormError message={error} />
        <Button type="submit" variant="primary" busy={busy}>
          Change password
        </Button>
        <Button onClick={() => void signOut()}>Log out</Button>
      </form>
    </main>
  );
}
