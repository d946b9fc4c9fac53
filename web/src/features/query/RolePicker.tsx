// The query tab's role, next to its database: the roles the login is a member of (SET ROLE), or
// the login's own. The choice reopens the tab's session as that role (session.ts: switchRole).
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { listSessionRoles, type SessionRoles } from '../../api/query';
import type { QueryTab } from './model';
import { TabPicker } from './TabPicker';
import { scheduleSave } from './tabs';

/** The option that stands for no SET ROLE: the login's own role. */
const LOGIN = '';

export function RolePicker({ tab, disabled }: { tab: QueryTab; disabled: boolean }): JSX.Element {
  const [roles, setRoles] = useState<SessionRoles | null>(null);
  const current = tab.target.role ?? LOGIN;
  const names = roles?.roles ?? [];
  const options = current === LOGIN || names.includes(current) ? names : [current, ...names];
  return (
    <TabPicker
      label="Role"
      title={current === LOGIN ? `The tab's session runs as the login role${roles ? ` ${roles.login}` : ''}` : `The tab's session runs SET ROLE ${current}`}
      highlighted={current !== LOGIN}
      value={current}
      options={[{ value: LOGIN, label: '(login role)' }, ...options.map((n) => ({ value: n, label: n }))]}
      disabled={disabled}
      // memberships change: read when shown and each time the picker is opened
      read={() => void listSessionRoles(tab.target.serverId).then(setRoles, () => undefined)}
      readKey={tab.target.serverId}
      pick={(value) =>
        tab.switchRole(value === LOGIN ? null : value).then((ok) => {
          if (ok) scheduleSave(); // the open tabs remember their role
          return tab.target.role ?? LOGIN;
        })
      }
    />
  );
}
