// Turns the explorer state into tree nodes, and remembers what each node
// stands for so menus and the toolbar know what they act on.
import { computed } from '@preact/signals';
import type { ObjectNode, Server, ServerGroup } from '../../api/servers';
import type { IconName } from '../../components/Icon';
import type { TreeNode } from '../../components/Tree';
import {
  ROOT_ID,
  connect,
  groupNodeId,
  links,
  loadServers,
  objectChildren,
  objectNodeId,
  refreshObjects,
  selectedId,
  serverList,
  serverNodeId,
} from '../../state/servers';

export type Entry =
  | { kind: 'root' }
  | { kind: 'group'; group: ServerGroup }
  | { kind: 'server'; server: Server }
  | { kind: 'object'; server: Server; node: ObjectNode }
  | { kind: 'status'; parentId: string };

/** What each node of the tree stands for, by node id. */
export interface EntryIndex {
  get(id: string): Entry | undefined;
}

export interface ExplorerModel {
  roots: TreeNode[];
  entries: EntryIndex;
  serverCount: number;
}

/** Icons by kind first (login and group roles differ), then by the server's icon name. */
const OBJECT_ICONS: Record<string, IconName> = {
  login_role: 'user',
  group_role: 'users',
  role: 'user',
  tablespace: 'disk',
  database: 'database',
  schema: 'schema',
  extension: 'extension',
  cast: 'cast',
  event_trigger: 'eventTrigger',
  fdw: 'globe',
  foreign_server: 'servers',
  user_mapping: 'user',
  language: 'language',
  publication: 'publication',
  subscription: 'subscription',
  table: 'table',
  view: 'view',
  materialized_view: 'materializedView',
  foreign_table: 'foreignTable',
  sequence: 'sequence',
  function: 'function',
  procedure: 'procedure',
  trigger_function: 'triggerFunction',
  aggregate: 'aggregate',
  type: 'type',
  domain: 'domain',
  collation: 'collation',
  operator: 'operator',
  fts: 'fts',
  column: 'column',
  constraint: 'constraint',
  index: 'index',
  policy: 'policy',
  rule: 'rule',
  trigger: 'trigger',
  statistics: 'analyze',
  operator_class: 'operator',
  operator_family: 'operator',
  access_method: 'index',
  transform: 'cast',
  default_privilege: 'policy',
  schema_default_privilege: 'policy',
  domain_constraint: 'constraint',
};

/** A collection ("Tables") rather than an object: it has no properties, DDL or menu of its own. */
export function isCollection(node: ObjectNode): boolean {
  return node.kind === 'collection';
}

export function objectIcon(node: ObjectNode): IconName {
  if (isCollection(node)) return 'folder';
  return OBJECT_ICONS[node.kind] ?? OBJECT_ICONS[node.icon] ?? 'object';
}

const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' });

/**
 * A failure in a few words for its row: the first line, without libpq's
 * "connection to server at ... failed:" preamble (the tooltip has it all).
 */
function summary(text: string): string {
  const first = text.split('\n', 1)[0]!.trim();
  return first.replace(/^connection to server (at|on) .*? failed:\s*/, '').replace(/^FATAL:\s*/, '') || first;
}

/** The children of a node whose own children are not loaded: one shared, never changed, empty list. */
const NO_CHILDREN: TreeNode[] = [];

/**
 * A loaded list's tree nodes and entries. A schema's 10,000 tables are
 * built into nodes once; later models (another list loads, a server's
 * status changes) reuse every node whose subtree is unchanged, so the model
 * costs a lookup per member, not a rebuild.
 */
interface BuiltList {
  list: ObjectNode[];
  server: Server;
  nodes: TreeNode[];
  entries: Map<string, Entry>;
}

const builtLists = new Map<string, BuiltList>();

/** Entries looked up in the lists' own maps, then in the builder's for everything else. */
class Entries implements EntryIndex {
  constructor(private readonly own: Map<string, Entry>, private readonly lists: Array<Map<string, Entry>>) {}

  get(id: string): Entry | undefined {
    const found = this.own.get(id);
    if (found) return found;
    for (const map of this.lists) {
      const entry = map.get(id);
      if (entry) return entry;
    }
    return undefined;
  }
}

class Builder {
  private readonly own = new Map<string, Entry>();
  private readonly lists: Array<Map<string, Entry>> = [];
  private readonly visited = new Set<string>();

  entries(): EntryIndex {
    return new Entries(this.own, this.lists);
  }

  /** Forgets the built lists this model no longer shows (dropped, reloading, or under one that is). */
  forgetUnvisited(): void {
    for (const key of builtLists.keys()) if (!this.visited.has(key)) builtLists.delete(key);
  }

  private add(node: TreeNode, entry: Entry): TreeNode {
    this.own.set(node.id, entry);
    return node;
  }

  private loading(parentId: string, label: string): TreeNode {
    return this.add({ id: `${parentId}#status`, label, status: 'loading' }, { kind: 'status', parentId });
  }

