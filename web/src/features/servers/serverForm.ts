// The server dialog's form: what the user edits, how it becomes the API's
// fields, what is checked before saving, and where a 400 of the server goes.
import { ApiError } from '../../api/client';
import type { NewServer, Server, ServerFields, ServerGroup } from '../../api/servers';

/** libpq connection parameters a server may carry (pgAdmin's list). */
export const PARAMETER_KEYS = [
  'sslmode',
  'sslcert',
  'sslkey',
  'sslrootcert',
  'sslcrl',
  'sslcrldir',
  'sslpassword',
  'sslcompression',
  'sslsni',
  'ssl_min_protocol_version',
  'ssl_max_protocol_version',
  'connect_timeout',
  'application_name',
  'options',
  'keepalives',
  'keepalives_idle',
  'keepalives_interval',
  'keepalives_count',
  'tcp_user_timeout',
  'target_session_attrs',
  'passfile',
  'channel_binding',
  'gssencmode',
  'krbsrvname',
  'gsslib',
  'hostaddr',
  'load_balance_hosts',
  'require_auth',
] as const;

/** Values libpq accepts, offered as suggestions. */
export const PARAMETER_VALUES: Partial<Record<string, readonly string[]>> = {
  sslmode: ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'],
  sslcompression: ['0', '1'],
  sslsni: ['0', '1'],
  ssl_min_protocol_version: ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'],
  ssl_max_protocol_version: ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'],
  keepalives: ['0', '1'],
  target_session_attrs: ['any', 'read-write', 'read-only', 'primary', 'standby', 'prefer-standby'],
  channel_binding: ['disable', 'prefer', 'require'],
  gssencmode: ['disable', 'prefer', 'require'],
  gsslib: ['gssapi', 'sspi'],
  load_balance_hosts: ['disable', 'random'],
  require_auth: ['password', 'md5', 'gss', 'sspi', 'scram-sha-256', 'none'],
};

export interface ParamRow {
  /** Stable across edits, for keys and error places. */
  row: number;
  key: string;
  value: string;
  /** A secret Tusk keeps (encrypted, never shown): left empty, it stays as it is. */
  saved?: boolean;
}

/** Parameters Tusk keeps encrypted for each user instead of among the parameters. */
export const SECRET_PARAMS = new Set(['sslpassword']);

export interface ServerForm {
  name: string;
  group: string;
  bgColor: string | null;
  fgColor: string | null;
  comment: string;
  shared: boolean;
  sharedUsername: string;
  host: string;
  port: string;
  maintenanceDb: string;
  username: string;
  role: string;
  service: string;
  savePassword: boolean;
  password: string;
  params: ParamRow[];
  dbRestriction: string[];
  /** The server keeps an sslpassword for this user (removing the row forgets it). */
  hadSslPassword: boolean;
  /** The SSH tunnel (pgAdmin's Tunnel* fields). */
  useSshTunnel: boolean;
  tunnelHost: string;
  tunnelPort: string;
  tunnelUsername: string;
  tunnelAuthentication: 0 | 1;
  tunnelIdentityFile: string;
  tunnelKeepalive: string;
  /** A new tunnel password or key passphrase; empty keeps the saved one. */
  tunnelPassword: string;
  hadTunnelPassword: boolean;
  /** The host key the owner accepted ("SHA256:..."), shown; forgetHostKey drops it on save. */
  tunnelHostKey: string | null;
  forgetHostKey: boolean;
}

export type Tab = 'general' | 'connection' | 'ssh' | 'parameters' | 'advanced';

/** Field errors by form key; parameter rows as "param:<row>". */
export type FieldErrors = Record<string, string>;

const FIELD_TABS: Record<string, Tab> = {
  name: 'general',
  group: 'general',
  bgColor: 'general',
  fgColor: 'general',
  comment: 'general',
  sharedUsername: 'general',
  host: 'connection',
  port: 'connection',
  maintenanceDb: 'connection',
  username: 'connection',
  role: 'connection',
  service: 'connection',
  password: 'connection',
  tunnelHost: 'ssh',
  tunnelPort: 'ssh',
  tunnelUsername: 'ssh',
  tunnelIdentityFile: 'ssh',
  tunnelKeepalive: 'ssh',
  tunnelPassword: 'ssh',
  dbRestriction: 'advanced',
};

export function tabOf(field: string): Tab {
  return field.startsWith('param:') ? 'parameters' : FIELD_TABS[field] ?? 'general';
}

let nextRow = 1;

export function paramRow(key: string, value = ''): ParamRow {
  return { row: nextRow++, key, value };
}

