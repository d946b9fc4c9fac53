import type { JSX } from 'preact';
import { useRef, useState } from 'preact/hooks';
import type { ManagedUser, Role } from '../../api/types';
import { createUser } from '../../api/users';
import { Button } from '../../components/Button';
import { CheckboxField, FormError, SelectField, TextField } from '../../components/Field';
import { useSubmit } from '../../components/FormDialog';

const ROLES = [
  { value: 'user', label: 'User' },
  { value: 'admin', label: 'Administrator' },
] as const;

export function AddUserForm({ onAdded }: { onAdded: (user: ManagedUser) => void }): JSX.Element {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('user');
  const [active, setActive] = useState(true);
  const { busy, failure: error, run } = useSubmit();
  const formRef = useRef<HTMLFormElement>(null);

  const submit = (e: Event) => {
    e.preventDefault();
    void run(
      async () => {
        onAdded(await createUser({ email: email.trim(), password, role, active }));
        setEmail('');
        setPassword('');
        setRole('user');
        setActive(true);
        formRef.current?.querySelector<HTMLInputElement>('#new-user-email')?.focus();
      },
      () => (!email.trim() || !password ? 'Enter an email address and a password for the new user.' : null),
    );
  };

  return (
    <form class="add-user" ref={formRef} onSubmit={submit} noValidate aria-label="Add user">
      <h3>Add user</h3>
      <div class="form-row">
        <TextField id="new-user-email" label="Email address" type="email" value={email} onValue={setEmail} />
        <TextField id="new-user-password" label="Password" type="password" value={password} onValue={setPassword} autoComplete="new-password" />
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
