// The explorer actions that start jobs: Backup…, Backup Server…, Restore…,
// Import/Export Data… and Maintenance… on the nodes they apply to.
import type { Server } from '../../api/servers';
import { databaseOf, pathSteps } from '../../lib/objectPath';
import { isCollection, type Entry } from '../browser/explorerModel';
import type { Action } from '../servers/action';
import { jobDialog } from './state';

export type JobActionId = 'backup' | 'backup-server' | 'restore' | 'import-export' | 'maintenance-job';

export const JOB_ACTIONS: Record<JobActionId, Action<JobActionId>> = {
  backup: { id: 'backup', label: 'Backup…', icon: 'download', group: 'Tools' },
  'backup-server': { id: 'backup-server', label: 'Backup Server…', icon: 'download' },
  restore: { id: 'restore', label: 'Restore…', icon: 'upload', group: 'Tools' },
  'import-export': { id: 'import-export', label: 'Import/Export Data…', icon: 'table', group: 'Tools' },
  'maintenance-job': { id: 'maintenance-job', label: 'Maintenance…', icon: 'refresh', group: 'Tools' },
};

export function isJobAction(id: string): id is JobActionId {
  return id in JOB_ACTIONS;
}

interface Where {
  server: Server;
  database: string;
  schema?: string;
  table?: string;
  index?: string;
  kind: string;
}

/** The object an entry stands on, with its database, schema and table. */
function whereOf(entry: Entry | null): Where | null {
  if (entry?.kind !== 'object' || !entry.server.connected || isCollection(entry.node)) return null;
  const database = databaseOf(entry.node.path);
  if (database === null) return null;
  const steps = pathSteps(entry.node.path);
  const named = (collection: string) => steps.find((s) => s.collection === collection)?.name ?? undefined;
  return { server: entry.server, database, schema: named('schemas'), table: named('tables'), index: named('indexes'), kind: entry.node.kind };
}

export function canRunJob(id: JobActionId, entry: Entry | null): boolean {
  if (id === 'backup-server') return entry?.kind === 'server' && entry.server.connected;
  const w = whereOf(entry);
  if (!w) return false;
  switch (id) {
    case 'backup':
      return ['database', 'schema', 'table'].includes(w.kind);
    case 'restore':
      return w.kind === 'database';
    case 'import-export':
      return w.kind === 'table';
    default:
      return ['database', 'schema', 'table', 'index', 'materialized_view'].includes(w.kind);
  }
}

export function runJobAction(id: JobActionId, entry: Entry | null): void {
  if (!canRunJob(id, entry)) return;
  if (id === 'backup-server' && entry?.kind === 'server') {
    jobDialog.value = { dialog: 'backup', server: entry.server, scope: 'server', database: null };
    return;
  }
  const w = whereOf(entry)!;
  if (id === 'backup') {
    const scope = w.kind === 'database' ? 'database' : w.kind === 'schema' ? 'schema' : 'table';
    jobDialog.value = { dialog: 'backup', server: w.server, scope, database: w.database, schema: w.schema, table: w.table };
  } else if (id === 'restore') {
    jobDialog.value = { dialog: 'restore', server: w.server, database: w.database };
  } else if (id === 'import-export') {
    jobDialog.value = { dialog: 'copy', server: w.server, database: w.database, schema: w.schema!, table: w.table! };
  } else {
    const relation = w.kind === 'materialized_view' && entry?.kind === 'object' ? pathSteps(entry.node.path).slice(-1)[0]?.name ?? undefined : w.table;
    jobDialog.value = { dialog: 'maintenance', server: w.server, database: w.database, schema: w.schema, table: relation, index: w.index };
  }
}

/** The job actions that apply to an entry, in menu order. */
export function jobMenu(entry: Entry): JobActionId[] {
  return (['backup', 'restore', 'import-export', 'maintenance-job'] as const).filter((id) => canRunJob(id, entry));
}
