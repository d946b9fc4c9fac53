// The object explorer's model: registered servers and groups, which of
// them are connected, the objects loaded under each, what is open and
// selected, and the explorer dialog in front. Reset when the user changes.
import { batch, effect, signal } from '@preact/signals';
import { ApiError } from '../api/client';
import {
  HOST_KEY_UNKNOWN,
  PASSWORD_CODES,
  connectServer,
  disconnectServer,
  listObjects,
  listServers,
  type Connection,
  type ConnectOptions,
  type ObjectNode,
  type Server,
  type ServerGroup,
  type ServerList,
} from '../api/servers';
import { errorMessage } from '../lib/format';
import { isUnder, parentPath } from '../lib/objectPath';
import { showToast } from './toasts';

export type Load<T> = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; value: T };

/** A server's connection as this page knows it, beyond the `connected` flag of the list. */
export type Link = { status: 'connecting' } | { status: 'failed'; message: string } | { status: 'open'; version: string | null };

export type ExplorerDialog =
  | { kind: 'server'; server: Server | null; groupId: number | null }
  | { kind: 'group'; group: ServerGroup | null }
  | { kind: 'delete-server'; server: Server }
  | { kind: 'delete-group'; group: ServerGroup }
  | { kind: 'password'; server: Server; message: string | null; acceptKey?: string }
  | { kind: 'host-key'; server: Server; fingerprint: string; message: string }
  | { kind: 'import' }
  | { kind: 'drop'; server: Server; node: ObjectNode; cascade: boolean; force?: boolean }
  | { kind: 'restore-point'; server: Server };

export const ROOT_ID = 'servers';
export const groupNodeId = (id: number) => `group:${id}`;
export const serverNodeId = (id: number) => `server:${id}`;
/** The node of an object path; also the key of its children. A server's own children are at "/". */
export const objectNodeId = (serverId: number, path: string) => `server:${serverId}:${path}`;

export const serverList = signal<Load<ServerList>>({ status: 'loading' });
export const links = signal<ReadonlyMap<number, Link>>(new Map());
export const objectChildren = signal<ReadonlyMap<string, Load<ObjectNode[]>>>(new Map());
export const expanded = signal<ReadonlySet<string>>(new Set([ROOT_ID]));
export const selectedId = signal<string | null>(ROOT_ID);
export const explorerDialog = signal<ExplorerDialog | null>(null);

const SYSTEM_KEY = 'tusk.showSystemObjects';
/** Whether the tree also lists catalog schemas, extension members and internal objects; kept per browser. */
export const showSystem = signal(localStorage.getItem(SYSTEM_KEY) === 'true');

/** Answers that arrive after the user changed (or a newer load started) are dropped. */
let generation = 0;
const latestLoad = new Map<string, number>();
let loadCounter = 0;
let knownGroups = new Set<number>();

/* What the tree had open and selected, kept per user in this browser and
 * restored after a reload: the user whose tree it is, and whether it was
 * read back since they signed in. */
const TREE_KEY = 'tusk.tree.';
const TREE_SAVED_MAX = 500;
let treeOwner: string | null = null;
let treeRestored = false;
let treeSaveTimer = 0;

/** Whose tree the explorer shows (null: nobody signed in); set once the user is known. */
export function setTreeOwner(owner: string | null): void {
  treeOwner = owner;
  treeRestored = false;
}

/** Opens again what was open at the last visit: the server list is in; connected servers' paths load. */
function restoreTree(list: ServerList): void {
  if (treeRestored || !treeOwner) return;
  treeRestored = true;
  let saved: { expanded?: unknown; selected?: unknown } = {};
  try {
    saved = JSON.parse(localStorage.getItem(TREE_KEY + treeOwner) ?? '{}') as typeof saved;
  } catch {
    return;
  }
  const ids = Array.isArray(saved.expanded) ? saved.expanded.filter((id): id is string => typeof id === 'string') : [];
  const connected = new Set(list.servers.filter((s) => s.connected).map((s) => s.id));
  batch(() => {
    expanded.value = new Set([...expanded.value, ...ids]);
    if (typeof saved.selected === 'string') selectedId.value = saved.selected;
  });
  for (const id of ids) {
    const m = /^server:(\d+):(\/.*)$/.exec(id);
    if (m && connected.has(Number(m[1]))) ensureObjects(Number(m[1]), m[2]!);
  }
}

