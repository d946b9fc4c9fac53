import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { ManagedUser, Role, AuthSource } from '../../api/types';
import { deleteUser, listUsers, updateUser, type UserChanges } from '../../api/users';
import { Button } from '../../components/Button';
import { ConfirmDeleteDialog } from '../../components/ConfirmDeleteDialog';
import { DataTable } from '../../components/DataTable';
import { Dialog } from '../../components/Dialog';
import { FormError } from '../../components/Field';
import { errorMessage, formatTime } from '../../lib/format';
import { currentUser } from '../../state/session';
import { showToast } from '../../state/toasts';
import { AddUserForm } from './AddUserForm';
import { SetPasswordDialog } from './SetPasswordDialog';
import { requireTwoFactor, resetTwoFactor } from '../../api/twofactor';
import '../../styles/users.css';

type Pending = { kind: 'password' | 'delete' | 'reset-two-factor'; user: ManagedUser } | null;

export function UsersDialog({ onClose }: { onClose: () => void }): JSX.Element {
  const [users, setUsers] = useState<ManagedUser[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busyId, setBusyId] = useState<number | null>(null);
  const [pending, setPending] = useState<Pending>(null);

  useEffect(() => {
    listUsers().then(setUsers, (err) => setError(errorMessage(err)));
  }, []);

  const replace = (user: ManagedUser) => setUsers((list) => (list ?? []).map((u) => (u.id === user.id ? user : u)));

  const update = async (user: ManagedUser, changes: UserChanges | ((id: number) => Promise<ManagedUser>), done: string) => {
    setBusyId(user.id);
    setError(null);
    try {
      replace(await (typeof changes === 'function' ? changes(user.id) : updateUser(user.id, changes)));
      showToast(done);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusyId(null);
    }
  };

  const added = (user: ManagedUser) => {
    setUsers((list) => [...(list ?? []), user]);
    showToast(`User ${user.email} created.`);
  };

  const deleted = (user: ManagedUser) => {
    setUsers((list) => (list ?? []).filter((u) => u.id !== user.id));
    setPending(null);
    showToast(`User ${user.email} deleted.`);
  };

  const rowActions: RowActions = {
    setRole: (u, role) => update(u, { role }, `${u.email} is now ${role === 'admin' ? 'an administrator' : 'a user'}.`),
    setActive: (u, active) => update(u, { active }, `${u.email} ${active ? 'enabled' : 'disabled'}.`),
    unlock: (u) => update(u, { locked: false }, `${u.email} unlocked.`),
    setPassword: (u) => setPending({ kind: 'password', user: u }),
    remove: (u) => setPending({ kind: 'delete', user: u }),
    requireTwoFactor: (u, required) =>
      update(u, (id) => requireTwoFactor(id, required), `Two-factor ${required ? 'is now required of' : 'is no longer required of'} ${u.email}.`),
    resetTwoFactor: (u) => setPending({ kind: 'reset-two-factor', user: u }),
  };

  return (
    <Dialog title="User management" size="large" onClose={onClose} footer={<Button onClick={onClose}>Close</Button>}>
      <FormError message={error} />
      <UsersTable users={users} busyId={busyId} selfId={currentUser.value?.id ?? null} actions={rowActions} />
      <AddUserForm onAdded={added} />
      {pending?.kind === 'password' && (
        <SetPasswordDialog user={pending.user} onClose={() => setPending(null)} onDone={(u) => showToast(`New password set for ${u.email}.`)} />
      )}
      {pending?.kind === 'reset-two-factor' && (
        <ConfirmDeleteDialog
          title="Reset two-factor"
          onDelete={() =>
            resetTwoFactor(pending.user.id).then((u) => {
              replace(u);
              setPending(null);
              showToast(`Two-factor of ${u.email} reset.`);
            })
          }
          onClose={() => setPending(null)}
        >
          Remove the authenticator app and recovery codes of <strong>{pending.user.email}</strong>? They then sign in with the
          password alone, and enrol again if two-factor is required.
        </ConfirmDeleteDialog>
      )}
      {pending?.kind === 'delete' && (
        <ConfirmDeleteDialog title="Delete user" onDelete={() => deleteUser(pending.user.id).then(() => deleted(pending.user))} onClose={() => setPending(null)}>
          Delete <strong>{pending.user.email}</strong>? This cannot be undone.
        </ConfirmDeleteDialog>
      )}
    </Dialog>
  );
}

interface RowActions {
  setRole: (user: ManagedUser, role: Role) => void;
  setActive: (user: ManagedUser, active: boolean) => void;
  unlock: (user: ManagedUser) => void;
  setPassword: (user: ManagedUser) => void;
  remove: (user: ManagedUser) => void;
  requireTwoFactor: (user: ManagedUser, required: boolean) => void;
  resetTwoFactor: (user: ManagedUser) => void;
}

interface UsersTableProps {
  users: ManagedUser[] | null;
  busyId: number | null;
  selfId: number | null;
  actions: RowActions;
}

