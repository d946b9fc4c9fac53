import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { login } from '../../api/auth';
import { Button } from '../../components/Button';
import { FormError, TextField } from '../../components/Field';
import { useSubmit } from '../../components/FormDialog';
import { serverVersion } from '../../state/server';
import { signIn } from '../../state/session';
import { LoginCard } from './LoginCard';

export function LoginScreen({ notice }: { notice?: string | undefined }): JSX.Element {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, failure: error, run } = useSubmit();

  const submit = () =>
    run(
      async () => {
        try {
          signIn(await login(email.trim(), password));
        } catch (err) {
          document.querySelector<HTMLInputElement>('.login-card #password')?.select();
          throw err;
        }
      },
      () => (!email.trim() || !password ? 'Enter your email address and password.' : null),
    );

  return (
    <main class="login-page">
      <LoginCard titleId="login-title" title="Tusk" subtitle="PostgreSQL administration" focus="#email" onSubmit={() => void submit()}>
        {notice && !error && <p class="login-notice">{notice}</p>}
        <TextField id="email" label="Email address" type="email" value={email} onValue={setEmail} autoComplete="username" required />
        <TextField id="password" label="Password" type="password" value={password} onValue={setPassword} autoComplete="current-password" required />
        <FormError message={error} />
        <Button type="submit" variant="primary" busy={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </Button>
      </LoginCard>
      {serverVersion.value && <p class="login-footer muted">Tusk {serverVersion.value}</p>}
    </main>
  );
}
