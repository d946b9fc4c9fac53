// The explorer action that opens Schema Diff: on a server, a database or a
// schema, which becomes the source picked.
import type { Action } from '../servers/action';
import { databaseOf, pathSteps } from '../../lib/objectPath';
import { isCollection, type Entry } from '../browser/explorerModel';
import { openSchemaDiff } from './open';

export type DiffActionId = 'schema-diff';

export const DIFF_ACTIONS: Record<DiffActionId, Action<DiffActionId>> = {
  'schema-diff': { id: 'schema-diff', label: 'Schema Diff…', icon: 'explain' },
};

export function isDiffAction(id: string): id is DiffActionId {
  return id in DIFF_ACTIONS;
}

function targetOf(entry: Entry | null) {
  if (entry?.kind === 'server') return entry.server.connected ? { server: entry.server, database: null, schema: null } : null;
  if (entry?.kind !== 'object' || !entry.server.connected || isCollection(entry.node)) return null;
  if (entry.node.kind !== 'database' && entry.node.kind !== 'schema') return null;
  const database = databaseOf(entry.node.path);
  if (database === null) return null;
  const schema = entry.node.kind === 'schema' ? pathSteps(entry.node.path).find((s) => s.collection === 'schemas')?.name ?? null : null;
  return { server: entry.server, database, schema };
}

export function canRunDiff(entry: Entry | null): boolean {
  return targetOf(entry) !== null;
}

export function runDiff(entry: Entry | null): void {
  const t = targetOf(entry);
  if (t) openSchemaDiff(t.server, t.database, t.schema);
}

/** The Schema Diff action when it applies to ENTRY, for its menu. */
export function diffMenu(entry: Entry): DiffActionId[] {
  return canRunDiff(entry) ? ['schema-diff'] : [];
}
