// The second step of a sign-in with two-factor: the password was right, and a code from the
// authenticator app (or a recovery code) opens the session. No session exists before this.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { secondStep, type SecondStep } from '../../api/twofactor';
import { Button } from '../../components/Button';
import { FormError, TextField } from '../../components/Field';
import { useSubmit } from '../../components/FormDialog';
import { signIn } from '../../state/session';
import { LoginCard } from './LoginCard';

export function TwoFactorStep({ pending, onBack }: { pending: SecondStep; onBack: () => void }): JSX.Element {
  const [code, setCode] = useState('');
  const [recovery, setRecovery] = useState(false);
  const { busy, failure, run, setFailure } = useSubmit();
  const toggle = () => {
    setRecovery(!recovery);
    setCode('');
    setFailure(null);
  };
  const submit = () =>
    run(
      async () => {
        try {
          signIn(await secondStep(pending.pending_token, code.trim()));
        } catch (err) {
          document.querySelector<HTMLInputElement>('.login-card #second-step-code')?.select();
          throw err;
        }
      },
      () => (code.trim() ? null : recovery ? 'Enter one of your recovery codes.' : 'Enter the 6-digit code your authenticator app shows.'),
    );
  return (
    <main class="login-page">
      <LoginCard titleId="second-step-title" title="Two-factor sign-in" subtitle="Your password was right" focus="#second-step-code" onSubmit={() => void submit()}>
        <p class="login-notice">
          {recovery
            ? 'Enter one of the recovery codes you kept when you set up two-factor. Each works once.'
            : 'Enter the code your authenticator app shows for Tusk.'}
        </p>
        <TextField
          id="second-step-code"
          label={recovery ? 'Recovery code' : 'Code'}
          value={code}
          onValue={setCode}
          inputMode={recovery ? 'text' : 'numeric'}
          autoComplete="one-time-code"
          placeholder={recovery ? 'XXXX-XXXX-XXXX-XXXX' : '123456'}
          required
        />
        <FormError message={failure} />
        <Button type="submit" variant="primary" busy={busy}>
          {busy ? 'Checking…' : 'Verify'}
        </Button>
        <div class="login-links">
          <Button small variant="ghost" onClick={() => toggle()}>
            {recovery ? 'Use the authenticator app' : 'Use a recovery code'}
          </Button>
          <Button small variant="ghost" onClick={onBack}>
            Back
          </Button>
        </div>
      </LoginCard>
    </main>
  );
}
