// "Two-factor authentication…" from the user menu: the state of the user's two-factor, and the
// enrolment of an authenticator app when there is none.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { fetchTwoFactor, type TwoFactorStatus } from '../../api/twofactor';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { FormError } from '../../components/Field';
import { errorMessage } from '../../lib/format';
import { EnrolmentBody, useEnrolment } from './enrolment';

export function TwoFactorDialog({ onClose }: { onClose: () => void }): JSX.Element {
  const [status, setStatus] = useState<TwoFactorStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [enrolling, setEnrolling] = useState(false);
  const e = useEnrolment(enrolling);
  useEffect(() => {
    fetchTwoFactor().then(setStatus, (err) => setError(errorMessage(err)));
  }, []);
  const scanning = enrolling && e.state.step === 'scan';
  const done = enrolling && e.state.step === 'codes';
  const footer = (
    <>
      {!done && <Button onClick={onClose}>{enrolling ? 'Cancel' : 'Close'}</Button>}
      {scanning && (
        <Button type="submit" variant="primary" busy={e.busy}>
          Turn on
        </Button>
      )}
      {done && (
        <Button variant="primary" onClick={onClose}>
          Done
        </Button>
      )}
    </>
  );
  return (
    <Dialog title="Two-factor authentication" onClose={onClose} {...(scanning ? { onSubmit: () => void e.confirm() } : {})} footer={footer}>
      <FormError message={error} />
      {enrolling ? <EnrolmentBody e={e} /> : status && <Status status={status} onEnrol={() => setEnrolling(true)} />}
    </Dialog>
  );
}

function Status({ status, onEnrol }: { status: TwoFactorStatus; onEnrol: () => void }): JSX.Element {
  if (!status.available) return <p>Two-factor sign-in is not available for your account.</p>;
  if (status.enabled) {
    return (
      <div class="twofactor-status">
        <p>
          <span class="badge badge-ok">On</span> Signing in asks for a code from your authenticator app after the password.
        </p>
        <p class="muted">
          {status.recovery_codes_left} of 10 recovery codes left. Lost your phone? An administrator can reset two-factor for
          you; you then enrol again.
        </p>
      </div>
    );
  }
  return (
    <div class="twofactor-status">
      <p>
        <span class="badge badge-off">Off</span> Add a second step to signing in: a code from an authenticator app on your phone, which
        changes every 30 seconds.
      </p>
      {status.required && <p class="muted">An administrator requires it for your account.</p>}
      <Button variant="primary" onClick={onEnrol}>
        Set up an authenticator app…
      </Button>
    </div>
  );
}
