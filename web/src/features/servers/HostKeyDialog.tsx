// "Trust this SSH server?": the first connect through a tunnel shows the
// bastion's host key fingerprint (SHA256, as `ssh-keygen -l` prints it) for
// the owner to compare with the one the bastion's administrator gives, and
// accepting connects with it; Tusk then refuses any other key.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { Server } from '../../api/servers';
import { FormDialog } from '../../components/FormDialog';
import { cancelConnect, connectWithPassword, explorerDialog } from '../../state/servers';

interface HostKeyDialogProps {
  server: Server;
  fingerprint: string;
  /** The server's sentence (names the host and the key's type). */
  message: string;
  onClose: () => void;
}

export function HostKeyDialog({ server, fingerprint, message, onClose }: HostKeyDialogProps): JSX.Element {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const owner = server.owned;

  const cancel = () => {
    cancelConnect(server);
    onClose();
  };

  const accept = async () => {
    if (busy || !owner) return;
    setBusy(true);
    const refused = await connectWithPassword(server, { accept_host_key: fingerprint });
    setBusy(false);
    if (refused !== null) setError(refused);
    else if (explorerDialog.value?.kind === 'host-key') onClose(); // else the password prompt follows
  };

  const type = /its (\S+) host key/.exec(message)?.[1];
  return (
    <FormDialog
      title="Trust this SSH server?"
      size="medium"
      submitLabel="Accept and connect"
      busy={busy}
      disabled={!owner}
      focus="cancel"
      error={error}
      onSubmit={() => void accept()}
      onClose={cancel}
    >
      <p class="host-key-lead">
        Tusk has not connected to the SSH server <strong>{server.tunnel_host}:{server.tunnel_port}</strong> before. Compare its host key
        fingerprint with the one your administrator gives (<code>ssh-keygen -lf</code> on the bastion's key) before accepting it.
      </p>
      <dl class="host-key">
        <dt>Server</dt>
        <dd>{server.name}</dd>
        {type && (
          <>
            <dt>Key type</dt>
            <dd>{type}</dd>
          </>
        )}
        <dt>Fingerprint</dt>
        <dd>
          <code id="host-key-fingerprint" class="selectable">
            {fingerprint}
          </code>
        </dd>
      </dl>
      <p class="muted">
        {owner
          ? 'Once accepted, Tusk keeps this key for the server and refuses to connect if the SSH server ever shows another one.'
          : 'Only the owner of this shared server can accept its host key: ask them to connect once.'}
      </p>
    </FormDialog>
  );
}
