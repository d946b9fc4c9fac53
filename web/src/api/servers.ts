// Registered PostgreSQL servers, their groups, connecting, the objects
// inside a connected server, and pgAdmin's servers.json import/export.
import { apiUrl, request } from './client';

export interface ServerGroup {
  id: number;
  name: string;
}

export interface Server {
  id: number;
  name: string;
  group_id: number | null;
  group: string | null;
  host: string | null;
  port: number | null;
  maintenance_db: string | null;
  username: string | null;
  role: string | null;
  service: string | null;
  comment: string | null;
  bg_color: string | null;
  fg_color: string | null;
  db_restriction: string[];
  shared: boolean;
  shared_username: string | null;
  /** false for a server another user shared. */
  owned: boolean;
  connection_params: Record<string, string>;
  has_saved_password: boolean;
  /** This user keeps an sslpassword for it (encrypted; never sent back). */
  has_sslpassword: boolean;
  connected: boolean;
  /** An SSH tunnel (pgAdmin's Tunnel* fields): the bastion Tusk reaches the server through. */
  use_ssh_tunnel: boolean;
  tunnel_host: string | null;
  tunnel_port: number;
  tunnel_username: string | null;
  /** 0: password, 1: identity file (a private key in the user's storage). */
  tunnel_authentication: 0 | 1;
  tunnel_identity_file: string | null;
  /** Seconds between keep-alive messages; 0: none. */
  tunnel_keepalive: number;
  /** The bastion's host key the owner accepted ("SHA256:..."), or null before the first connect. */
  tunnel_host_key: string | null;
  /** This user keeps the tunnel's password or key passphrase (encrypted; never sent back). */
  has_tunnel_password: boolean;
}

/** What a user sets on a server: everything but what the server tracks. */
export type ServerFields = Omit<
  Server,
  'id' | 'owned' | 'connected' | 'has_saved_password' | 'has_sslpassword' | 'has_tunnel_password' | 'tunnel_host_key'
> & {
  /** '' forgets the accepted host key (it is accepted again on the next connect). */
  tunnel_host_key?: '';
  /** The tunnel's password or key passphrase to keep (encrypted); never answered. */
  tunnel_password?: string;
};

export interface NewServer extends ServerFields {
  password?: string;
  save_password?: boolean;
}

/** What a connect may carry beyond the password. */
export interface ConnectOptions {
  password?: string;
  save_password?: boolean;
  /** The SSH password, or the identity file's passphrase. */
  tunnel_password?: string;
  /** The fingerprint of the bastion's host key the owner accepts (first use). */
  accept_host_key?: string;
}

export interface ServerList {
  groups: ServerGroup[];
  servers: Server[];
}

export interface Connection {
  connected: true;
  server_version: string;
  server_version_num: number;
}

/** One node of a connected server's object tree. */
export interface ObjectNode {
  path: string;
  label: string;
  kind: string;
  icon: string;
  count?: number;
  has_children: boolean;
}

/** Why one entry of a servers.json was refused. */
export interface ImportProblem {
  entry: string;
  key: string;
  reason: string;
}

/** The 401 codes of a connect that ask for a (better) password: PostgreSQL's or the SSH tunnel's. */
export const PASSWORD_CODES = ['password_required', 'authentication_failed', 'ssh_authentication_failed'] as const;

/** A connect refused until the owner accepts the SSH server's host key (its fingerprint in the error). */
export const HOST_KEY_UNKNOWN = 'ssh_host_key_unknown';

export function listServers(): Promise<ServerList> {
  return request<ServerList>('GET', 'servers');
}

export async function createServer(server: NewServer): Promise<Server> {
  return (await request<{ server: Server }>('POST', 'servers', { body: server })).server;
}

export async function updateServer(id: number, fields: Partial<ServerFields>): Promise<Server> {
  return (await request<{ server: Server }>('PUT', `servers/${id}`, { body: fields })).server;
}

export function deleteServer(id: number): Promise<void> {
  return request<void>('DELETE', `servers/${id}`);
}

export async function createGroup(name: string): Promise<ServerGroup> {
  return (await request<{ group: ServerGroup }>('POST', 'server-groups', { body: { name } })).group;
}

export function renameGroup(id: number, name: string): Promise<unknown> {
  return request<unknown>('PUT', `server-groups/${id}`, { body: { name } });
}

export function deleteGroup(id: number): Promise<void> {
  return request<void>('DELETE', `server-groups/${id}`);
}

export function connectServer(id: number, options: ConnectOptions = {}): Promise<Connection> {
  return request<Connection>('POST', `servers/${id}/connect`, { body: options, answers401: PASSWORD_CODES });
}

/** What the server's PostgreSQL says of itself (version, uptime, recovery, the role, connections): one row of text. */
export async function serverAbout(id: number): Promise<Record<string, string | null>> {
  const answer = await request<{ server: Array<Record<string, string | null>> }>('GET', `servers/${id}/about`);
  return answer.server[0] ?? {};
}

/** What a server action runs on the server (pgAdmin's server menu). */
export type ServerAction = 'reload_configuration' | 'restore_point' | 'pause_replay' | 'resume_replay';

/** Runs a server action; its answer as text (a restore point's LSN). */
export function runServerAction(id: number, action: ServerAction, name?: string): Promise<{ sql: string; result: string }> {
  return request<{ sql: string; result: string }>('POST', `servers/${id}/actions`, { body: { action, ...(name ? { name } : {}) } });
}

export function disconnectServer(id: number): Promise<void> {
  return request<void>('POST', `servers/${id}/disconnect`, { body: {} });
}

/** A collection's members as the server sends them on request: what they share once, then each one's path segment (and label when it differs). */
interface CompactMembers {
  parent: string;
  kind: string;
  icon: string;
  has_children: boolean;
  members: Array<string | [string, string]>;
}

/** The children of PATH; SYSTEM adds catalog schemas, extension members and internal objects. */
export async function listObjects(id: number, path: string, system = false): Promise<ObjectNode[]> {
  const query = { path, system: system ? 'true' : undefined, compact: 'true' };
  const answer = await request<{ nodes: ObjectNode[] } | CompactMembers>('GET', `servers/${id}/objects`, { query });
  if ('nodes' in answer) return answer.nodes;
  const { parent, kind, icon, has_children, members } = answer;
  const prefix = `${parent}/`;
  return members.map((m) =>
    typeof m === 'string' ? { path: prefix + m, label: m, kind, icon, has_children } : { path: prefix + m[0], label: m[1], kind, icon, has_children },
  );
}

export async function importServers(servers: unknown): Promise<number> {
  return (await request<{ imported: number }>('POST', 'servers/import', { body: servers })).imported;
}

/** The download address of every server the user sees, as a pgAdmin servers.json. */
export function exportUrl(): string {
  return apiUrl('servers/export');
}
