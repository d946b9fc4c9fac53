// "Two-factor authentication…" from the user menu: the state of the user's two-factor, the
// enrolment of an authenticator app when there is none, and replacing or turning off the one
// there is (both with proof of it: a code, a recovery code, or the password).
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { disableTwoFactor, fetchTwoFactor, type TwoFactorStatus } from '../../api/twofactor';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { FormError } from '../../components/Field';
import { useSubmit } from '../../components/FormDialog';
import { errorMessage } from '../../lib/format';
import { currentUser } from '../../state/session';
import { showToast } from '../../state/toasts';
import { EnrolmentBody, ProofField, useEnrolment, useProof } from './enrolment';

type Mode = 'status' | 'enrol' | 'turn-off';

export function TwoFactorDialog({ onClose }: { onClose: () => void }): JSX.Element {
  const [status, setStatus] = useState<TwoFactorStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [mode, setMode] = useState<Mode>('status');
  const enrolling = mode === 'enrol';
  const e = useEnrolment(enrolling, status?.enabled === true);
  const off = useProof();
  const offSubmit = useSubmit();
  useEffect(() => {
    fetchTwoFactor().then(setStatus, (err) => setError(errorMessage(err)));
  }, []);
  const turnOff = () =>
    offSubmit.run(
      async () => {
        await disableTwoFactor(off.usePassword ? { password: off.value } : { code: off.value.trim() });
        showToast('Two-factor sign-in is off.');
        onClose();
      },
      () => (off.value.trim() ? null : 'Prove it is you: a code from your app, a recovery code, or your password.'),
    );
  const scanning = enrolling && e.state.step === 'scan';
  const done = enrolling && e.state.step === 'codes';
  const submit = scanning ? () => void e.confirm() : mode === 'turn-off' ? () => void turnOff() : undefined;
  const footer = (
    <>
      {!done && <Button onClick={onClose}>{mode === 'status' ? 'Close' : 'Cancel'}</Button>}
      {scanning && (
        <Button type="submit" variant="primary" busy={e.busy}>
          {e.replacing ? 'Replace' : 'Turn on'}
        </Button>
      )}
      {mode === 'turn-off' && (
        <Button type="submit" variant="danger" busy={offSubmit.busy}>
          Turn off
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
    <Dialog title="Two-factor authentication" onClose={onClose} {...(submit ? { onSubmit: submit } : {})} footer={footer}>
      <FormError message={error} />
      {enrolling && <EnrolmentBody e={e} />}
      {mode === 'turn-off' && (
        <div class="twofactor-status">
          <p>Signing in will ask for the password alone. Prove it is you to turn two-factor off.</p>
          <ProofField p={off} id="twofactor-off-proof" passwordAllowed={(currentUser.value?.auth_source ?? 'internal') === 'internal'} />
          <FormError message={offSubmit.failure} />
        </div>
      )}
      {mode === 'status' && status && <Status status={status} onEnrol={() => setMode('enrol')} onTurnOff={() => setMode('turn-off')} />}
    </Dialog>
  );
}

function Status({ status, onEnrol, onTurnOff }: { status: TwoFactorStatus; onEnrol: () => void; onTurnOff: () => void }): JSX.Element {
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
        <div class="twofactor-actions">
          <Button onClick={onEnrol}>Replace authenticator app…</Button>
          {!status.required && (
            <Button variant="danger" onClick={onTurnOff}>
              Turn off…
            </Button>
          )}
        </div>
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
