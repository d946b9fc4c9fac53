// Changing objects from the explorer: create and alter from a spec, table
// maintenance, row counts, statement templates and search. Every statement
// is written by the server; PREVIEW asks for it without running it.
import { ApiError, request, requestText } from './client';
import { errorMessage } from '../lib/format';

export interface DdlAnswer {
  sql: string;
  done: boolean;
  /** Whether it runs in one transaction block; absent for several steps each run its own way. */
  transaction?: boolean;
  /** Each statement with what it costs on the server (docs/api.md, "annotations"). */
  annotations?: DdlAnnotation[];
}

/** The safer form of a statement the preview can switch to. */
export type SaferSwitch = 'concurrently' | 'validate_later' | 'lock_timeout';

/** One statement of a change: the lock it takes, what it does to its table's rows, the table's live size, the safer way. */
export interface DdlAnnotation {
  sql: string;
  lock: string | null;
  pg_lock: string | null;
  effect: 'none' | 'scan' | 'rewrite' | 'build';
  note: string | null;
  safer: string | null;
  switch: SaferSwitch | null;
  /** Runs on its own, outside the transaction block. */
  alone: boolean;
  /** The table edit (a table's Properties) it comes from. */
  edit: number | null;
  table: { schema: string; name: string; size: number | null } | null;
}

export type CreateKind =
  | 'database'
  | 'schema'
  | 'table'
  | 'view'
  | 'materialized_view'
  | 'sequence'
  | 'extension'
  | 'column'
  | 'index'
  | 'function'
  | 'procedure'
  | 'trigger_function'
  | 'type'
  | 'domain'
  | 'trigger'
  | 'policy';

/** The spec of a create: the fields docs/api.md lists for each kind. */
export type Spec = Record<string, unknown>;

export interface AlterChanges {
  name?: string;
  owner?: string;
  schema?: string;
  comment?: string | null;
  /** Per kind: a policy's using/check/roles, a domain's default/not_null, an enum's add_values, a trigger's enabled, a routine's volatility/strict/security_definer. */
  [extra: string]: unknown;
}

export type MaintenanceAction =
  | 'vacuum'
  | 'vacuum_full'
  | 'vacuum_analyze'
  | 'analyze'
  | 'truncate'
  | 'truncate_cascade'
  | 'refresh';

export type ScriptKind = 'select' | 'insert' | 'update' | 'delete';

export const SEARCH_KINDS = ['table', 'view', 'materialized_view', 'sequence', 'function', 'type', 'column', 'index'] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];

export interface SearchResult {
  path: string;
  label: string;
  kind: string;
}

/** A refusal as the dialogs show it: PostgreSQL's fields when it was PostgreSQL. */
export interface Failure {
  /** 400 invalid_spec: the form is incomplete, not PostgreSQL's doing. */
  invalid: boolean;
  message: string;
  sqlstate?: string;
  detail?: string;
  hint?: string;
  /** Characters from 1 into `sql`. */
  position?: number;
  sql?: string;
}

export function failureOf(err: unknown): Failure {
  if (!(err instanceof ApiError)) return { invalid: false, message: errorMessage(err) };
  const text = (key: string) => {
    const v = err.details[key];
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  const position = Number(err.details.position);
  return {
    invalid: err.code === 'invalid_spec',
    message: err.message,
    sqlstate: text('sqlstate'),
    detail: text('detail'),
    hint: text('hint'),
    position: Number.isInteger(position) && position > 0 ? position : undefined,
    sql: text('sql'),
  };
}

/** DATABASE is null for a database, which is created from the maintenance database. */
export function createObject(serverId: number, database: string | null, kind: CreateKind, spec: Spec, preview: boolean): Promise<DdlAnswer> {
  return request<DdlAnswer>('POST', `servers/${serverId}/objects/create`, { body: { database, kind, spec, preview } });
}

export function alterObject(serverId: number, path: string, changes: AlterChanges, preview: boolean): Promise<DdlAnswer> {
  return request<DdlAnswer>('POST', `servers/${serverId}/objects/alter`, { body: { path, changes, preview } });
}

export function maintainObject(serverId: number, path: string, action: MaintenanceAction, preview: boolean): Promise<DdlAnswer> {
  return request<DdlAnswer>('POST', `servers/${serverId}/objects/maintenance`, { body: { path, action, preview } });
}

export function countRows(serverId: number, path: string): Promise<{ sql: string; rows: string }> {
  return request<{ sql: string; rows: string }>('GET', `servers/${serverId}/objects/count`, { query: { path } });
}

export function objectScript(serverId: number, path: string, kind: ScriptKind): Promise<string> {
  return requestText(`servers/${serverId}/objects/script`, { query: { path, kind } });
}

export function searchObjects(
  serverId: number,
  database: string,
  q: string,
  kind: SearchKind | '',
): Promise<{ results: SearchResult[]; truncated: boolean }> {
  return request('GET', `servers/${serverId}/objects/search`, { query: { database, q, kind: kind || undefined } });
}