  /** A failure under PARENTID; clicking it selects the parent and tries again. */
  private failure(parentId: string, message: string, retry: () => void): TreeNode {
    const action = () => {
      selectedId.value = parentId;
      retry();
    };
    const node: TreeNode = {
      id: `${parentId}#status`,
      label: summary(message),
      status: 'error',
      badge: 'Retry',
      title: `${message}\n\nClick to try again.`,
      action,
    };
    return this.add(node, { kind: 'status', parentId });
  }

  /** The children of PATH: KEY names its loaded list, PARENTID the node they hang under. */
  private objects(server: Server, path: string, key: string, parentId: string): TreeNode[] {
    const state = objectChildren.value.get(key);
    if (!state) return NO_CHILDREN;
    if (state.status === 'loading') return [this.loading(parentId, 'Loading…')];
    if (state.status === 'error') return [this.failure(parentId, state.message, () => refreshObjects(server.id, path))];
    this.visited.add(key);
    const list = state.value;
    const before = builtLists.get(key);
    const reuse = before && before.list === list && before.server === server ? before : undefined;
    const prefix = objectNodeId(server.id, '');
    const nodes: TreeNode[] = new Array(list.length);
    let changed = !reuse;
    for (let i = 0; i < list.length; i++) {
      const node = list[i]!;
      const old = reuse?.nodes[i];
      const id = old ? old.id : prefix + node.path;
      const children = node.has_children ? this.objects(server, node.path, id, id) : undefined;
      if (old && old.children === children) {
        nodes[i] = old;
        continue;
      }
      changed = true;
      const collection = isCollection(node);
      // a collection whose members are loaded counts them: the count read with its parent may be older
      const loaded = collection ? objectChildren.value.get(id) : undefined;
      const count = loaded?.status === 'ready' ? loaded.value.length : node.count;
      nodes[i] = { id, label: node.label, icon: objectIcon(node), count, dimmed: collection && count === 0, children };
    }
    if (!changed) {
      this.lists.push(reuse!.entries);
      return reuse!.nodes;
    }
    const entries = new Map<string, Entry>();
    for (let i = 0; i < list.length; i++) {
      const id = nodes[i]!.id;
      entries.set(id, reuse?.entries.get(id) ?? { kind: 'object', server, node: list[i]! });
    }
    builtLists.set(key, { list, server, nodes, entries });
    this.lists.push(entries);
    return nodes;
  }

  private serverChildren(server: Server): TreeNode[] {
    const id = serverNodeId(server.id);
    const link = links.value.get(server.id);
    if (link?.status === 'connecting') return [this.loading(id, 'Connecting…')];
    if (link?.status === 'failed') return [this.failure(id, link.message, () => void connect(server))];
    return server.connected ? this.objects(server, '/', objectNodeId(server.id, '/'), id) : [];
  }

  server(server: Server): TreeNode {
    const link = links.value.get(server.id);
    const version = link?.status === 'open' && link.version ? `PostgreSQL ${link.version}` : null;
    const where = server.service ? `service ${server.service}` : [server.host, server.port].filter((v) => v !== null).join(':');
    const state = server.connected ? `Connected${version ? ` · ${version}` : ''}` : 'Not connected';
    const node: TreeNode = {
      id: serverNodeId(server.id),
      label: server.name,
      icon: server.connected ? 'plug' : 'unplug',
      dimmed: !server.connected,
      badge: server.shared ? 'shared' : undefined,
      colors: { bg: server.bg_color, fg: server.fg_color },
      title: [where, server.username ? `user ${server.username}` : '', state].filter(Boolean).join('\n'),
      children: this.serverChildren(server),
    };
    return this.add(node, { kind: 'server', server });
  }

  group(group: ServerGroup, servers: Server[]): TreeNode {
    const node: TreeNode = { id: groupNodeId(group.id), label: group.name, icon: 'folder', children: servers.map((s) => this.server(s)) };
    return this.add(node, { kind: 'group', group });
  }

  root(): TreeNode {
    const list = serverList.value;
    let children: TreeNode[];
    let count: number | undefined;
    if (list.status === 'loading') children = [this.loading(ROOT_ID, 'Loading servers…')];
    else if (list.status === 'error') children = [this.failure(ROOT_ID, list.message, () => void loadServers())];
    else {
      const { groups, servers } = list.value;
      const known = new Set(groups.map((g) => g.id));
      const sorted = [...servers].sort(byName);
      const grouped = [...groups].sort(byName).map((g) => this.group(g, sorted.filter((s) => s.group_id === g.id)));
      const loose = sorted.filter((s) => s.group_id === null || !known.has(s.group_id)).map((s) => this.server(s));
      children = [...grouped, ...loose];
      count = servers.length;
    }
    return this.add({ id: ROOT_ID, label: 'Servers', icon: 'servers', count, children }, { kind: 'root' });
  }
}

export const explorerModel = computed<ExplorerModel>(() => {
  const builder = new Builder();
  const root = builder.root();
  builder.forgetUnvisited();
  const list = serverList.value;
  return {
    roots: [root],
    entries: builder.entries(),
    serverCount: list.status === 'ready' ? list.value.servers.length : 0,
  };
});

export function selectedEntry(): Entry | null {
  const id = selectedId.value;
  return id === null ? null : explorerModel.value.entries.get(id) ?? null;
}