export function emptyForm(group: string): ServerForm {
  return {
    name: '',
    group,
    bgColor: null,
    fgColor: null,
    comment: '',
    shared: false,
    sharedUsername: '',
    host: '',
    port: '5432',
    maintenanceDb: 'postgres',
    username: '',
    role: '',
    service: '',
    savePassword: false,
    password: '',
    params: [],
    dbRestriction: [],
    hadSslPassword: false,
    ...noTunnel,
  };
}

const noTunnel = {
  useSshTunnel: false,
  tunnelHost: '',
  tunnelPort: '22',
  tunnelUsername: '',
  tunnelAuthentication: 0 as const,
  tunnelIdentityFile: '',
  tunnelKeepalive: '0',
  tunnelPassword: '',
  hadTunnelPassword: false,
  tunnelHostKey: null,
  forgetHostKey: false,
};

function tunnelForm(s: Server): Partial<ServerForm> {
  return {
    useSshTunnel: s.use_ssh_tunnel,
    tunnelHost: s.tunnel_host ?? '',
    tunnelPort: String(s.tunnel_port ?? 22),
    tunnelUsername: s.tunnel_username ?? '',
    tunnelAuthentication: s.tunnel_authentication === 1 ? 1 : 0,
    tunnelIdentityFile: s.tunnel_identity_file ?? '',
    tunnelKeepalive: String(s.tunnel_keepalive ?? 0),
    hadTunnelPassword: s.has_tunnel_password,
    tunnelHostKey: s.tunnel_host_key,
  };
}

export function formFromServer(s: Server): ServerForm {
  return {
    name: s.name,
    group: s.group ?? '',
    bgColor: s.bg_color,
    fgColor: s.fg_color,
    comment: s.comment ?? '',
    shared: s.shared,
    sharedUsername: s.shared_username ?? '',
    host: s.host ?? '',
    port: s.port === null ? '' : String(s.port),
    maintenanceDb: s.maintenance_db ?? '',
    username: s.username ?? '',
    role: s.role ?? '',
    service: s.service ?? '',
    savePassword: false,
    password: '',
    params: [
      ...Object.entries(s.connection_params ?? {}).map(([k, v]) => paramRow(k, String(v))),
      ...(s.has_sslpassword ? [{ ...paramRow('sslpassword'), saved: true }] : []),
    ],
    dbRestriction: [...(s.db_restriction ?? [])],
    hadSslPassword: s.has_sslpassword,
    ...noTunnel,
    ...tunnelForm(s),
  };
}

/** The parameters to send: a kept secret left empty is not sent (it stays); one removed is sent empty (forgotten). */
function paramsOf(form: ServerForm): Record<string, string> {
  const params: Record<string, string> = {};
  for (const p of form.params) if (!(p.saved && p.value === '')) params[p.key] = p.value.trim();
  if (form.hadSslPassword && !form.params.some((p) => p.key === 'sslpassword')) params.sslpassword = '';
  return params;
}

const orNull = (text: string) => (text.trim() === '' ? null : text.trim());

export function fieldsOf(form: ServerForm, groups: ServerGroup[]): ServerFields {
  const groupName = form.group.trim();
  const existing = groups.find((g) => g.name === groupName);
  return {
    name: form.name.trim(),
    group_id: existing?.id ?? null,
    group: groupName || null,
    host: orNull(form.host),
    port: form.port.trim() === '' ? null : Number(form.port),
    maintenance_db: orNull(form.maintenanceDb),
    username: orNull(form.username),
    role: orNull(form.role),
    service: orNull(form.service),
    comment: orNull(form.comment),
    bg_color: form.bgColor,
    fg_color: form.fgColor,
    db_restriction: form.dbRestriction,
    shared: form.shared,
    shared_username: form.shared ? orNull(form.sharedUsername) : null,
    connection_params: paramsOf(form),
    use_ssh_tunnel: form.useSshTunnel,
    tunnel_host: orNull(form.tunnelHost),
    tunnel_port: Number(form.tunnelPort.trim() || 22),
    tunnel_username: orNull(form.tunnelUsername),
    tunnel_authentication: form.tunnelAuthentication,
    tunnel_identity_file: orNull(form.tunnelIdentityFile),
    tunnel_keepalive: Number(form.tunnelKeepalive.trim() || 0),
    ...(form.tunnelPassword ? { tunnel_password: form.tunnelPassword } : {}),
    ...(form.forgetHostKey ? { tunnel_host_key: '' as const } : {}),
  };
}

export function newServerOf(form: ServerForm, groups: ServerGroup[]): NewServer {
  const fields = fieldsOf(form, groups);
  return form.savePassword ? { ...fields, password: form.password, save_password: true } : fields;
}

