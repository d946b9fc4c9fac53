// What the explorer's toolbar, context menu and keys can do to a node.
import { releaseDatabase } from '../../api/objects';
import { exportUrl, runServerAction, type Server, type ServerAction } from '../../api/servers';
import { databaseOf, parentPath, relationOf } from '../../lib/objectPath';
import {
  collapseObject,
  connect,
  disconnect,
  explorerDialog,
  links,
  loadServers,
  refreshAll,
  refreshObjects,
  reloadObjects,
} from '../../state/servers';
import { showToast } from '../../state/toasts';
import type { Action } from './action';
import { explorerModel, isCollection, type Entry } from '../browser/explorerModel';
import { refreshObjectAt } from '../browser/objectPanel';
import { DDL_ACTIONS, canRunDdl, ddlMenuGroups, isDdlAction, runDdl, type DdlActionId } from '../dialogs/menu';
import { openDashboard } from '../dashboard/open';
import { openPsqlTab, psqlToolLabel } from '../psql/open';
import { ERD_ACTIONS, canRunErd, erdMenu, isErdAction, runErd, type ErdActionId } from '../erd/menu';
import { DIFF_ACTIONS, canRunDiff, diffMenu, isDiffAction, runDiff, type DiffActionId } from '../schemadiff/menu';
import { JOB_ACTIONS, canRunJob, isJobAction, jobMenu, runJobAction, type JobActionId } from '../jobs/menu';
import { roleDialog } from '../roles/state';
import { ROLE_ACTIONS, canRunRole, isRoleAction, isRoleNode, roleMenu, runRoleAction, type RoleActionId } from '../roles/menu';

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
  | 'query-tool'
  | 'psql-tool'
  | 'dashboard'
  | 'view-all'
  | 'view-100'
  | 'view-last-100'
  | 'drop'
  | 'drop-cascade'
  | 'drop-force'
  | 'disconnect-database'
  | 'reload-configuration'
  | 'restore-point'
  | 'pause-replay'
  | 'resume-replay'
  | DdlActionId
  | JobActionId
  | RoleActionId
  | ErdActionId
  | DiffActionId;

export const ACTIONS: Record<ActionId, Action<ActionId>> = {
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
  'psql-tool': {
    id: 'psql-tool',
    get label() {
      return psqlToolLabel();
    },
    icon: 'terminal',
  },
  dashboard: { id: 'dashboard', label: 'Dashboard', icon: 'activity', key: 'Alt+Shift+D' },
  'view-all': { id: 'view-all', label: 'All Rows', icon: 'table', group: 'View/Edit Data' },
  'view-100': { id: 'view-100', label: 'First 100 Rows', icon: 'table', group: 'View/Edit Data' },
  'view-last-100': { id: 'view-last-100', label: 'Last 100 Rows', icon: 'table', group: 'View/Edit Data' },
  drop: { id: 'drop', label: 'Drop…', icon: 'trash', key: 'Delete' },
  'drop-cascade': { id: 'drop-cascade', label: 'Drop Cascade…', icon: 'trash' },
  'drop-force': { id: 'drop-force', label: 'Drop (Force)…', icon: 'trash' },
  'disconnect-database': { id: 'disconnect-database', label: 'Disconnect Database', icon: 'unplug' },
  'reload-configuration': { id: 'reload-configuration', label: 'Reload Configuration', icon: 'refresh' },
  'restore-point': { id: 'restore-point', label: 'Add Named Restore Point…', icon: 'bookmark' },
  'pause-replay': { id: 'pause-replay', label: 'Pause WAL Replay', icon: 'pause' },
  'resume-replay': { id: 'resume-replay', label: 'Resume WAL Replay', icon: 'play' },
  ...DDL_ACTIONS,
  ...JOB_ACTIONS,
  ...ROLE_ACTIONS,
  ...ERD_ACTIONS,
  ...DIFF_ACTIONS,
};

/** The server and database a query tool opened on ENTRY would use; null when it cannot open one. */
function queryTarget(entry: Entry | null): { server: Server; database: string | null } | null {
  if (entry?.kind === 'server' && entry.server.connected) return { server: entry.server, database: null };
  if (entry?.kind !== 'object' || !entry.server.connected) return null;
  const database = databaseOf(entry.node.path);
  return database === null ? null : { server: entry.server, database };
}

