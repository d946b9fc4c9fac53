// "Connect to <server>": asked when the server needs a password, or the one
// tried was refused (the server's message shows in place). A server behind
// an SSH tunnel also asks for the tunnel's password or key passphrase.
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
  /** The SSH host key the owner just accepted, sent with the password. */
  acceptKey?: string;
  onClose: () => void;
}

export function PasswordDialog({ server, message, acceptKey, onClose }: PasswordDialogProps): JSX.Element {
  const [password, setPassword] = useState('');
  const [tunnelPassword, setTunnelPassword] = useState('');
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
    const refused = await connectWithPassword(server, {
      ...(password || !server.use_ssh_tunnel ? { password } : {}),
      save_password: save,
      ...(tunnelPassword ? { tunnel_password: tunnelPassword } : {}),
      ...(acceptKey ? { accept_host_key: acceptKey } : {}),
    });
    if (refused === null) {
      onClose();
      return;
    }
    setBusy(false);
    setError(refused);
    setPassword('');
    setTunnelPassword('');
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
      <TextField id="connect-password" label={server.use_ssh_tunnel ? 'Database password' : 'Password'} type="password" value={password} onValue={setPassword} />
      {server.use_ssh_tunnel && (
        <TextField
          id="connect-tunnel-password"
          label={server.tunnel_authentication === 1 ? 'SSH key passphrase' : 'SSH password'}
          type="password"
          value={tunnelPassword}
          onValue={setTunnelPassword}
          hint={`For ${server.tunnel_username ?? ''}@${server.tunnel_host ?? ''}${server.has_tunnel_password ? '; empty: the saved one' : ''}.`}
        />
      )}
      <CheckboxField id="connect-save" label="Save password" checked={save} onValue={setSave} />
    </FormDialog>
  );
}
