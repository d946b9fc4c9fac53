// Opening a dashboard tab: small, in the main bundle; the tab itself (charts,
// panels, uPlot) loads on first use.
import type { Server } from '../../api/servers';
import { closeTab, onWorkspaceReset, openTab, setCloseHandler } from '../../state/workspace';

export interface DashboardTarget {
  serverId: number;
  serverName: string;
  /** null for the whole server. */
  database: string | null;
}

const targets = new Map<string, DashboardTarget>();

onWorkspaceReset(() => targets.clear());
setCloseHandler('dashboard', (id) => {
  targets.delete(id);
  closeTab(id);
});

export function dashboardTarget(tabId: string): DashboardTarget | undefined {
  return targets.get(tabId);
}

/** Opens the dashboard of SERVER, or of one DATABASE on it, or brings it to the front. */
export function openDashboard(server: Server, database: string | null): void {
  const id = `dashboard:${server.id}:${database ?? ''}`;
  targets.set(id, { serverId: server.id, serverName: server.name, database });
  openTab({ id, kind: 'dashboard', title: `Dashboard — ${database ?? server.name}`, icon: 'activity' });
}