function paramErrors(params: ParamRow[]): FieldErrors {
  const errors: FieldErrors = {};
  const seen = new Set<string>();
  for (const p of params) {
    if (seen.has(p.key)) errors[`param:${p.row}`] = `${p.key} is set twice.`;
    else if (p.value.trim() === '' && !p.saved) errors[`param:${p.row}`] = `Enter a value for ${p.key}, or remove the row.`;
    seen.add(p.key);
  }
  return errors;
}

/** Checks what the browser can check; the server checks again. */
export function validate(form: ServerForm): FieldErrors {
  const errors: FieldErrors = paramErrors(form.params);
  if (!form.name.trim()) errors.name = 'Enter a name for the server.';
  if (!form.group.trim()) errors.group = 'Choose a group or type the name of a new one.';
  if (!form.host.trim() && !form.service.trim()) errors.host = 'Enter a host name, address or socket directory, or a service.';
  const port = form.port.trim();
  if (port && !(/^\d+$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) errors.port = 'The port is a number from 1 to 65535.';
  if (form.savePassword && !form.password) errors.password = 'Enter the password to save, or clear "Save password".';
  return { ...errors, ...tunnelErrors(form) };
}

const whole = (text: string, min: number, max: number) => /^\d+$/.test(text.trim()) && Number(text) >= min && Number(text) <= max;

function tunnelErrors(form: ServerForm): FieldErrors {
  const errors: FieldErrors = {};
  if (!whole(form.tunnelPort, 1, 65535)) errors.tunnelPort = 'The SSH port is a number from 1 to 65535.';
  if (!whole(form.tunnelKeepalive, 0, 86400)) errors.tunnelKeepalive = 'Seconds from 0 (none) to 86400.';
  if (!form.useSshTunnel) return errors;
  if (!form.tunnelHost.trim()) errors.tunnelHost = 'Enter the SSH server (bastion) host name or address.';
  if (!form.tunnelUsername.trim()) errors.tunnelUsername = 'Enter the user to log in to the SSH server as.';
  if (form.tunnelAuthentication === 1 && !form.tunnelIdentityFile.trim()) errors.tunnelIdentityFile = 'Choose the private key file in your storage.';
  return errors;
}

/** API field names as the server spells them in errors, to the form's keys. */
const API_FIELDS: Record<string, string> = {
  name: 'name',
  group: 'group',
  group_id: 'group',
  host: 'host',
  port: 'port',
  maintenance_db: 'maintenanceDb',
  username: 'username',
  role: 'role',
  service: 'service',
  comment: 'comment',
  bg_color: 'bgColor',
  fg_color: 'fgColor',
  shared_username: 'sharedUsername',
  db_restriction: 'dbRestriction',
  password: 'password',
  TunnelHost: 'tunnelHost',
  TunnelPort: 'tunnelPort',
  TunnelUsername: 'tunnelUsername',
  TunnelIdentityFile: 'tunnelIdentityFile',
  TunnelKeepAlive: 'tunnelKeepalive',
  tunnel_host: 'tunnelHost',
  tunnel_port: 'tunnelPort',
  tunnel_username: 'tunnelUsername',
  tunnel_identity_file: 'tunnelIdentityFile',
  tunnel_keepalive: 'tunnelKeepalive',
};

function namedKey(err: ApiError): string | null {
  for (const k of ['field', 'key', 'parameter', 'param']) {
    const value = err.details[k];
    if (typeof value === 'string') return value.replace(/^connection_params\./, '');
  }
  return null;
}

/**
 * The key a message names when the error carries no separate field: a
 * quoted one ("The field 'port' ..."), else the first one mentioned.
 */
function mentionedKey(message: string, keys: string[]): string | null {
  const quoted = keys.find((k) => message.includes(`'${k}'`));
  if (quoted) return quoted;
  let best: { key: string; at: number } | null = null;
  for (const key of keys) {
    const at = message.search(new RegExp(`(^|[^a-z_])${key}([^a-z_]|$)`, 'i'));
    if (at >= 0 && (!best || at < best.at || (at === best.at && key.length > best.key.length))) best = { key, at };
  }
  return best?.key ?? null;
}

/**
 * Puts a 400 of the server next to the field it names. Returns the field
 * errors to show, or null when the error names no field of the form.
 */
export function placeServerError(err: unknown, form: ServerForm): FieldErrors | null {
  if (!(err instanceof ApiError) || err.status !== 400) return null;
  const paramKeys = form.params.map((p) => p.key);
  const named = namedKey(err);
  if (err.code === 'invalid_parameter') {
    const key = named ?? mentionedKey(err.message, paramKeys);
    const row = form.params.find((p) => p.key === key);
    return row ? { [`param:${row.row}`]: err.message } : null;
  }
  const key = named ?? mentionedKey(err.message, Object.keys(API_FIELDS));
  const field = key ? API_FIELDS[key] : undefined;
  return field ? { [field]: err.message } : null;
}
