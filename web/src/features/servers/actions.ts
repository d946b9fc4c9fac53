// What the explorer's toolbar, context menu and keys can do to a node.
import { exportUrl, type Server } from '../../api/servers';
import type { IconName } from '../../components/Icon';
import {
  connect,
  disconnect,
  explorerDialog,
  links,
  loadServers,
  refreshAll,
  refreshObjects,
} from '../../state/servers';
import { explorerModel, type Entry } from '../browser/explorerModel';

export type ActionId =
  | 'add-server'
  | 'add-group'
  | 'edit'
  | 'delete'
  | 'connect'
  | 'disconnect'
  | 'refresh'
  | 'import'
  | 'export'
  | 'query-tool';

export interface Action {
  id: ActionId;
  label: string;
  icon: IconName;
  /** The key that runs it in the tree, for menus and tooltips. */
  key?: string;
}

export const ACTIONS: Record<ActionId, Action> = {
  'add-server': { id: 'add-server', label: 'Add server…', icon: 'serverPlus' },
  'add-group': { id: 'add-group', label: 'Add group…', icon: 'folderPlus' },
  edit: { id: 'edit', label: 'Edit…', icon: 'edit', key: 'F2' },
  delete: { id: 'delete', label: 'Delete…', icon: 'trash', key: 'Delete' },
  connect: { id: 'connect', label: 'Connect', icon: 'plug' },
  disconnect: { id: 'disconnect', label: 'Disconnect', icon: 'unplug' },
  refresh: { id: 'refresh', label: 'Refresh', icon: 'refresh', key: 'F5' },
  import: { id: 'import', label: 'Import servers…', icon: 'upload' },
  export: { id: 'export', label: 'Export servers', icon: 'download' },
  'query-tool': { id: 'query-tool', label: 'Query Tool', icon: 'query', key: 'Alt+Shift+Q' },
};

/** The server and database a query tool opened on ENTRY would use; null when it cannot open one. */
function queryTarget(entry: Entry | null): { server: Server; database: string | null } | null {
  if (entry?.kind === 'server' && entry.server.connected) return { server: entry.server, database: null };
  if (entry?.kind === 'object' && entry.node.kind === 'database' && entry.server.connected) return { server: entry.server, database: entry.node.label };
  return null;
}

function openQueryTool(entry: Entry | null): void {
  const target = queryTarget(entry);
  if (target) void import('../query/tabs').then((m) => m.openQueryTab(target.server, target.database));
}

function groupOf(entry: Entry | null): number | null {
  if (entry?.kind === 'group') return entry.group.id;
  if (entry?.kind === 'server') return entry.server.group_id;
  return null;
}

export function canRun(id: ActionId, entry: Entry | null): boolean {
  switch (id) {
    case 'edit':
    case 'delete':
      return entry?.kind === 'group' || (entry?.kind === 'server' && entry.server.owned);
    case 'connect':
      return entry?.kind === 'server' && !entry.server.connected && links.value.get(entry.server.id)?.status !== 'connecting';
    case 'disconnect':
      return entry?.kind === 'server' && entry.server.connected;
    case 'query-tool':
      return queryTarget(entry) !== null;
    default:
      return true;
  }
}

/** Downloads servers.json through a plain link: the server sends it as an attachment. */
function downloadExport(): void {
  const link = document.createElement('a');
  link.href = exportUrl();
  link.download = 'servers.json';
  document.body.append(link);
  link.click();
  link.remove();
}

function refresh(entry: Entry | null): void {
  if (entry?.kind === 'status') {
    refresh(explorerModel.value.entries.get(entry.parentId) ?? null);
  } else if (entry?.kind === 'server' && entry.server.connected) {
    refreshObjects(entry.server.id, '/');
  } else if (entry?.kind === 'object') {
    refreshObjects(entry.server.id, entry.node.path);
  } else if (entry?.kind === 'root' || entry === null) {
    void refreshAll();
  } else {
    void loadServers();
  }
}

function edit(entry: Entry | null): void {
  if (entry?.kind === 'group') explorerDialog.value = { kind: 'group', group: entry.group };
  else if (entry?.kind === 'server') explorerDialog.value = { kind: 'server', server: entry.server, groupId: entry.server.group_id };
}

function remove(entry: Entry | null): void {
  if (entry?.kind === 'group') explorerDialog.value = { kind: 'delete-group', group: entry.group };
  else if (entry?.kind === 'server') explorerDialog.value = { kind: 'delete-server', server: entry.server };
}

export function runAction(id: ActionId, entry: Entry | null): void {
  if (!canRun(id, entry)) return;
  const server = entry?.kind === 'server' ? entry.server : null;
  const run: Record<ActionId, () => void> = {
    'add-server': () => (explorerDialog.value = { kind: 'server', server: null, groupId: groupOf(entry) }),
    'add-group': () => (explorerDialog.value = { kind: 'group', group: null }),
    edit: () => edit(entry),
    delete: () => remove(entry),
    connect: () => server && void connect(server),
    disconnect: () => server && void disconnect(server),
    refresh: () => refresh(entry),
    import: () => (explorerDialog.value = { kind: 'import' }),
    export: downloadExport,
    'query-tool': () => openQueryTool(entry),
  };
  run[id]();
}

/** The context menu of a node: only what applies to it. */
export function menuActions(entry: Entry): Array<ActionId | 'separator'> {
  switch (entry.kind) {
    case 'root':
      return ['add-server', 'add-group', 'separator', 'refresh', 'separator', 'import', 'export'];
    case 'group':
      return ['add-server', 'separator', 'edit', 'delete', 'separator', 'refresh'];
    case 'server':
      return [
        ...(entry.server.connected ? (['query-tool', 'separator'] as const) : []),
        entry.server.connected ? 'disconnect' : 'connect',
        'separator',
        ...(entry.server.owned ? (['edit', 'delete', 'separator'] as const) : []),
        'refresh',
      ];
    default:
      return entry.kind === 'object' && entry.node.kind === 'database' ? ['query-tool', 'separator', 'refresh'] : ['refresh'];
  }
}

/** The tree's own keys for the explorer: F2 edits, Delete deletes, F5 refreshes. */
export function actionForKey(e: KeyboardEvent): ActionId | null {
  if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return null;
  const keys: Record<string, ActionId> = { F2: 'edit', Delete: 'delete', F5: 'refresh' };
  return keys[e.key] ?? null;
}
