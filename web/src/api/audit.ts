import { request } from './client';
import type { AuditEntry } from './types';

export interface AuditQuery {
  limit: number;
  offset: number;
  event?: string;
  q?: string;
}

export interface AuditPage {
  entries: AuditEntry[];
  total: number;
}

export function listAudit(query: AuditQuery): Promise<AuditPage> {
  return request<AuditPage>('GET', 'audit', { query: { ...query } });
}
