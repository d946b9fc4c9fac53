// The first-start administrator's password was shorter than Tusk accepts (taken as pgAdmin takes
// it, from the Secret): until it changes, this screen is all the app shows.
import type { JSX } from 'preact';
import { Button } from '../../components/Button';
import { FormError } from '../../components/Field';
import { passwordChanged, signOut } from '../../state/session';
import { LoginCard } from './LoginCard';
import { usePasswordChange } from './passwordChange';

export function ForcedPasswordChange({ email }: { email: string }): JSX.Element {
  const change = usePasswordChange(email, true, passwordChanged);
  return (
    <main class="login-page">
      <LoginCard titleId="change-title" title="Change your password" subtitle={email} focus="#current-password" onSubmit={() => void change.submit()}>
        <p class="login-notice" role="status">
          This account's password is shorter than Tusk accepts. It was taken once, at the first start, as pgAdmin
          takes it; choose a new one to continue.
        </p>
        {change.fields}
        <FormError message={change.failure} />
        <Button type="submit" variant="primary" busy={change.busy}>
          Change password
        </Button>
        <Button onClick={() => void signOut()}>Log out</Button>
      </LoginCard>
    </main>
  );
}
