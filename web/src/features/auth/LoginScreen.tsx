import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { login } from '../../api/auth';
import { Button } from '../../components/Button';
import { FormError, TextField } from '../../components/Field';
import { Logo } from '../../components/Icon';
import { errorMessage } from '../../lib/format';
import { serverVersion } from '../../state/server';
import { signIn } from '../../state/session';

export function LoginScreen({ notice }: { notice?: string | undefined }): JSX.Element {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    formRef.current?.querySelector<HTMLInputElement>('#email')?.focus();
  }, []);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    if (!email.trim() || !password) {
      setError('Enter your email address and password.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      signIn(await login(email.trim(), password));
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
      formRef.current?.querySelector<HTMLInputElement>('#password')?.select();
    }
  };

  return (
    <main class="login-page">
      <form class="login-card" ref={formRef} onSubmit={submit} noValidate aria-labelledby="login-title">
        <header class="login-header">
          <Logo size={28} />
          <div>
            <h1 id="login-title">Tusk</h1>
            <p class="muted">PostgreSQL administration</p>
          </div>
        </header>
        {notice && !error && <p class="login-notice">{notice}</p>}
        <TextField id="email" label="Email address" type="email" value={email} onValue={setEmail} autoComplete="username" required />
        <TextField id="password" label="Password" type="password" value={password} onValue={setPassword} autoComplete="current-password" required />
        <FormError message={error} />
        <Button type="submit" variant="primary" busy={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </Button>
      </form>
      {serverVersion.value && <p class="login-footer muted">Tusk {serverVersion.value}</p>}
    </main>
  );
}
