// Opening a Schema Diff tab: small, in the main bundle; the page itself (and
// CodeMirror's merge view) loads on first use.
import type { Server } from '../../api/servers';
import { closeTab, onWorkspaceReset, openTab, setCloseHandler } from '../../state/workspace';

export interface DiffStart {
  serverId: number;
  database: string | null;
  schema: string | null;
}

const starts = new Map<string, DiffStart>();
let counter = 0;

onWorkspaceReset(() => starts.clear());
setCloseHandler('schemadiff', (id) => {
  starts.delete(id);
  closeTab(id);
});

export function diffStart(tabId: string): DiffStart | undefined {
  return starts.get(tabId);
}

/** Opens a new Schema Diff tab with SERVER / DATABASE / SCHEMA as the source picked. */
export function openSchemaDiff(server: Server | null, database: string | null, schema: string | null): void {
  counter += 1;
  const id = `schemadiff:${counter}`;
  starts.set(id, { serverId: server?.id ?? 0, database, schema });
  openTab({ id, kind: 'schemadiff', title: `Schema Diff${schema ? ` — ${schema}` : database ? ` — ${database}` : ''}`, icon: 'explain' });
}
