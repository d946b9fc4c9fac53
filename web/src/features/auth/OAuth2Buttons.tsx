// The oauth2 source on the login page: one button per identity provider (its label, icon and
// colour as configured), each a plain link to Tusk's start URL, which sends the browser to the
// provider. A refusal from the provider's way back is told above the buttons.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { fetchOAuth2Error, type OAuth2Provider } from '../../api/auth';
import { apiUrl } from '../../api/client';
import { FormError } from '../../components/Field';

/** A configured colour used only when it is a plain CSS colour (#rgb, #rrggbb or a name). */
function safeColor(c: string): string | undefined {
  return /^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20})$/.test(c) ? c : undefined;
}

/** The refusal of the last sign-in through a provider, when the page was reached from one. */
export function useOAuth2Refusal(): string | null {
  const [message, setMessage] = useState<string | null>(null);
  useEffect(() => {
    const params = new URLSearchParams(location.search);
    if (!params.has('oauth2_error')) return;
    params.delete('oauth2_error');
    const rest = params.toString();
    history.replaceState(null, '', `${location.pathname}${rest ? `?${rest}` : ''}${location.hash}`);
    fetchOAuth2Error()
      .then((r) => setMessage(r.message || 'The sign-in through the identity provider did not complete. Try again.'))
      .catch(() => setMessage('The sign-in through the identity provider did not complete. Try again.'));
  }, []);
  return message;
}

export function OAuth2Buttons({ providers, error }: { providers: OAuth2Provider[]; error: string | null }): JSX.Element {
  return (
    <div class="login-oauth2" data-testid="login-oauth2">
      <FormError message={error} />
      {providers.map((p) => {
        const color = safeColor(p.button_color);
        return (
          <a
            key={p.name}
            class={`btn login-provider${color ? ' login-provider-colored' : ''}`}
            href={apiUrl(`auth/oauth2/${encodeURIComponent(p.name)}`)}
            style={color ? { background: color, borderColor: color } : undefined}
          >
            {p.icon && /^(https?:|data:image\/)/.test(p.icon) && <img src={p.icon} alt="" width={16} height={16} />}
            <span>Sign in with {p.display_name}</span>
          </a>
        );
      })}
    </div>
  );
}
