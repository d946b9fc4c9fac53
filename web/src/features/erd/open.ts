// Opening a schema diagram tab: small, in the main bundle; the diagram itself
// (layout worker, SVG, exports) loads on first use.
import { signal } from '@preact/signals';
import type { Server } from '../../api/servers';
import { closeTab, onWorkspaceReset, openTab, setCloseHandler } from '../../state/workspace';

export interface ErdTarget {
  serverId: number;
  serverName: string;
  database: string;
  /** The schema first drawn; null lets the tab pick one of the database's. */
  schema: string | null;
}

const targets = new Map<string, ErdTarget>();

/** A table to select and bring into view, per tab, as the explorer asks (a table's "Schema Diagram"). */
export const erdFocus = signal<ReadonlyMap<string, string>>(new Map());

onWorkspaceReset(() => {
  targets.clear();
  erdFocus.value = new Map();
});
setCloseHandler('erd', (id) => {
  targets.delete(id);
  closeTab(id);
});

export function erdTarget(tabId: string): ErdTarget | undefined {
  return targets.get(tabId);
}

/** Forgets a focus request once the tab has acted on it. */
export function takeFocus(tabId: string): void {
  if (!erdFocus.value.has(tabId)) return;
  const next = new Map(erdFocus.value);
  next.delete(tabId);
  erdFocus.value = next;
}

/** Opens the diagram of SCHEMA in DATABASE (null: the tab offers the database's schemas), or brings it to the front. */
export function openErd(server: Server, database: string, schema: string | null, focusTable?: string): void {
  const id = `erd:${server.id}:${database}:${schema ?? ''}`;
  if (!targets.has(id)) targets.set(id, { serverId: server.id, serverName: server.name, database, schema });
  if (focusTable) erdFocus.value = new Map(erdFocus.value).set(id, focusTable);
  openTab({ id, kind: 'erd', title: `ERD — ${schema ?? database}`, icon: 'explain' });
}
