import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { fetchSources, login, webserverLogin } from '../../api/auth';
import { ApiError } from '../../api/client';
import type { AuthSource } from '../../api/types';
import { Button } from '../../components/Button';
import { FormError, TextField } from '../../components/Field';
import { useSubmit } from '../../components/FormDialog';
import { serverVersion } from '../../state/server';
import { signIn } from '../../state/session';
import { isSecondStep, type SecondStep } from '../../api/twofactor';
import { LoginCard } from './LoginCard';
import { TwoFactorStep } from './TwoFactorStep';
import { OAuth2Buttons, useOAuth2Refusal } from './OAuth2Buttons';
import type { OAuth2Provider } from '../../api/auth';

const SOURCE_NAMES: Record<AuthSource, string> = {
  internal: 'Tusk account',
  ldap: 'LDAP directory',
  webserver: 'the sign-in proxy in front',
  oauth2: 'identity provider',
};

/** The password sources in their order, as the form names them ("LDAP directory, then Tusk account"). */
function describe(sources: AuthSource[]): string {
  return sources
    .filter((s) => s === 'internal' || s === 'ldap')
    .map((s) => SOURCE_NAMES[s])
    .join(', then ');
}

/** Refusals worth telling on arrival: the proxy named someone Tusk will not let in. */
const TOLD_ON_ARRIVAL = ['permission_denied', 'account_disabled'];

/** The webserver source: the proxy in front names the user; tried once on arrival unless a notice
 * (a logout) says otherwise. On arrival only a refusal of the named user is shown (reached
 * without the proxy, the password form is the way in); a click shows every answer. */
function useProxySignIn(sources: AuthSource[] | null, notice: string | undefined) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (arrival = false) => {
    setBusy(true);
    setError(null);
    try {
      signIn(await webserverLogin());
    } catch (err) {
      if (!arrival || (err instanceof ApiError && TOLD_ON_ARRIVAL.includes(err.code))) {
        setError(err instanceof Error ? err.message : String(err));
      }
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    if (sources?.includes('webserver') && !notice) void run(true);
  }, [sources]);
  return { busy, error, run };
}

export function LoginScreen({ notice }: { notice?: string | undefined }): JSX.Element {
  const [sources, setSources] = useState<AuthSource[] | null>(null);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, failure: error, run } = useSubmit();
  const proxy = useProxySignIn(sources, notice);
  const [providers, setProviders] = useState<OAuth2Provider[]>([]);
  const oauth2Error = useOAuth2Refusal();
  useEffect(() => {
    fetchSources()
      .then((r) => {
        setProviders(r.oauth2_providers ?? []);
        setSources(r.sources);
      })
      .catch(() => setSources(['internal']));
  }, []);
  const ldap = sources?.includes('ldap') ?? false;
  const internal = sources?.includes('internal') ?? false;
  const label = ldap && !internal ? 'User name' : ldap ? 'User name or email address' : 'Email address';

  const [pending, setPending] = useState<SecondStep | null>(null);
  const submit = () =>
    run(
      async () => {
        try {
          const r = await login(email.trim(), password);
          if (isSecondStep(r)) {
            setPassword('');
            setPending(r);
          } else signIn(r);
        } catch (err) {
          document.querySelector<HTMLInputElement>('.login-card #password')?.select();
          throw err;
        }
      },
      () => (!email.trim() || !password ? `Enter your ${label.toLowerCase()} and password.` : null),
    );

  // the identity providers' buttons go before or after the password form, as the sources' order says
  const oauth2At = sources?.indexOf('oauth2') ?? -1;
  const formAt = Math.min(...['internal', 'ldap'].map((s) => sources?.indexOf(s as AuthSource) ?? -1).filter((i) => i >= 0));
  const oauth2 = oauth2At >= 0 && providers.length > 0 ? <OAuth2Buttons providers={providers} error={oauth2Error} /> : null;
  // the card waits for the sources (one small request), so it never shows a form it then takes away
  if (sources === null) return <main class="login-page" aria-busy="true" />;
  if (pending) return <TwoFactorStep pending={pending} onBack={() => setPending(null)} />;
  return (
    <main class="login-page">
      <LoginCard titleId="login-title" title="Tusk" subtitle="PostgreSQL administration" focus="#email" onSubmit={() => void submit()}>
        {notice && !error && <p class="login-notice">{notice}</p>}
        {sources?.includes('webserver') && (
          <div class="login-proxy">
            <Button busy={proxy.busy} onClick={() => void proxy.run()}>
              {proxy.busy ? 'Signing in through the proxy…' : 'Sign in through the proxy'}
            </Button>
            <FormError message={proxy.error} />
          </div>
        )}
        {oauth2At >= 0 && oauth2At < formAt && oauth2}
        {(ldap || internal) && (
          <>
            {ldap && (
              <p class="login-source muted" data-testid="login-source">
                Sign in with your {describe(sources ?? [])}
              </p>
            )}
            <TextField
              id="email"
              label={label}
              type={ldap ? 'text' : 'email'}
              value={email}
              onValue={setEmail}
              autoComplete="username"
              required
            />
            <TextField id="password" label="Password" type="password" value={password} onValue={setPassword} autoComplete="current-password" required />
            <FormError message={error} />
            <Button type="submit" variant="primary" busy={busy}>
              {busy ? 'Logging in…' : ldap && !internal ? 'Log in with LDAP' : 'Log in'}
            </Button>
          </>
        )}
        {oauth2At > formAt && oauth2}
      </LoginCard>
      {serverVersion.value && <p class="login-footer muted">Tusk {serverVersion.value}</p>}
    </main>
  );
}