const VIEWABLE = new Set(['table', 'view', 'materialized_view']);

/** The table or view whose rows View/Edit Data would show. */
function dataTarget(entry: Entry | null): { server: Server; database: string; schema: string; table: string } | null {
  if (entry?.kind !== 'object' || !VIEWABLE.has(entry.node.kind)) return null;
  const database = databaseOf(entry.node.path);
  const relation = relationOf(entry.node.path);
  return database !== null && relation ? { server: entry.server, database, ...relation } : null;
}

/** Objects inside a database, databases themselves, and the server's roles and tablespaces can be dropped. */
function droppable(entry: Entry | null): entry is Extract<Entry, { kind: 'object' }> {
  if (entry?.kind !== 'object' || isCollection(entry.node)) return false;
  return databaseOf(entry.node.path) !== null || isRoleNode(entry) || entry.node.kind === 'tablespace';
}

function isDatabase(entry: Entry | null): entry is Extract<Entry, { kind: 'object' }> {
  return entry?.kind === 'object' && entry.node.kind === 'database' && !isCollection(entry.node);
}

function viewData(entry: Entry | null, limit?: number, last = false): void {
  const target = dataTarget(entry);
  if (target) void import('../query/tabs').then((m) => m.openTableData(target.server, target.database, target.schema, target.table, limit, last));
}

function drop(entry: Entry | null, cascade: boolean, force = false): void {
  if (droppable(entry)) explorerDialog.value = { kind: 'drop', server: entry.server, node: entry.node, cascade, force };
}

const ACTION_DONE: Record<Exclude<ServerAction, 'restore_point'>, string> = {
  reload_configuration: 'reloaded its configuration',
  pause_replay: 'paused WAL replay',
  resume_replay: 'resumed WAL replay',
};

/** A server action from its menu: PostgreSQL's answer, or its refusal, in a toast. */
function serverAction(entry: Entry | null, action: Exclude<ServerAction, 'restore_point'>): void {
  if (entry?.kind !== 'server') return;
  const { server } = entry;
  void runServerAction(server.id, action).then(
    () => showToast(`${server.name} ${ACTION_DONE[action]}.`),
    (err: unknown) => showToast(`${server.name}: ${String((err as Error).message ?? err)}`, 'error'),
  );
}

