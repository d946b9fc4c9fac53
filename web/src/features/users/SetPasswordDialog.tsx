import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { ManagedUser } from '../../api/types';
import { updateUser } from '../../api/users';
import { TextField } from '../../components/Field';
import { FormDialog, useSubmit } from '../../components/FormDialog';

interface SetPasswordDialogProps {
  user: ManagedUser;
  onClose: () => void;
  onDone: (user: ManagedUser) => void;
}

export function SetPasswordDialog({ user, onClose, onDone }: SetPasswordDialogProps): JSX.Element {
  const [password, setPassword] = useState('');
  const { busy, failure, run } = useSubmit();

  const submit = () =>
    run(
      async () => {
        onDone(await updateUser(user.id, { password }));
        onClose();
      },
      () => (password ? null : 'Enter the new password.'),
    );

  return (
    <FormDialog title={`Set password for ${user.email}`} submitLabel="Set password" busy={busy} error={failure} onSubmit={submit} onClose={onClose}>
      <TextField id="user-password" label="New password" type="password" value={password} onValue={setPassword} autoComplete="new-password" />
    </FormDialog>
  );
}
