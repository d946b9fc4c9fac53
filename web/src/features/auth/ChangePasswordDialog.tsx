import type { JSX } from 'preact';
import { FormDialog } from '../../components/FormDialog';
import { currentUser } from '../../state/session';
import { usePasswordChange } from './passwordChange';

export function ChangePasswordDialog({ onClose }: { onClose: () => void }): JSX.Element {
  const change = usePasswordChange(currentUser.value?.email ?? '', false, onClose);
  return (
    <FormDialog title="Change password" submitLabel="Change password" busy={change.busy} error={change.failure} onSubmit={change.submit} onClose={onClose}>
      {change.fields}
    </FormDialog>
  );
}
