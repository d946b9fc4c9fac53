// The explorer dialog in front, if any.
import type { JSX } from 'preact';
import { explorerDialog } from '../../state/servers';
import { DropDialog } from '../browser/DropDialog';
import { isRoleKind, roleDialog } from '../roles/state';
import { DeleteDialog } from './DeleteDialog';
import { GroupDialog } from './GroupDialog';
import { HostKeyDialog } from './HostKeyDialog';
import { ImportDialog } from './ImportDialog';
import { PasswordDialog } from './PasswordDialog';
import { RestorePointDialog } from './RestorePointDialog';
import { ServerDialog } from './ServerDialog';

const close = () => {
  explorerDialog.value = null;
};

export function ExplorerDialogs(): JSX.Element | null {
  const d = explorerDialog.value;
  switch (d?.kind) {
    case 'server':
      return <ServerDialog key={d.server?.id ?? 'new'} server={d.server} groupId={d.groupId} onClose={close} />;
    case 'group':
      return <GroupDialog key={d.group?.id ?? 'new'} group={d.group} onClose={close} />;
    case 'delete-server':
      return <DeleteDialog target={{ kind: 'server', server: d.server }} onClose={close} />;
    case 'delete-group':
      return <DeleteDialog target={{ kind: 'group', group: d.group }} onClose={close} />;
    case 'password':
      return <PasswordDialog key={d.server.id} server={d.server} message={d.message} acceptKey={d.acceptKey} onClose={close} />;
    case 'host-key':
      return <HostKeyDialog key={d.server.id} server={d.server} fingerprint={d.fingerprint} message={d.message} onClose={close} />;
    case 'import':
      return <ImportDialog onClose={close} />;
    case 'drop':
      return (
        <DropDialog
          key={`${d.server.id}:${d.node.path}:${d.cascade}:${d.force ?? false}`}
          server={d.server}
          node={d.node}
          cascade={d.cascade}
          force={d.force ?? false}
          onCascade={() => {
            if (isRoleKind(d.node.kind)) {
              // a role has no CASCADE: what it owns is reassigned or dropped in every database first
              explorerDialog.value = null;
              roleDialog.value = { dialog: 'drop', server: d.server, node: d.node };
            } else {
              explorerDialog.value = { ...d, cascade: true };
            }
          }}
          onForce={() => (explorerDialog.value = { ...d, force: true })}
          onClose={close}
        />
      );
    case 'restore-point':
      return <RestorePointDialog key={d.server.id} server={d.server} onClose={close} />;
    default:
      return null;
  }
}
