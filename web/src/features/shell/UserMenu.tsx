import type { JSX } from 'preact';
import { useEffect } from 'preact/hooks';
import { Icon } from '../../components/Icon';
import { Menu, type MenuEntry } from '../../components/Menu';
import { themeChoice, type ThemeChoice } from '../../state/prefs';
import { chooseTheme, loadPreferences } from '../preferences/state';
import { currentUser, isAdmin, signOut } from '../../state/session';
import { showToast } from '../../state/toasts';
import { openDialog } from '../../state/workspace';
import { errorMessage } from '../../lib/format';

const THEMES: ReadonlyArray<{ value: ThemeChoice; label: string }> = [
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
  { value: 'system', label: 'System' },
];

function themeEntries(): MenuEntry[] {
  return THEMES.map((t) => ({
    kind: 'item',
    label: t.label,
    checked: themeChoice.value === t.value,
    onSelect: () => chooseTheme(t.value),
  }));
}

function adminEntries(): MenuEntry[] {
  return [
    { kind: 'item', label: 'User management…', onSelect: () => (openDialog.value = 'users') },
    { kind: 'item', label: 'Audit log…', onSelect: () => (openDialog.value = 'audit') },
  ];
}

function logOut(): void {
  signOut().catch((err) => showToast(errorMessage(err), 'error'));
}

export function UserMenu(): JSX.Element {
  const user = currentUser.value;
  // the menu is there for as long as someone is signed in: their preferences are read then
  useEffect(() => {
    if (user) void loadPreferences(user.id);
  }, [user?.id]);
  const entries: MenuEntry[] = [
    { kind: 'item', label: 'Preferences…', hint: 'Alt+Shift+P', onSelect: () => (openDialog.value = 'preferences') },
    // LDAP and proxy users have no Tusk password to change
    ...(user?.auth_source && user.auth_source !== 'internal'
      ? []
      : [{ kind: 'item', label: 'Change password…', onSelect: () => (openDialog.value = 'password') } as const]),
    // the proxy in front is the authority for its users: no second step of Tusk's
    ...(user?.auth_source === 'webserver'
      ? []
      : [{ kind: 'item', label: 'Two-factor authentication…', onSelect: () => (openDialog.value = 'two-factor') } as const]),
    ...(isAdmin.value ? adminEntries() : []),
    { kind: 'separator' },
    { kind: 'heading', label: 'Theme' },
    ...themeEntries(),
    { kind: 'separator' },
    { kind: 'item', label: 'Log out', onSelect: logOut },
  ];
  const label = (
    <>
      <Icon name="user" />
      <span class="menu-button-text">{user?.email}</span>
    </>
  );
  return <Menu label={label} ariaLabel="User menu" entries={entries} />;
}
