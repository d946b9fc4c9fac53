// Enrolling an authenticator app: the QR code of the otpauth:// URI (drawn by the server) and the
// secret as text, a current code to confirm, then the ten recovery codes, shown this once.
// Used by the dialog from the user menu and by the screen a required enrolment leads to.
// Replacing an enrolled authenticator also asks for proof of the current one (a code, a
// recovery code, or the password of an internal user): a session alone must not take it over.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { beginTwoFactor, confirmTwoFactor, type TwoFactorProof, type TwoFactorSetup } from '../../api/twofactor';
import { Button } from '../../components/Button';
import { FormError, TextField } from '../../components/Field';
import { useSubmit } from '../../components/FormDialog';
import { errorMessage } from '../../lib/format';
import { currentUser } from '../../state/session';
import '../../styles/twofactor.css';

export type Enrolment =
  | { step: 'loading' }
  | { step: 'failed'; message: string }
  | { step: 'scan'; setup: TwoFactorSetup }
  | { step: 'codes'; codes: string[] };

/** The secret in groups of four, as authenticator apps show a key typed by hand. */
export function grouped(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

/** The proof of the current second factor: what the user typed, and which kind it is. */
export function useProof() {
  const [value, setValue] = useState('');
  const [usePassword, setUsePassword] = useState(false);
  const proof = (): TwoFactorProof => (usePassword ? { password: value } : { current_code: value.trim() });
  return { value, setValue, usePassword, setUsePassword, proof };
}

export function ProofField({ p, passwordAllowed, id }: { p: ReturnType<typeof useProof>; passwordAllowed: boolean; id: string }): JSX.Element {
  return (
    <div class="twofactor-proof">
      <TextField
        id={id}
        label={p.usePassword ? 'Your Tusk password' : 'Code from your current app, or a recovery code'}
        type={p.usePassword ? 'password' : 'text'}
        value={p.value}
        onValue={p.setValue}
        autoComplete={p.usePassword ? 'current-password' : 'one-time-code'}
        required
      />
      {passwordAllowed && (
        <Button
          small
          variant="ghost"
          onClick={() => {
            p.setUsePassword(!p.usePassword);
            p.setValue('');
          }}
        >
          {p.usePassword ? 'Use a code instead' : 'Use my password instead'}
        </Button>
      )}
    </div>
  );
}

export function useEnrolment(start: boolean, replacing = false) {
  const [state, setState] = useState<Enrolment>({ step: 'loading' });
  const [code, setCode] = useState('');
  const proof = useProof();
  const submit = useSubmit();
  useEffect(() => {
    if (!start) return;
    beginTwoFactor().then(
      (setup) => setState({ step: 'scan', setup }),
      (err) => setState({ step: 'failed', message: errorMessage(err) }),
    );
  }, [start]);
  const confirm = () =>
    submit.run(
      async () => {
        if (state.step !== 'scan') return;
        const r = await confirmTwoFactor(state.setup.setup_token, code.trim(), replacing ? proof.proof() : {});
        setState({ step: 'codes', codes: r.recovery_codes });
      },
      () =>
        !/^\d{3} ?\d{3}$/.test(code.trim())
          ? 'Enter the 6-digit code your new authenticator app shows.'
          : replacing && !proof.value.trim()
            ? 'Prove it is you: a code from your current app, a recovery code, or your password.'
            : null,
    );
  return { state, code, setCode, confirm, busy: submit.busy, failure: submit.failure, replacing, proof };
}

export function EnrolmentBody({ e }: { e: ReturnType<typeof useEnrolment> }): JSX.Element {
  const s = e.state;
  if (s.step === 'loading') return <p class="muted" aria-busy="true">Making a new secret…</p>;
  if (s.step === 'failed') return <FormError message={s.message} />;
  if (s.step === 'codes') return <RecoveryCodes codes={s.codes} />;
  const src = s.setup.qr_svg ? `data:image/svg+xml;charset=utf-8,${encodeURIComponent(s.setup.qr_svg)}` : null;
  return (
    <div class="twofactor-enrol">
      <div class="twofactor-scan">
        {src && <img class="twofactor-qr" src={src} width={176} height={176} alt="QR code of the authenticator key" />}
        <div class="twofactor-steps">
          <p>1. Scan this code with an authenticator app (Google Authenticator, Microsoft Authenticator, 1Password, FreeOTP…).</p>
          <p class="muted">Or type this key in the app (time-based, 6 digits, 30 seconds):</p>
          <code class="twofactor-secret" data-testid="twofactor-secret">
            {grouped(s.setup.secret)}
          </code>
          <p>2. Enter the code the app shows now.</p>
          <TextField id="twofactor-code" label="Code" value={e.code} onValue={e.setCode} inputMode="numeric" autoComplete="one-time-code" placeholder="123456" required />
          {e.replacing && (
            <>
              <p>3. This replaces your current authenticator app: prove you hold it.</p>
              <ProofField p={e.proof} id="twofactor-current" passwordAllowed={(currentUser.value?.auth_source ?? 'internal') === 'internal'} />
            </>
          )}
        </div>
      </div>
      <FormError message={e.failure} />
    </div>
  );
}

function RecoveryCodes({ codes }: { codes: string[] }): JSX.Element {
  const [copied, setCopied] = useState(false);
  const copy = () => {
    void navigator.clipboard?.writeText(codes.join('\n')).then(() => setCopied(true));
  };
  return (
    <div class="twofactor-codes" role="status">
      <p>
        <strong>Two-factor sign-in is on.</strong> Keep these recovery codes somewhere safe: each signs you in once if your
        phone is lost. They are shown only now.
      </p>
      <ol class="twofactor-code-list" data-testid="recovery-codes">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ol>
      <Button small onClick={copy}>
        {copied ? 'Copied' : 'Copy codes'}
      </Button>
    </div>
  );
}