function UsersTable({ users, busyId, selfId, actions }: UsersTableProps): JSX.Element {
  return (
    <DataTable
      columns={[
        { label: 'User', class: 'col-user' },
        { label: 'Sign-in', class: 'col-source' },
        { label: 'Role', class: 'col-role' },
        { label: 'Active', class: 'col-active' },
        { label: 'Status', class: 'col-status' },
        { label: 'Two-factor', class: 'col-2fa' },
        { label: 'Last login', class: 'col-login' },
        { label: 'Actions', class: 'actions-col col-actions', hidden: true },
      ]}
      class="users-grid"
      wrap="users-table"
      note={users === null && 'Loading users…'}
    >
      {users?.map((u) => (
        <UserRow key={u.id} user={u} busy={busyId === u.id} self={u.id === selfId} actions={actions} />
      ))}
    </DataTable>
  );
}

interface UserRowProps {
  user: ManagedUser;
  busy: boolean;
  self: boolean;
  actions: RowActions;
}

const SOURCE_LABELS: Record<AuthSource, string> = { internal: 'Password', ldap: 'LDAP', webserver: 'Proxy', oauth2: 'OAuth2' };
const SOURCE_TITLES: Record<AuthSource, string> = {
  internal: 'Signs in with a password Tusk keeps',
  ldap: 'Signs in with the LDAP directory’s password; Tusk keeps none',
  webserver: 'Signed in by the authenticating proxy in front; Tusk keeps no password',
  oauth2: 'Signs in through an identity provider (OpenID Connect/OAuth2); Tusk keeps no password',
};

/** When the user last signed in, short: the time today, else the date (the full time as a tooltip). */
function lastLogin(iso: string | null): string {
  if (!iso) return '—';
  const full = formatTime(iso);
  return new Date(iso).toDateString() === new Date().toDateString() ? full.slice(11, 16) : full.slice(0, 10);
}

function UserRow({ user, busy, self, actions }: UserRowProps): JSX.Element {
  const locked = user.locked;
  const source = user.auth_source ?? 'internal';
  const provider = source === 'oauth2' ? (user.oauth2_provider ?? 'provider not recorded') : null;
  return (
    <tr aria-busy={busy || undefined}>
      <td class="cell-strong cell-clip" title={`${user.email}\nCreated ${formatTime(user.created_at)}`}>
        {user.email}
        {self && <span class="muted"> (you)</span>}
      </td>
      <td class="cell-clip" title={provider ? `${SOURCE_TITLES[source]}: ${provider}` : SOURCE_TITLES[source]}>
        {SOURCE_LABELS[source]}
        {provider && <span class="muted"> · {provider}</span>}
      </td>
      <td>
        <select
          class="cell-select"
          aria-label={`Role of ${user.email}`}
          value={user.role}
          disabled={busy || self}
          onChange={(e) => actions.setRole(user, e.currentTarget.value as Role)}
        >
          <option value="user">User</option>
          <option value="admin">Admin</option>
        </select>
      </td>
      <td>
        <input
          type="checkbox"
          aria-label={`${user.email} is active`}
          checked={user.active}
          disabled={busy || self}
          onChange={(e) => actions.setActive(user, e.currentTarget.checked)}
        />
      </td>
      <td>
        {locked ? (
          <>
            <span class="badge badge-warn">Locked</span>
            <Button small disabled={busy} onClick={() => actions.unlock(user)} title={`End the pause after wrong passwords for ${user.email}`}>
              Unlock
            </Button>
          </>
        ) : user.password_set === false && source === 'internal' ? (
          <span class="badge badge-warn" title="Imported from pgAdmin: set a password before this user can log in">No password yet</span>
        ) : (
          <span class="muted">OK</span>
        )}
        {user.failed_attempts > 0 && <span class="muted"> · {user.failed_attempts} failed</span>}
      </td>
      <td>
        <TwoFactorCell user={user} busy={busy} actions={actions} />
      </td>
      <td class="cell-time" title={user.last_login_at ? formatTime(user.last_login_at) : 'Never signed in'}>
        {lastLogin(user.last_login_at)}
      </td>
      <td class="actions-col">
        {source === 'internal' && (
          <Button small disabled={busy} onClick={() => actions.setPassword(user)} title={`Set a new password for ${user.email}`}>
            Password…
          </Button>
        )}
        <Button small variant="danger" disabled={busy || self} onClick={() => actions.remove(user)}>
          Delete…
        </Button>
      </td>
    </tr>
  );
}

/** Two-factor of a user: on or off, whether required, and the administrator's require / reset.
 * The proxy's and the identity providers' users have none: the proxy or the provider decides. */
function TwoFactorCell({ user, busy, actions }: { user: ManagedUser; busy: boolean; actions: RowActions }): JSX.Element {
  if (user.auth_source === 'webserver') return <span class="muted" title="The proxy in front decides">—</span>;
  if (user.auth_source === 'oauth2') return <span class="muted" title="The identity provider decides">—</span>;
  return (
    <span class="twofactor-cell">
      {user.two_factor_enabled ? <span class="badge badge-ok">On</span> : <span class="muted">Off</span>}
      <label class="twofactor-require" title="The user must enrol an authenticator app before anything else">
        <input
          type="checkbox"
          aria-label={`Require two-factor of ${user.email}`}
          checked={user.two_factor_required === true}
          disabled={busy}
          onChange={(e) => actions.requireTwoFactor(user, e.currentTarget.checked)}
        />
        required
      </label>
      {user.two_factor_enabled && (
        <Button small disabled={busy} onClick={() => actions.resetTwoFactor(user)}>
          Reset…
        </Button>
      )}
    </span>
  );
}