/** Closes the tree's connections to a database and folds it: it opens again on the next expand. */
function disconnectDatabase(entry: Entry | null): void {
  if (!isDatabase(entry)) return;
  const name = databaseOf(entry.node.path)!;
  void releaseDatabase(entry.server.id, name).then(
    () => {
      collapseObject(entry.server.id, entry.node.path);
      showToast(`Disconnected from ${name}: Tusk's tree keeps no connection to it until you open it again.`);
    },
    (err: unknown) => showToast(`Could not disconnect from ${name}: ${String((err as Error).message ?? err)}`, 'error'),
  );
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
    case 'dashboard':
    case 'psql-tool':
      return queryTarget(entry) !== null;
    case 'view-all':
    case 'view-100':
    case 'view-last-100':
      return dataTarget(entry) !== null;
    case 'drop':
      return droppable(entry);
    case 'drop-cascade':
      // a database has no CASCADE; Drop (Force) ends its sessions instead
      return droppable(entry) && !isDatabase(entry);
    case 'reload-configuration':
    case 'restore-point':
    case 'pause-replay':
    case 'resume-replay':
      return entry?.kind === 'server' && entry.server.connected;
    case 'drop-force':
    case 'disconnect-database':
      return isDatabase(entry) && entry.server.connected;
    default:
      if (id === 'properties' && isRoleNode(entry)) return false;
      return isDdlAction(id) ? canRunDdl(id, entry) : isJobAction(id) ? canRunJob(id, entry) : isRoleAction(id) ? canRunRole(id, entry) : isErdAction(id) ? canRunErd(entry) : isDiffAction(id) ? canRunDiff(entry) : true;
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
    refreshObjectAt(entry.server.id, entry.node.path);
    // A leaf has nothing below it to reload: its collection has its label.
    if (entry.node.has_children) refreshObjects(entry.server.id, entry.node.path);
    else reloadObjects(entry.server.id, parentPath(entry.node.path));
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
  if (isDdlAction(id)) {
    runDdl(id, entry);
    return;
  }
  if (isJobAction(id)) {
    runJobAction(id, entry);
    return;
  }
  if (isRoleAction(id)) {
    runRoleAction(id, entry);
    return;
  }
  if (id === 'drop-cascade' && entry?.kind === 'object' && isRoleNode(entry)) {
    // a role has no CASCADE: its objects are reassigned or dropped in every database
    roleDialog.value = { dialog: 'drop', server: entry.server, node: entry.node };
    return;
  }
  if (isErdAction(id)) {
    runErd(entry);
    return;
  }
  if (isDiffAction(id)) {
    runDiff(entry);
    return;
  }
  const server = entry?.kind === 'server' ? entry.server : null;
  const run: Record<Exclude<ActionId, DdlActionId | JobActionId | RoleActionId | ErdActionId | DiffActionId>, () => void> = {
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
    'psql-tool': () => {
      const target = queryTarget(entry);
      if (target) openPsqlTab(target.server, target.database);
    },
    dashboard: () => {
      const target = queryTarget(entry);
      if (target) openDashboard(target.server, target.database);
    },
    'view-all': () => viewData(entry),
    'view-100': () => viewData(entry, 100),
    'view-last-100': () => viewData(entry, 100, true),
    drop: () => drop(entry, false),
    'drop-cascade': () => drop(entry, true),
    'drop-force': () => drop(entry, false, true),
    'disconnect-database': () => disconnectDatabase(entry),
    'reload-configuration': () => serverAction(entry, 'reload_configuration'),
    'restore-point': () => server && (explorerDialog.value = { kind: 'restore-point', server }),
    'pause-replay': () => serverAction(entry, 'pause_replay'),
    'resume-replay': () => serverAction(entry, 'resume_replay'),
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
        ...(entry.server.connected
          ? ([
              'query-tool', 'psql-tool', 'dashboard', 'separator', 'create-database', 'create-role', 'separator', 'backup-server', 'membership-graph', 'schema-diff', 'separator',
              'reload-configuration', 'restore-point', 'pause-replay', 'resume-replay', 'separator',
            ] as const)
          : []),
        entry.server.connected ? 'disconnect' : 'connect',
        'separator',
        ...(entry.server.owned ? (['edit', 'delete', 'separator'] as const) : []),
        'refresh',
      ];
    default:
      return objectMenu(entry);
  }
}

/** An object's menu: what opens on it, refresh, then the drops, each group only when it applies. */
function objectMenu(entry: Entry): Array<ActionId | 'separator'> {
  const ddl = ddlMenuGroups(entry);
  const groups: ActionId[][] = [
    (['query-tool', 'view-all', 'view-100', 'view-last-100'] as const).filter((id) => canRun(id, entry)),
    entry.kind === 'object' && entry.node.kind === 'database' && canRun('dashboard', entry) ? ['psql-tool', 'dashboard'] : [],
    [...erdMenu(entry), ...diffMenu(entry)],
    [...ddl.create, ...(canRunRole('create-role', entry) ? (['create-role'] as const) : [])],
    ddl.maintenance,
    ddl.scripts,
    [...jobMenu(entry), ...roleMenu(entry)],
    [...ddl.tools, 'refresh', ...(canRun('disconnect-database', entry) ? (['disconnect-database'] as const) : [])],
    isRoleNode(entry) ? ['role-properties'] : ddl.properties,
    (['drop', 'drop-cascade', 'drop-force'] as const).filter((id) => canRun(id, entry)),
  ];
  return groups.filter((g) => g.length > 0).flatMap((g, i): Array<ActionId | 'separator'> => (i === 0 ? g : ['separator', ...g]));
}

/** The tree's own keys for the explorer: F2 edits (an object: its properties), Delete deletes (drops an object), F5 refreshes. */
export function actionForKey(e: KeyboardEvent, entry: Entry | null): ActionId | null {
  if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return null;
  const keys: Record<string, ActionId> = { F2: isRoleNode(entry) ? 'role-properties' : entry?.kind === 'object' ? 'properties' : 'edit', Delete: droppable(entry) ? 'drop' : 'delete', F5: 'refresh' };
  return keys[e.key] ?? null;
}
