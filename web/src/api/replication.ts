// Logical replication: a database's publications, subscriptions and slots;
// subscription actions and the guided replicate-these-tables setup.
import { request } from './client';
import type { DdlAnswer } from './ddl';

export interface LogicalStatus {
  wal_level: string;
  publications: Array<{ name: string; owner: string; all_tables: boolean; publish: string[]; via_root: boolean; tables: Array<{ schema: string; name: string }> }>;
  subscriptions: Array<{
    name: string;
    owner: string;
    enabled: boolean;
    publications: string[];
    slot: string | null;
    worker_pid: number | null;
    received_lsn: string | null;
    latest_end_lsn: string | null;
    last_message: string | null;
    tables: Array<{ table: string; state: string }>;
  }>;
  slots: Array<{ name: string; plugin: string | null; type: string; database: string | null; active: boolean; lag_bytes: number | null }>;
}

export function logicalStatus(serverId: number, database: string): Promise<LogicalStatus> {
  return request<LogicalStatus>('GET', `servers/${serverId}/logical`, { query: { database } });
}

export type SubscriptionAction = 'enable' | 'disable' | 'refresh' | 'drop';

export function subscriptionAction(serverId: number, database: string, name: string, action: SubscriptionAction): Promise<DdlAnswer> {
  return request<DdlAnswer>('POST', `servers/${serverId}/subscriptions/action`, { body: { database, name, action } });
}

export interface SetupRequest {
  database: string;
  source: { server_id: number; database: string };
  tables: Array<{ schema: string; name: string }>;
  publication: string;
  subscription: string;
}

export function replicationSetup(serverId: number, body: SetupRequest, preview: boolean): Promise<DdlAnswer> {
  return request<DdlAnswer>('POST', `servers/${serverId}/replication/setup`, { body: { ...body, preview } });
}
