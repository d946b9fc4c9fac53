// The explorer action that opens a schema diagram: on a database (the tab
// offers its schemas), a schema, or a table (its schema's diagram, with the
// table selected).
import type { Action } from '../servers/action';
import { databaseOf, pathSteps } from '../../lib/objectPath';
import { isCollection, type Entry } from '../browser/explorerModel';
import { openErd } from './open';

export type ErdActionId = 'erd';

export const ERD_ACTIONS: Record<ErdActionId, Action<ErdActionId>> = {
  erd: { id: 'erd', label: 'Schema Diagram (ERD)', icon: 'explain' },
};

export function isErdAction(id: string): id is ErdActionId {
  return id in ERD_ACTIONS;
}

const KINDS = new Set(['database', 'schema', 'table', 'partitioned_table']);

function targetOf(entry: Entry | null) {
  if (entry?.kind !== 'object' || !entry.server.connected || isCollection(entry.node) || !KINDS.has(entry.node.kind)) return null;
  const database = databaseOf(entry.node.path);
  if (database === null) return null;
  const steps = pathSteps(entry.node.path);
  const schema = steps.find((s) => s.collection === 'schemas')?.name ?? null;
  const table = steps.find((s) => s.collection === 'tables')?.name ?? undefined;
  return { server: entry.server, database, schema, table };
}

export function canRunErd(entry: Entry | null): boolean {
  return targetOf(entry) !== null;
}

export function runErd(entry: Entry | null): void {
  const t = targetOf(entry);
  if (t) openErd(t.server, t.database, t.schema, t.table);
}

/** The ERD action when it applies to ENTRY, for its menu. */
export function erdMenu(entry: Entry): ErdActionId[] {
  return canRunErd(entry) ? ['erd'] : [];
}
