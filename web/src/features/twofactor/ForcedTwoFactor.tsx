// Two-factor is required of this user and not enrolled: until it is, this screen is all the app
// shows (the server refuses everything else to this session too).
import type { JSX } from 'preact';
import { Button } from '../../components/Button';
import { LoginCard } from '../auth/LoginCard';
import { signOut, twoFactorEnrolled } from '../../state/session';
import { EnrolmentBody, useEnrolment } from './enrolment';

export function ForcedTwoFactor({ email }: { email: string }): JSX.Element {
  const e = useEnrolment(true);
  const done = e.state.step === 'codes';
  return (
    <main class="login-page">
      <LoginCard
        titleId="twofactor-title"
        title="Set up two-factor sign-in"
        subtitle={email}
        focus="#twofactor-code"
        onSubmit={() => (done ? twoFactorEnrolled() : void e.confirm())}
        wide
      >
        {!done && (
          <p class="login-notice" role="status">
            Two-factor sign-in is required for your account: set up an authenticator app to continue.
          </p>
        )}
        <EnrolmentBody e={e} />
        {e.state.step === 'scan' && (
          <Button type="submit" variant="primary" busy={e.busy}>
            Turn on
          </Button>
        )}
        {done && (
          <Button variant="primary" onClick={twoFactorEnrolled}>
            Continue to Tusk
          </Button>
        )}
        <Button onClick={() => void signOut()}>Log out</Button>
      </LoginCard>
    </main>
  );
}
