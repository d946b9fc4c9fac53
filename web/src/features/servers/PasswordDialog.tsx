// "Connect to <server>": asked when the server needs a password, or the one
// tried was refused (the server's message shows in place).
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { Server } from '../../api/servers';
import { CheckboxField, TextField } from '../../components/Field';
import { FormDialog } from '../../components/FormDialog';
import { cancelConnect, connectWithPassword } from '../../state/servers';

interface PasswordDialogProps {
  server: Server;
  /** Why the last try failed, if one did. */
  message: string | null;
  onClose: () => void;
}

export function PasswordDialog({ server, message, onClose }: PasswordDialogProps): JSX.Element {
  const [password, setPassword] = useState('');
  const [save, setSave] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(message);

  const cancel = () => {
    cancelConnect(server);
    onClose();
  };

  const submit = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    const refused = await connectWithPassword(server, password, save);
    if (refused === null) {
      onClose();
      return;
    }
    setBusy(false);
    setError(refused);
    setPassword('');
    document.getElementById('connect-password')?.focus();
  };

  const user = server.shared && !server.owned ? server.shared_username ?? server.username : server.username;
  return (
    <FormDialog title={`Connect to ${server.name}`} submitLabel="Connect" busy={busy} error={error} onSubmit={submit} onClose={cancel}>
      <p class="connect-who">
        <span class="muted">User</span> <strong>{user ?? '(default)'}</strong>
        {server.host && (
          <>
            {' '}
            <span class="muted">on</span> {server.host}
            {server.port !== null && `:${server.port}`}
          </>
        )}
      </p>
      <TextField id="connect-password" label="Password" type="password" value={password} onValue={setPassword} />
      <CheckboxField id="connect-save" label="Save password" checked={save} onValue={setSave} />
    </FormDialog>
  );
}