// kept a second after the last change, once this user's tree was read back
effect(() => {
  const open = expanded.value;
  const selected = selectedId.value;
  if (!treeRestored || !treeOwner) return;
  const key = TREE_KEY + treeOwner;
  window.clearTimeout(treeSaveTimer);
  treeSaveTimer = window.setTimeout(() => {
    try {
      localStorage.setItem(key, JSON.stringify({ expanded: [...open].slice(0, TREE_SAVED_MAX), selected }));
    } catch {
      // a full or forbidden storage only loses the convenience
    }
  }, 1000);
});

export function resetExplorer(): void {
  generation++;
  treeRestored = false;
  window.clearTimeout(treeSaveTimer);
  latestLoad.clear();
  knownGroups = new Set();
  batch(() => {
    serverList.value = { status: 'loading' };
    links.value = new Map();
    objectChildren.value = new Map();
    expanded.value = new Set([ROOT_ID]);
    selectedId.value = ROOT_ID;
    explorerDialog.value = null;
  });
}

function withEntry<K, V>(map: ReadonlyMap<K, V>, key: K, value: V | undefined): Map<K, V> {
  const next = new Map(map);
  if (value === undefined) next.delete(key);
  else next.set(key, value);
  return next;
}

function setLink(id: number, link: Link | undefined): void {
  links.value = withEntry(links.value, id, link);
}

export function setExpanded(id: string, open: boolean): void {
  if (expanded.value.has(id) === open) return;
  const next = new Set(expanded.value);
  if (open) next.add(id);
  else next.delete(id);
  expanded.value = next;
}

/** Closes a node and everything under it, so reopening starts fresh. */
function collapseUnder(prefix: string): void {
  const open = [...expanded.value];
  const kept = open.filter((id) => id !== prefix && !id.startsWith(`${prefix}:`));
  if (kept.length !== open.length) expanded.value = new Set(kept);
}

export function currentServers(): Server[] {
  const list = serverList.value;
  return list.status === 'ready' ? list.value.servers : [];
}

export function currentGroups(): ServerGroup[] {
  const list = serverList.value;
  return list.status === 'ready' ? list.value.groups : [];
}

function findServer(id: number): Server | undefined {
  return currentServers().find((s) => s.id === id);
}

function replaceServer(server: Server): void {
  const list = serverList.value;
  if (list.status !== 'ready') return;
  const servers = list.value.servers.map((s) => (s.id === server.id ? server : s));
  serverList.value = { status: 'ready', value: { ...list.value, servers } };
}

function markConnected(id: number, connected: boolean): void {
  const server = findServer(id);
  if (server && server.connected !== connected) replaceServer({ ...server, connected });
}

function dropObjects(serverId: number, path = '/'): void {
  const key = objectNodeId(serverId, path);
  const under = path === '/' ? key : `${key}/`;
  const gone = [...objectChildren.value.keys()].filter((k) => k === key || k.startsWith(under));
  if (gone.length === 0) return;
  const next = new Map(objectChildren.value);
  for (const k of gone) next.delete(k);
  objectChildren.value = next;
}

/** Open groups the user has not seen yet (all of them on the first load, a new import's later). */
function openNewGroups(groups: ServerGroup[]): void {
  const fresh = groups.filter((g) => !knownGroups.has(g.id));
  knownGroups = new Set(groups.map((g) => g.id));
  if (fresh.length > 0) expanded.value = new Set([...expanded.value, ...fresh.map((g) => groupNodeId(g.id))]);
}

/** What the server says is connected wins over what this page thought. */
function syncLinks(servers: Server[]): void {
  const next = new Map<number, Link>();
  for (const s of servers) {
    const link = links.value.get(s.id);
    if (s.connected) next.set(s.id, link?.status === 'open' ? link : { status: 'open', version: null });
    else if (link && link.status !== 'open') next.set(s.id, link);
    else {
      dropObjects(s.id);
      collapseUnder(serverNodeId(s.id));
    }
  }
  links.value = next;
}

export async function loadServers(): Promise<void> {
  const gen = generation;
  if (serverList.value.status === 'error') serverList.value = { status: 'loading' };
  try {
    const value = await listServers();
    if (gen !== generation) return;
    batch(() => {
      serverList.value = { status: 'ready', value };
      openNewGroups(value.groups);
      syncLinks(value.servers);
    });
    restoreTree(value);
    for (const s of value.servers) if (s.connected && expanded.value.has(serverNodeId(s.id))) ensureObjects(s.id, '/');
  } catch (err) {
    if (gen !== generation) return;
    if (serverList.value.status !== 'ready') serverList.value = { status: 'error', message: errorMessage(err) };
    else showToast(errorMessage(err), 'error');
  }
}

