// The query tab's role, next to its database: the roles the login is a member of (SET ROLE), or
// the login's own. The choice reopens the tab's session as that role (model: switchRole).
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { listSessionRoles, type SessionRoles } from '../../api/query';
import type { QueryTab } from './model';

/** The option that stands for no SET ROLE: the login's own role. */
const LOGIN = '';

export function RolePicker({ tab, disabled }: { tab: QueryTab; disabled: boolean }): JSX.Element {
  const [roles, setRoles] = useState<SessionRoles | null>(null);
  const current = tab.target.role ?? LOGIN;
  // read when shown, and again each time the picker is opened (memberships change)
  const read = () =>
    listSessionRoles(tab.target.serverId).then(setRoles, () => setRoles((was) => was));
  useEffect(() => void read(), [tab.target.serverId]);
  const names = roles?.roles ?? [];
  const options = current === LOGIN || names.includes(current) ? names : [current, ...names];
  return (
    <label
      class={current === LOGIN ? 'query-database' : 'query-database is-role-set'}
      title={current === LOGIN ? `The tab's session runs as the login role${roles ? ` ${roles.login}` : ''}` : `The tab's session runs SET ROLE ${current}`}
    >
      <span class="muted">Role</span>
      <select
        aria-label="Role"
        value={current}
        disabled={disabled}
        onFocus={() => void read()}
        onChange={(e) => {
          const select = e.currentTarget;
          void tab.switchRole(select.value === LOGIN ? null : select.value).then((ok) => {
            if (!ok) select.value = tab.target.role ?? LOGIN;
          });
        }}
      >
        <option value={LOGIN}>(login role)</option>
        {options.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
    </label>
  );
}
