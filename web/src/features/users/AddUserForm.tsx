import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { fetchSources, type OAuth2Provider } from '../../api/auth';
import type { AuthSource, ManagedUser, Role } from '../../api/types';
import { createUser } from '../../api/users';
import { Button } from '../../components/Button';
import { CheckboxField, FormError, SelectField, TextField } from '../../components/Field';
import { useSubmit } from '../../components/FormDialog';

const SOURCES = [
  { value: 'internal', label: 'Tusk password' },
  { value: 'ldap', label: 'LDAP' },
  { value: 'webserver', label: 'Proxy' },
  { value: 'oauth2', label: 'OAuth2' },
] as const;

const ROLES = [
  { value: 'user', label: 'User' },
  { value: 'admin', label: 'Admin' },
] as const;

export function AddUserForm({ onAdded }: { onAdded: (user: ManagedUser) => void }): JSX.Element {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('user');
  const [active, setActive] = useState(true);
  const [source, setSource] = useState<AuthSource>('internal');
  // oauth2 users are bound to one provider: with several configured, the administrator names it
  // (so no other provider's user of that name can take the account)
  const [providers, setProviders] = useState<OAuth2Provider[]>([]);
  const [provider, setProvider] = useState('');
  useEffect(() => {
    fetchSources().then(
      (s) => setProviders(s.oauth2_providers ?? []),
      () => setProviders([]),
    );
  }, []);
  const internal = source === 'internal';
  const pickProvider = source === 'oauth2' && providers.length > 1;
  const { busy, failure: error, run } = useSubmit();
  const formRef = useRef<HTMLFormElement>(null);

  const submit = (e: Event) => {
    e.preventDefault();
    void run(
      async () => {
        const base = { email: email.trim(), role, active };
        const external = pickProvider ? { ...base, auth_source: source, oauth2_provider: provider } : { ...base, auth_source: source };
        onAdded(await createUser(internal ? { ...base, password } : external));
        setEmail('');
        setPassword('');
        setRole('user');
        setActive(true);
        formRef.current?.querySelector<HTMLInputElement>('#new-user-email')?.focus();
      },
      () =>
        !email.trim() || (internal && !password)
          ? internal
            ? 'Enter an email address and a password for the new user.'
            : 'Enter the user name the directory, the proxy or the identity provider gives.'
          : pickProvider && !provider
            ? 'Choose the identity provider this user signs in through.'
            : null,
    );
  };

  return (
    <form class="add-user" ref={formRef} onSubmit={submit} noValidate aria-label="Add user">
      <h3>Add user</h3>
      <div class="form-row">
        <SelectField id="new-user-source" label="Sign-in" value={source} options={SOURCES} onValue={setSource} />
        <TextField
          id="new-user-email"
          label={internal ? 'Email address' : 'User name'}
          type={internal ? 'email' : 'text'}
          value={email}
          onValue={setEmail}
        />
        {internal && (
          <TextField id="new-user-password" label="Password" type="password" value={password} onValue={setPassword} autoComplete="new-password" />
        )}
        {pickProvider && (
          <SelectField
            id="new-user-provider"
            label="Provider"
            value={provider}
            options={[{ value: '', label: 'Choose…' }, ...providers.map((p) => ({ value: p.name, label: p.display_name || p.name }))]}
            onValue={setProvider}
          />
        )}
        <SelectField id="new-user-role" label="Role" value={role} options={ROLES} onValue={setRole} />
        <CheckboxField id="new-user-active" label="Active" checked={active} onValue={setActive} />
        <Button type="submit" variant="primary" busy={busy}>
          Add user
        </Button>
      </div>
      <FormError message={error} />
    </form>
  );
}
