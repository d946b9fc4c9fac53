// The dashboard, schema-diagram and PSQL tabs open at the last visit, kept per
// user in this browser and opened again after a reload (the query tabs come
// back from the store with their SQL: see query/tabs.ts).
import { effect } from '@preact/signals';
import type { Server } from '../../api/servers';
import { currentServers, serverList } from '../../state/servers';
import { activeTabId, tabs } from '../../state/workspace';
import { dashboardTarget, openDashboard } from '../dashboard/open';
import { erdTarget, openErd } from '../erd/open';
import { openPsqlTab, psqlTarget } from '../psql/open';

const KEY = 'tusk.panels.';

interface SavedPanel {
  kind: 'dashboard' | 'erd' | 'psql';
  server_id: number;
  database: string | null;
  schema?: string | null;
  /** a PSQL tab's session: a reload attaches to the same psql */
  session_id?: string | null;
}

/** What the open dashboard and diagram tabs show, in their order. */
function openPanels(): SavedPanel[] {
  const out: SavedPanel[] = [];
  for (const t of tabs.value) {
    const d = t.kind === 'dashboard' ? dashboardTarget(t.id) : undefined;
    if (d) out.push({ kind: 'dashboard', server_id: d.serverId, database: d.database });
    const e = t.kind === 'erd' ? erdTarget(t.id) : undefined;
    if (e) out.push({ kind: 'erd', server_id: e.serverId, database: e.database, schema: e.schema });
    const p = t.kind === 'psql' ? psqlTarget(t.id) : undefined;
    if (p) out.push({ kind: 'psql', server_id: p.serverId, database: p.database, session_id: p.sessionId });
  }
  return out;
}

function read(owner: string): SavedPanel[] {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(KEY + owner) ?? '[]');
    return Array.isArray(v) ? (v as SavedPanel[]) : [];
  } catch {
    return [];
  }
}

/**
 * Opens again the user's panels of the last visit once the server list is in, leaving the
 * tab in front as it was, then keeps the list as tabs open and close. Returns the stop.
 */
export function keepPanels(owner: string): () => void {
  let restored = false;
  return effect(() => {
    const list = serverList.value;
    const open = openPanels();
    if (!restored) {
      if (list.status !== 'ready') return;
      restored = true;
      const front = activeTabId.value;
      const servers = new Map<number, Server>(currentServers().map((s) => [s.id, s]));
      for (const p of read(owner)) {
        const server = servers.get(p.server_id);
        if (!server) continue;
        if (p.kind === 'dashboard') openDashboard(server, p.database ?? null);
        else if (p.kind === 'erd' && p.database) openErd(server, p.database, p.schema ?? null);
        else if (p.kind === 'psql') openPsqlTab(server, p.database ?? null, p.session_id ?? null);
      }
      activeTabId.value = front;
      return;
    }
    try {
      localStorage.setItem(KEY + owner, JSON.stringify(open));
    } catch {
      // a full or forbidden storage only loses the convenience
    }
  });
}
