// The query tool's API: sessions (one per tab), scripts and their results,
// history, saved queries, the saved workspace, and View/Edit Data.
import { apiUrl, request } from './client';

export type SessionState = 'idle' | 'running' | 'done' | 'error' | 'cancelled' | 'closed';
export type TxState = 'idle' | 'active' | 'in_transaction' | 'in_error';

export interface ResultColumn {
  name: string;
  type_oid: number;
  /** The server sends null while a run goes on for types that are not built in; QueryTab makes it "". */
  type: string;
}

export interface ResultInfo {
  columns: ResultColumn[];
  row_count: number;
  has_rows: boolean;
  command: string;
  complete: boolean;
  /** Rows read past the run's row limit and not kept. */
  rows_dropped?: number;
}

export interface PgError {
  sqlstate: string;
  message: string;
  detail: string | null;
  hint: string | null;
  where: string | null;
  position: number | null;
}

export interface SessionStatus {
  state: SessionState;
  transaction: TxState;
  execution_id: number;
  elapsed_ms: number;
  database: string;
  /** The role the tab set (SET ROLE), or null: the login's. */
  role: string | null;
  results: ResultInfo[];
  notices: Array<{ severity: string; message: string }>;
  notices_dropped: number;
  error: PgError | null;
}

export type Cell = string | null;

export interface RowWindow {
  offset: number;
  rows: Cell[][];
  /** Values cut at the window's cell limit: [row in the window, column, whole size in bytes]. */
  cut: Array<[number, number, number]>;
  row_count: number;
  complete: boolean;
}

/** A session for a query tab; ROLE: SET ROLE to it first (a role the login is a member of). */
export async function openSession(serverId: number, database?: string, role?: string): Promise<string> {
  const body = { ...(database ? { database } : {}), ...(role ? { role } : {}) };
  return (await request<{ session_id: string }>('POST', `servers/${serverId}/sessions`, { body })).session_id;
}

/** What a query tab may SET ROLE to: the login, and the roles it is a member of. */
export interface SessionRoles {
  login: string;
  current: string;
  roles: string[];
}

export async function listSessionRoles(serverId: number): Promise<SessionRoles> {
  return (await request<{ roles: SessionRoles }>('GET', `servers/${serverId}/session-roles`)).roles;
}

export function closeSession(sid: string): Promise<void> {
  return request<void>('DELETE', `sessions/${sid}`);
}

/** MAXROWS: the rows each result keeps (the rest are read and dropped); 0 all. */
export async function execute(sid: string, sql: string, autocommit: boolean, autorollback: boolean, maxRows = 0): Promise<number> {
  const body = { sql, autocommit, autorollback, ...(maxRows > 0 ? { max_rows: maxRows } : {}) };
  return (await request<{ execution_id: number }>('POST', `sessions/${sid}/execute`, { body })).execution_id;
}

/** What the editor completes in a database, read by the server on a pooled connection (not in the tab's session). */
export interface CompletionData {
  tables: Record<string, Record<string, string[]>>;
  functions: Array<{ schema: string; name: string; args: string; on_search_path: boolean }>;
}

export function fetchCompletion(serverId: number, database: string): Promise<CompletionData> {
  return request<CompletionData>('GET', `servers/${serverId}/completion`, { query: { database } });
}

export function fetchStatus(sid: string): Promise<SessionStatus> {
  return request<SessionStatus>('GET', `sessions/${sid}/status`);
}

/** A window of rows; values past cellLimit bytes (the server's 8 KB when not given, 0 for none) are cut. */
export function fetchRows(sid: string, result: number, offset: number, limit: number, cellLimit?: number): Promise<RowWindow> {
  const query = cellLimit === undefined ? { offset, limit } : { offset, limit, cell_limit: cellLimit };
  return request<RowWindow>('GET', `sessions/${sid}/results/${result}/rows`, { query });
}

