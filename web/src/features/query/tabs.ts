// Opening query tabs, closing them, and keeping them in the saved
// workspace (server, database, SQL and cursor of each) so they come back
// after a reload or the next login.
import { effect } from '@preact/signals';
import { listServers, type Server } from '../../api/servers';
import { saveWorkspace, tableInfo, type SavedTab, type Workspace } from '../../api/query';
import { errorMessage } from '../../lib/format';
import { showToast } from '../../state/toasts';
import { activeTabId, onWorkspaceReset, setCloseHandler } from '../../state/workspace';
import { QueryTab, disposeAll, findTab, queryTabs, register } from './model';

const SAVE_DELAY_MS = 1000;

/** False while a saved workspace is being reopened: saving then would lose it. */
let restored = true;
let saveTimer = 0;
let generation = 0;

function startTab(server: Server, database: string | null, sql: string): { tab: QueryTab; opened: Promise<void> } {
  const tab = new QueryTab({ serverId: server.id, serverName: server.name, database: database ?? server.maintenance_db ?? 'postgres' }, sql);
  register(tab);
  const opened = tab.open();
  scheduleSave();
  return { tab, opened };
}

/** Opens a query tab on SERVER's DATABASE (its maintenance database when null). */
export function openQueryTab(server: Server, database: string | null, sql = ''): QueryTab {
  return startTab(server, database, sql).tab;
}

/**
 * View/Edit Data from the explorer: a new query tab on DATABASE showing the
 * rows of SCHEMA.TABLE (the first LIMIT of them when given). A tab whose
 * session did not open says why itself.
 */
export async function openTableData(server: Server, database: string, schema: string, table: string, limit?: number, last = false): Promise<void> {
  const { tab, opened } = startTab(server, database, '');
  await opened;
  if (!tab.sid) return;
  try {
    const info = await tableInfo(server.id, database, schema, table);
    if (last && info.primary_key.length === 0) {
      showToast(`${info.schema}.${info.table} has no primary key, so its rows have no last ones: showing the first ${limit ?? 100} instead.`);
    }
    // the last rows: the key's order reversed
    const order_by = last && info.primary_key.length ? info.primary_key.map((column) => ({ column, desc: true })) : undefined;
    await tab.viewData(info, { schema: info.schema, table: info.table, limit, order_by }, true);
  } catch (err) {
    showToast(errorMessage(err), 'error');
  }
}

function describe(): { tabs: SavedTab[]; active: number } {
  const list = queryTabs.value;
  const tabs = list.map((t) => ({
    server_id: t.target.serverId,
    database: t.target.database,
    ...(t.target.role ? { role: t.target.role } : {}),
    sql: t.editor?.text() ?? t.sql,
    cursor: t.editor?.cursor() ?? t.cursor,
  }));
  return { tabs, active: list.findIndex((t) => t.id === activeTabId.value) };
}

/** Saves the open tabs a second after the last change. */
export function scheduleSave(): void {
  if (!restored) return;
  window.clearTimeout(saveTimer);
  const gen = generation;
  saveTimer = window.setTimeout(() => {
    if (gen !== generation) return;
    saveWorkspace(describe()).catch((err: unknown) => showToast(`Could not save the open tabs: ${errorMessage(err)}`, 'error'));
  }, SAVE_DELAY_MS);
}

/** Reopens the tabs of a saved workspace; a disconnected server's tab waits with a Connect button. */
export async function restoreWorkspace(workspace: Workspace): Promise<void> {
  const gen = generation;
  restored = false;
  try {
    const list = await listServers();
    if (gen !== generation) return;
    const servers = new Map(list.servers.map((s) => [s.id, s]));
    const opened: QueryTab[] = [];
    for (const saved of workspace.tabs ?? []) {
      const server = servers.get(saved.server_id);
      if (!server || typeof saved.sql !== 'string') continue;
      const role = typeof saved.role === 'string' && saved.role ? saved.role : undefined;
      const tab = new QueryTab({ serverId: server.id, serverName: server.name, database: saved.database, role }, saved.sql, saved.cursor ?? 0);
      register(tab);
      opened.push(tab);
    }
    const active = opened[workspace.active ?? -1];
    if (active) activeTabId.value = active.id;
    for (const tab of opened) void tab.open();
  } catch (err) {
    showToast(`Could not restore the open tabs: ${errorMessage(err)}`, 'error');
  } finally {
    if (gen === generation) restored = true;
  }
}

setCloseHandler('query', (id) => findTab(id)?.requestClose());

onWorkspaceReset(() => {
  generation++;
  restored = true;
  window.clearTimeout(saveTimer);
  disposeAll();
});

// Opening, closing and switching tabs change what is saved.
effect(() => {
  void queryTabs.value;
  void activeTabId.value;
  scheduleSave();
});
