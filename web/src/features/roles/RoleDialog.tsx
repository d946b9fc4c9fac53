// Create or change a login/group role, like pgAdmin's role dialog: name and
// comment; password, expiry and connection limit; the role's privileges;
// the roles it is a member of (admin, and on PostgreSQL 16+ inherit and set);
// its configuration parameters (for every database or one). The SQL tab
// shows the server's statement, with the password masked.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { alterRole, createRole, listRoles, type Role } from '../../api/roles';
import type { Server } from '../../api/servers';
import { CheckboxField, TextAreaField, TextField } from '../../components/Field';
import { errorMessage } from '../../lib/format';
import { refreshObjects, reloadObjects } from '../../state/servers';
import { showToast } from '../../state/toasts';
import { DdlFrame } from '../dialogs/DdlFrame';
import { Datalist } from '../dialogs/form';
import { useNames } from '../dialogs/names';
import { RowsGrid, newRow, type GridColumn, type GridRow } from '../dialogs/RowsGrid';
import { objectCreated } from '../dialogs/tree';

const FLAGS = [
  ['login', 'Can log in'],
  ['superuser', 'Superuser'],
  ['createdb', 'Create databases'],
  ['createrole', 'Create roles'],
  ['inherit', 'Inherit rights from the roles it is a member of'],
  ['replication', 'Replication'],
  ['bypassrls', 'Bypass row level security'],
] as const;
type Flag = (typeof FLAGS)[number][0];

const MEMBER_COLUMNS: readonly GridColumn[] = [
  { key: 'role', title: 'Group role', list: 'role-names' },
  { key: 'admin', title: 'Admin', options: ['no', 'yes'] },
  { key: 'inherit', title: 'Inherit (16+)', options: ['default', 'yes', 'no'] },
  { key: 'set', title: 'Set role (16+)', options: ['default', 'yes', 'no'] },
];
const SETTING_COLUMNS: readonly GridColumn[] = [
  { key: 'name', title: 'Parameter', placeholder: 'work_mem' },
  { key: 'value', title: 'Value' },
  { key: 'database', title: 'Database', placeholder: '(every database)', list: 'role-databases' },
];

interface Values {
  name: string;
  comment: string;
  password: string;
  validUntil: string;
  limit: string;
  flags: Record<Flag, boolean>;
  members: GridRow[];
  settings: GridRow[];
}

function row(columns: readonly GridColumn[], values: Record<string, string>): GridRow {
  const r = newRow(columns);
  return { ...r, values: { ...r.values, ...values } };
}

const choice = (v: boolean | null | undefined) => (v === true ? 'yes' : v === false ? 'no' : 'default');
const fromChoice = (v: string | undefined) => (v === 'yes' ? true : v === 'no' ? false : undefined);

function valuesOf(role: Role | null): Values {
  const flags = Object.fromEntries(FLAGS.map(([k]) => [k, role ? role[k] : k === 'inherit'])) as Record<Flag, boolean>;
  return {
    name: role?.name ?? '',
    comment: role?.comment ?? '',
    password: '',
    validUntil: role?.valid_until && !role.valid_until.startsWith('infinity') ? role.valid_until : '',
    limit: role && role.connection_limit !== -1 ? String(role.connection_limit) : '',
    flags,
    members: (role?.member_of ?? []).map((m) => row(MEMBER_COLUMNS, { role: m.role, admin: m.admin ? 'yes' : 'no', inherit: choice(m.inherit), set: choice(m.set) })),
    settings: (role?.config ?? []).map((s) => row(SETTING_COLUMNS, { name: s.name, value: s.value, database: s.database ?? '' })),
  };
}

const limitOf = (text: string) => (text.trim() === '' ? -1 : /^-?\d+$/.test(text.trim()) ? Number(text) : text);

function membership(r: GridRow) {
  return { role: r.values.role!.trim(), admin: r.values.admin === 'yes', inherit: fromChoice(r.values.inherit), set: fromChoice(r.values.set) };
}

function setting(r: GridRow) {
  return { name: r.values.name!.trim(), value: r.values.value ?? '', database: r.values.database?.trim() || undefined };
}

function createSpec(v: Values): Record<string, unknown> {
  return {
    name: v.name.trim(),
    comment: v.comment,
    ...v.flags,
    password: v.password || undefined,
    valid_until: v.validUntil.trim() || undefined,
    connection_limit: limitOf(v.limit),
    member_of: v.members.filter((m) => m.values.role!.trim()).map(membership),
    config: v.settings.filter((s) => s.values.name!.trim()).map(setting),
  };
}