function notConnected(serverId: number, err: ApiError): void {
  const server = findServer(serverId);
  batch(() => {
    markConnected(serverId, false);
    setLink(serverId, undefined);
    dropObjects(serverId);
    collapseUnder(serverNodeId(serverId));
  });
  showToast(`${server?.name ?? 'The server'}: ${err.message}`, 'error');
}

/** Loads the children of a path; QUIET keeps what is shown until the answer is in. */
async function loadObjects(serverId: number, path: string, quiet = false): Promise<void> {
  const key = objectNodeId(serverId, path);
  const gen = generation;
  const ticket = ++loadCounter;
  latestLoad.set(key, ticket);
  if (!quiet || objectChildren.value.get(key)?.status !== 'ready') {
    objectChildren.value = withEntry(objectChildren.value, key, { status: 'loading' });
  }
  let result: Load<ObjectNode[]>;
  try {
    result = { status: 'ready', value: await listObjects(serverId, path, showSystem.value) };
  } catch (err) {
    if (gen !== generation || latestLoad.get(key) !== ticket) return;
    if (err instanceof ApiError && err.code === 'not_connected') {
      notConnected(serverId, err);
      return;
    }
    result = { status: 'error', message: errorMessage(err) };
  }
  if (gen !== generation || latestLoad.get(key) !== ticket) return;
  objectChildren.value = withEntry(objectChildren.value, key, result);
}

/** Loads the children of a path unless they are loaded or loading. */
export function ensureObjects(serverId: number, path: string): void {
  if (!objectChildren.value.has(objectNodeId(serverId, path))) void loadObjects(serverId, path);
}

/** Reloads a path and every open path under it. */
export function refreshObjects(serverId: number, path: string): void {
  const key = objectNodeId(serverId, path);
  const under = path === '/' ? key : `${key}/`;
  dropObjects(serverId, path);
  const open = [...expanded.value].filter((id) => id.startsWith(under) && id !== key);
  void loadObjects(serverId, path);
  for (const id of open) void loadObjects(serverId, id.slice(objectNodeId(serverId, '').length));
}

/** Reloads one path in place, without a "Loading…" row (a label or a count changed). */
export function reloadObjects(serverId: number, path: string): void {
  if (objectChildren.value.has(objectNodeId(serverId, path))) void loadObjects(serverId, path, true);
}

/** Reloads in place every path loaded so far (of one server, or of all). */
function reloadLoaded(serverId?: number): void {
  for (const key of objectChildren.value.keys()) {
    const m = /^server:(\d+):(\/.*)$/.exec(key);
    if (m && (serverId === undefined || Number(m[1]) === serverId)) void loadObjects(Number(m[1]), m[2]!, true);
  }
}

/** Shows or hides system objects, and reloads in place everything loaded so far. */
export function setShowSystem(on: boolean): void {
  showSystem.value = on;
  localStorage.setItem(SYSTEM_KEY, String(on));
  reloadLoaded();
}

/** Folds an object and forgets what was loaded under it: opening it again reads it anew. */
export function collapseObject(serverId: number, path: string): void {
  const prefix = objectNodeId(serverId, '');
  const under = (id: string) => id.startsWith(prefix) && isUnder(id.slice(prefix.length), path);
  batch(() => {
    dropObjects(serverId, path);
    if ([...expanded.value].some(under)) expanded.value = new Set([...expanded.value].filter((id) => !under(id)));
  });
}

/**
 * Forgets an object that was dropped and what was loaded under it, moves
 * the selection off it, and reloads its collection and the collection's
 * owner (whose count changed); after a cascade, which may have taken
 * objects anywhere, everything loaded of that server.
 */
export function objectDropped(serverId: number, path: string, cascade: boolean): void {
  const collection = parentPath(path);
  const prefix = objectNodeId(serverId, '');
  const gone = (id: string) => id.startsWith(prefix) && isUnder(id.slice(prefix.length), path);
  batch(() => {
    dropObjects(serverId, path);
    if ([...expanded.value].some(gone)) expanded.value = new Set([...expanded.value].filter((id) => !gone(id)));
    if (selectedId.value !== null && gone(selectedId.value)) selectedId.value = objectNodeId(serverId, collection);
  });
  if (cascade) {
    reloadLoaded(serverId);
  } else {
    reloadObjects(serverId, collection);
    reloadObjects(serverId, parentPath(collection));
  }
}

