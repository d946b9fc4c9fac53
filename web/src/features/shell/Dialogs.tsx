// The open dialog of the shell, if any, and the object explorer's.
import type { JSX } from 'preact';
import { ChangePasswordDialog } from '../auth/ChangePasswordDialog';
import { AuditDialog } from '../audit/AuditDialog';
import { ExplorerDialogs } from '../servers/ExplorerDialogs';
import { TwoFactorDialog } from '../twofactor/TwoFactorDialog';
import { UsersDialog } from '../users/UsersDialog';
import { isAdmin } from '../../state/session';
import { openDialog } from '../../state/workspace';
import { PreferencesDialog } from '../preferences/PreferencesDialog';
import { ShortcutsDialog } from './ShortcutsDialog';

const close = () => {
  openDialog.value = null;
};

export function Dialogs(): JSX.Element {
  return (
    <>
      <ShellDialog />
      <ExplorerDialogs />
    </>
  );
}

function ShellDialog(): JSX.Element | null {
  switch (openDialog.value) {
    case 'password':
      return <ChangePasswordDialog onClose={close} />;
    case 'two-factor':
      return <TwoFactorDialog onClose={close} />;
    case 'users':
      return isAdmin.value ? <UsersDialog onClose={close} /> : null;
    case 'audit':
      return isAdmin.value ? <AuditDialog onClose={close} /> : null;
    case 'shortcuts':
      return <ShortcutsDialog onClose={close} />;
    case 'preferences':
      return <PreferencesDialog onClose={close} />;
    default:
      return null;
  }
}