/** One whole value of a result. */
export async function fetchValue(sid: string, result: number, row: number, col: number): Promise<Cell> {
  return (await request<{ value: Cell; bytes: number }>('GET', `sessions/${sid}/results/${result}/rows/${row}/${col}`)).value;
}

export function cancelRun(sid: string): Promise<void> {
  return request<void>('POST', `sessions/${sid}/cancel`, { body: {} });
}

export function endTransaction(sid: string, how: 'commit' | 'rollback'): Promise<unknown> {
  return request<unknown>('POST', `sessions/${sid}/${how}`, { body: {} });
}

export function resultExportUrl(sid: string, result: number, format: 'csv' | 'json'): string {
  return apiUrl(`sessions/${sid}/results/${result}/export?format=${format}`);
}

export interface HistoryEntry {
  id: number;
  server_id: number;
  database: string;
  sql: string;
  started_at: string;
  duration_ms: number;
  row_count: number;
  status: 'done' | 'error' | 'cancelled';
  error: string | null;
}

export function listHistory(serverId: number | undefined, q: string): Promise<{ total: number; entries: HistoryEntry[] }> {
  return request('GET', 'history', { query: { server_id: serverId, q, limit: 200 } });
}

export interface SavedQuery {
  id: number;
  name: string;
  sql: string;
}

export async function listQueries(): Promise<SavedQuery[]> {
  return (await request<{ queries: SavedQuery[] }>('GET', 'queries')).queries;
}

export function saveQuery(name: string, sql: string): Promise<unknown> {
  return request<unknown>('POST', 'queries', { body: { name, sql } });
}

export function updateQuery(id: number, name: string, sql: string): Promise<unknown> {
  return request<unknown>('PUT', `queries/${id}`, { body: { name, sql } });
}

export function deleteQuery(id: number): Promise<void> {
  return request<void>('DELETE', `queries/${id}`);
}

export interface SavedTab {
  server_id: number;
  database: string;
  /** The role the tab ran as (SET ROLE); absent: the login's own. */
  role?: string;
  sql: string;
  cursor: number;
}

export interface Workspace {
  tabs?: SavedTab[];
  active?: number;
}

export async function loadWorkspace(): Promise<Workspace> {
  return (await request<{ workspace: Workspace | null }>('GET', 'workspace')).workspace ?? {};
}

export function saveWorkspace(workspace: Workspace): Promise<unknown> {
  return request<unknown>('PUT', 'workspace', { body: { workspace } });
}

export interface TableColumn {
  name: string;
  type: string;
  not_null: boolean;
  default: string | null;
  primary_key: boolean;
  identity: boolean | string | null;
  generated: boolean | string | null;
}

export interface TableInfo {
  schema: string;
  table: string;
  kind: string;
  columns: TableColumn[];
  primary_key: string[];
  editable: boolean;
}

export function tableInfo(serverId: number, database: string, schema: string, table: string): Promise<TableInfo> {
  return request<TableInfo>('GET', `servers/${serverId}/table`, { query: { database, schema, table } });
}

export interface ViewRequest {
  schema: string;
  table: string;
  filter?: string;
  order_by?: Array<{ column: string; desc?: boolean }>;
  limit?: number;
}

export function viewTable(sid: string, view: ViewRequest): Promise<{ execution_id: number; sql: string }> {
  return request('POST', `sessions/${sid}/view`, { body: view });
}

export type Change =
  | { op: 'update'; key: Record<string, Cell>; values: Record<string, Cell> }
  | { op: 'insert'; values: Record<string, Cell> }
  | { op: 'delete'; key: Record<string, Cell> };

export interface EditRequest {
  database: string;
  schema: string;
  table: string;
  preview: boolean;
  changes: Change[];
}

export function applyEdits(serverId: number, edits: EditRequest): Promise<{ sql: string }> {
  return request('POST', `servers/${serverId}/edits`, { body: edits });
}
