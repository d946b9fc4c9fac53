// Live monitoring of a connected server: the dashboard's samples (a topic of
// the window's event stream) and the panels (activity, locks, prepared transactions, settings,
// replication, progress, top statements, table health). Panel values are
// PostgreSQL's text (null for SQL NULL); the stream's are JSON numbers.
import { request } from './client';

type Text = string | null;

export interface Backend {
  pid: string;
  user: Text;
  database: Text;
  application: Text;
  client: Text;
  state: Text;
  wait_event_type: Text;
  wait_event: Text;
  backend_type: Text;
  backend_start: Text;
  transaction_start: Text;
  query_start: Text;
  query_seconds: Text;
  transaction_seconds: Text;
  query: Text;
  /** The pids that block this one, comma-separated; empty when none. */
  blocked_by: Text;
  /** 't' for the connection Tusk asked this list on. */
  is_tusk: Text;
}

export interface Lock {
  pid: Text;
  locktype: Text;
  mode: Text;
  granted: Text;
  database: Text;
  relation: Text;
  page: Text;
  tuple: Text;
  virtualxid: Text;
  transaction_id: Text;
  user: Text;
  application: Text;
  state: Text;
  query: Text;
  waiting_since: Text;
}

export interface PreparedXact {
  gid: string;
  transaction: Text;
  owner: Text;
  database: string;
  prepared: Text;
}

export interface Setting {
  name: string;
  setting: Text;
  unit: Text;
  category: Text;
  description: Text;
  context: Text;
  type: Text;
  source: Text;
  default_value: Text;
  reset_val: Text;
  pending_restart: Text;
  changed: Text;
  sourcefile: Text;
  sourceline: Text;
  allowed_values: Text;
  min_val: Text;
  max_val: Text;
}

export interface Standby {
  pid: Text;
  user: Text;
  application: Text;
  client: Text;
  state: Text;
  sync_state: Text;
  sent_lsn: Text;
  write_lsn: Text;
  flush_lsn: Text;
  replay_lsn: Text;
  write_lag_seconds: Text;
  flush_lag_seconds: Text;
  replay_lag_seconds: Text;
  replay_lag_bytes: Text;
}

export interface Slot {
  slot_name: string;
  plugin: Text;
  slot_type: Text;
  database: Text;
  active: Text;
  active_pid: Text;
  restart_lsn: Text;
  confirmed_flush_lsn: Text;
  wal_status: Text;
  retained_bytes: Text;
}

export interface Subscription {
  name: string;
  pid: Text;
  relation: Text;
  received_lsn: Text;
  last_message: Text;
  latest_end_lsn: Text;
}

export interface Replication {
  in_recovery: boolean;
  standbys: Standby[];
  slots: Slot[];
  subscriptions: Subscription[];
}

export interface Progress {
  command: Text;
  pid: Text;
  database: Text;
  relation: Text;
  phase: Text;
  percent: Text;
}

export interface Statement {
  queryid: Text;
  user: Text;
  database: Text;
  calls: Text;
  total_ms: Text;
  mean_ms: Text;
  max_ms: Text;
  rows: Text;
  shared_blks_hit: Text;
  shared_blks_read: Text;
  hit_percent: Text;
  query: Text;
}

export interface TableHealth {
  schema: string;
  table: string;
  total_bytes: Text;
  table_bytes: Text;
  index_bytes: Text;
  seq_scan: Text;
  idx_scan: Text;
  live_tuples: Text;
  dead_tuples: Text;
  dead_percent: Text;
  last_vacuum: Text;
  last_analyze: Text;
  cache_hit_percent: Text;
  /** Non-unique indexes never scanned, comma-separated. */
  unused_indexes: Text;
}

/** One `event: sample` of the dashboard stream. */
export interface Sample {
  /** The server's clock, in seconds since the epoch. */
  time: number;
  sessions: { total: number; active: number; idle: number; idle_in_transaction: number; waiting: number };
  counters: Record<string, number>;
  /** Per second over the interval the server measured; null on the first sample after a gap. */
  rates: SampleRates | null;
  replication_lag_bytes: number | null;
  database_size: number | null;
}

export interface SampleRates {
  commits: number;
  rollbacks: number;
  inserted: number;
  updated: number;
  deleted: number;
  fetched: number;
  returned: number;
  blocks_read: number;
  blocks_hit: number;
  temp_files: number;
  temp_bytes: number;
  deadlocks: number;
  wal_bytes: number;
  /** 0..1, null when no block was asked for. */
  hit_ratio: number | null;
}

const base = (serverId: number) => `servers/${serverId}`;
const dbQuery = (database: string | null) => ({ database: database ?? undefined });

export async function fetchActivity(serverId: number): Promise<Backend[]> {
  return (await request<{ backends: Backend[] }>('GET', `${base(serverId)}/activity`)).backends;
}

export function signalBackend(serverId: number, pid: string, how: 'cancel' | 'terminate'): Promise<{ pid: number; signalled: boolean }> {
  return request('POST', `${base(serverId)}/activity/${encodeURIComponent(pid)}/${how}`, { body: {} });
}

export async function fetchLocks(serverId: number): Promise<Lock[]> {
  return (await request<{ locks: Lock[] }>('GET', `${base(serverId)}/locks`)).locks;
}

export async function fetchPrepared(serverId: number): Promise<PreparedXact[]> {
  return (await request<{ prepared: PreparedXact[] }>('GET', `${base(serverId)}/prepared`)).prepared;
}

export function finishPrepared(serverId: number, how: 'commit' | 'rollback', gid: string, database: string): Promise<unknown> {
  return request('POST', `${base(serverId)}/prepared/${how}`, { body: { gid, database } });
}

export async function fetchSettings(serverId: number, q: string): Promise<Setting[]> {
  return (await request<{ settings: Setting[] }>('GET', `${base(serverId)}/settings`, { query: { q } })).settings;
}

export function fetchReplication(serverId: number): Promise<Replication> {
  return request<Replication>('GET', `${base(serverId)}/replication`);
}

export async function fetchProgress(serverId: number): Promise<Progress[]> {
  return (await request<{ progress: Progress[] }>('GET', `${base(serverId)}/progress`)).progress;
}

export async function fetchStatements(serverId: number, database: string | null): Promise<Statement[]> {
  return (await request<{ statements: Statement[] }>('GET', `${base(serverId)}/statements`, { query: dbQuery(database) })).statements;
}

export async function fetchHealth(serverId: number, database: string): Promise<TableHealth[]> {
  return (await request<{ tables: TableHealth[] }>('GET', `${base(serverId)}/health`, { query: { database } })).tables;
}