/** Reloads the list and everything open under the connected servers. */
export async function refreshAll(): Promise<void> {
  await loadServers();
  for (const s of currentServers()) if (s.connected && expanded.value.has(serverNodeId(s.id))) refreshObjects(s.id, '/');
}

function connected(server: Server, connection: Connection): void {
  batch(() => {
    markConnected(server.id, true);
    setLink(server.id, { status: 'open', version: connection.server_version });
    setExpanded(serverNodeId(server.id), true);
  });
  void loadObjects(server.id, '/');
}

function isPasswordError(err: unknown): err is ApiError {
  return err instanceof ApiError && (PASSWORD_CODES as readonly string[]).includes(err.code);
}

/** A failed connect that is not about the password: shown under the server and in a toast. */
function connectFailed(server: Server, err: unknown): void {
  const message = errorMessage(err);
  setLink(server.id, { status: 'failed', message });
  showToast(`Could not connect to ${server.name}:\n${message}`, 'error');
}

/**
 * Connects a server the way expanding it does: without a password first
 * (the saved one, or none needed), asking for one when the server says so.
 */
export async function connect(server: Server): Promise<void> {
  const gen = generation;
  batch(() => {
    setLink(server.id, { status: 'connecting' });
    setExpanded(serverNodeId(server.id), true);
  });
  try {
    const connection = await connectServer(server.id);
    if (gen === generation) connected(server, connection);
  } catch (err) {
    if (gen !== generation) return;
    if (isPasswordError(err)) {
      explorerDialog.value = { kind: 'password', server, message: err.code === 'password_required' ? null : err.message };
    } else if (isHostKeyError(err)) {
      explorerDialog.value = { kind: 'host-key', server, fingerprint: String(err.details.fingerprint), message: err.message };
    } else {
      connectFailed(server, err);
    }
  }
}

function isHostKeyError(err: unknown): err is ApiError {
  return err instanceof ApiError && err.code === HOST_KEY_UNKNOWN && typeof err.details.fingerprint === 'string';
}

/**
 * One try from the password prompt (or the host key's confirmation).
 * Resolves to the message to show in the prompt when the password was
 * refused, or null when the prompt is done.
 */
export async function connectWithPassword(server: Server, options: ConnectOptions): Promise<string | null> {
  const gen = generation;
  try {
    const connection = await connectServer(server.id, options);
    if (gen !== generation) return null;
    connected(server, connection);
    const save = options.save_password === true;
    const kept = options.accept_host_key ? { tunnel_host_key: options.accept_host_key } : {};
    if (save || options.accept_host_key) replaceServer({ ...(findServer(server.id) ?? server), connected: true, ...(save ? { has_saved_password: true } : {}), ...kept });
    return null;
  } catch (err) {
    if (isPasswordError(err)) {
      // after accepting a host key the password is asked in its own prompt
      if (options.accept_host_key && explorerDialog.value?.kind === 'host-key' && gen === generation) {
        const message = err.code === 'password_required' ? null : err.message;
        explorerDialog.value = { kind: 'password', server, message, acceptKey: options.accept_host_key };
        return null;
      }
      return err.message;
    }
    if (gen === generation) connectFailed(server, err);
    return null;
  }
}

/** The prompt was dismissed: the server stays closed. */
export function cancelConnect(server: Server): void {
  batch(() => {
    setLink(server.id, undefined);
    collapseUnder(serverNodeId(server.id));
  });
}

export async function disconnect(server: Server): Promise<void> {
  try {
    await disconnectServer(server.id);
  } catch (err) {
    showToast(errorMessage(err), 'error');
    return;
  }
  batch(() => {
    markConnected(server.id, false);
    setLink(server.id, undefined);
    dropObjects(server.id);
    collapseUnder(serverNodeId(server.id));
  });
  showToast(`Disconnected from ${server.name}.`);
}

/** Puts a server the user just created or changed into the list. */
export function serverSaved(server: Server): void {
  const list = serverList.value;
  if (list.status === 'ready' && list.value.servers.some((s) => s.id === server.id)) replaceServer(server);
  batch(() => {
    if (server.group_id !== null) setExpanded(groupNodeId(server.group_id), true);
    selectedId.value = serverNodeId(server.id);
  });
  void loadServers();
}

/** Forgets a deleted server and what was loaded under it. */
export function serverDeleted(server: Server): void {
  batch(() => {
    setLink(server.id, undefined);
    dropObjects(server.id);
    collapseUnder(serverNodeId(server.id));
    selectedId.value = server.group_id === null ? ROOT_ID : groupNodeId(server.group_id);
  });
  void loadServers();
}