/** Only what changed, in the form roles/alter takes. */
function changesOf(from: Values, to: Values): Record<string, unknown> {
  const c: Record<string, unknown> = {};
  for (const [k] of FLAGS) if (from.flags[k] !== to.flags[k]) c[k] = to.flags[k];
  if (from.limit !== to.limit) c.connection_limit = limitOf(to.limit);
  if (from.validUntil !== to.validUntil) c.valid_until = to.validUntil.trim() || null;
  if (to.password) c.password = to.password;
  if (from.comment !== to.comment) c.comment = to.comment.trim() ? to.comment : null;
  const key = (m: ReturnType<typeof membership>) => JSON.stringify(m);
  const before = new Map(from.members.map((m) => [membership(m).role, key(membership(m))]));
  const after = to.members.filter((m) => m.values.role!.trim()).map(membership);
  const add = after.filter((m) => before.get(m.role) !== key(m));
  const removed = [...before.keys()].filter((r) => !after.some((m) => m.role === r));
  // a changed membership is revoked and granted again with its new options
  const remove = [...removed, ...add.filter((m) => before.has(m.role)).map((m) => m.role)];
  if (add.length) c.add_member_of = add;
  if (remove.length) c.remove_member_of = remove;
  const skey = (s: ReturnType<typeof setting>) => `${s.database ?? ''}\u0000${s.name}`;
  const oldSettings = new Map(from.settings.map((s) => [skey(setting(s)), setting(s).value]));
  const newSettings = to.settings.filter((s) => s.values.name!.trim()).map(setting);
  const set = newSettings.filter((s) => oldSettings.get(skey(s)) !== s.value);
  const reset = [...oldSettings.keys()].filter((k) => !newSettings.some((s) => skey(s) === k)).map((k) => {
    const [database, name] = k.split('\u0000');
    return { name, database: database || undefined };
  });
  if (set.length) c.config = set;
  if (reset.length) c.config_reset = reset;
  if (to.name.trim() !== from.name) c.name = to.name.trim();
  return c;
}

interface RoleDialogProps {
  server: Server;
  /** The role to change; null creates one. */
  role: string | null;
  onClose: () => void;
}

export function RoleDialog({ server, role, onClose }: RoleDialogProps): JSX.Element {
  const [initial, setInitial] = useState<Values | null>(role === null ? valuesOf(null) : null);
  const [values, setValues] = useState<Values>(valuesOf(null));
  const [loadError, setLoadError] = useState<string | null>(null);
  const roles = useNames(server.id, '/', 'roles');
  const databases = useNames(server.id, '/', 'databases');
  useEffect(() => {
    if (role === null) return undefined;
    let live = true;
    listRoles(server.id, true).then(
      (all) => {
        if (!live) return;
        const found = all.find((r) => r.name === role) ?? null;
        if (!found) setLoadError(`There is no role ${role}.`);
        const v = valuesOf(found);
        setInitial(v);
        setValues(v);
      },
      (err: unknown) => live && setLoadError(errorMessage(err)),
    );
    return () => {
      live = false;
    };
  }, [server.id, role]);
  const set = <K extends keyof Values>(key: K) => (value: Values[K]) => setValues((v) => ({ ...v, [key]: value }));
  const changes = role !== null && initial ? changesOf(initial, values) : {};
  const idle =
    role === null
      ? values.name.trim() === ''
        ? 'Give the role a name to see the statement.'
        : undefined
      : loadError ?? (!initial ? 'Reading the role…' : Object.keys(changes).length === 0 ? 'Nothing changed yet: change a field to see the statement.' : undefined);
  const general = (
    <div class="form-grid">
      <TextField id="role-name" label="Name" required value={values.name} onValue={set('name')} />
      <TextAreaField id="role-comment" label="Comment" rows={3} value={values.comment} onValue={set('comment')} />
    </div>
  );
  const definition = (
    <div class="form-grid">
      <TextField id="role-password" label={role === null ? 'Password' : 'New password (empty: unchanged)'} type="password" autoComplete="new-password" value={values.password} onValue={set('password')} hint="Sent to PostgreSQL as a SCRAM verifier computed by Tusk; never shown or logged." />
      <div class="form-pair">
        <TextField id="role-valid-until" label="Account expires" value={values.validUntil} onValue={set('validUntil')} placeholder="never (e.g. 2027-01-31 23:59)" />
        <TextField id="role-limit" label="Connection limit" inputMode="numeric" value={values.limit} onValue={set('limit')} placeholder="no limit" />
      </div>
    </div>
  );
  const privileges = (
    <div class="form-grid job-flags">
      {FLAGS.map(([k, label]) => (
        <CheckboxField key={k} id={`role-${k}`} label={label} checked={values.flags[k]} onValue={(on) => set('flags')({ ...values.flags, [k]: on })} />
      ))}
    </div>
  );
  const sections = [
    { id: 'general', title: 'General', content: general },
    { id: 'definition', title: 'Definition', content: definition },
    { id: 'privileges', title: 'Privileges', content: privileges },
    {
      id: 'membership',
      title: `Membership (${values.members.length})`,
      content: (
        <>
          <RowsGrid noun="membership" columns={MEMBER_COLUMNS} rows={values.members} onRows={set('members')} empty="Not a member of any role." />
          <Datalist id="role-names" values={roles.filter((r) => r !== values.name)} />
        </>
      ),
    },
    {
      id: 'parameters',
      title: `Parameters (${values.settings.length})`,
      content: (
        <>
          <RowsGrid noun="parameter" columns={SETTING_COLUMNS} rows={values.settings} onRows={set('settings')} empty="No settings of its own." />
          <Datalist id="role-databases" values={databases} />
        </>
      ),
    },
  ];
  const name = values.name.trim();
  return (
    <DdlFrame
      title={role === null ? `Create role on ${server.name}` : `Properties of role ${role}`}
      sections={sections}
      formKey={JSON.stringify(role === null ? createSpec(values) : changes)}
      idle={idle}
      size="large"
      send={(preview) => (role === null ? createRole(server.id, createSpec(values), preview) : alterRole(server.id, role, changes, preview))}
      onClose={onClose}
      onDone={() => {
        showToast(role === null ? `Role ${name} created.` : `Role ${name} saved.`);
        if (role === null) void objectCreated(server, '/', 'roles', name);
        else {
          refreshObjects(server.id, '/roles');
          reloadObjects(server.id, '/');
        }
      }}
    />
  );
}
