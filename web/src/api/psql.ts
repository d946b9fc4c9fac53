// The PSQL tool: psql in a sandboxed terminal on the server. Output comes as
// events of the window's stream (base64 bytes with their offsets, replayed
// from the offset asked for), keystrokes and resizes go as POSTs.
import { request } from './client';

export interface PsqlInfo {
  available: boolean;
  /** Why not, when it is not (off in server mode, no sandbox on the host). */
  reason?: string;
  max_sessions: number;
}

export function psqlInfo(): Promise<PsqlInfo> {
  return request<PsqlInfo>('GET', 'psql');
}

export function openPsql(serverId: number, database: string | null, cols: number, rows: number): Promise<{ session_id: string; database: string }> {
  return request('POST', `servers/${serverId}/psql`, { body: { ...(database ? { database } : {}), cols, rows } });
}

export function psqlInput(sid: string, data: string): Promise<void> {
  return request('POST', `psql/${sid}/input`, { body: { data } });
}

export function psqlResize(sid: string, cols: number, rows: number): Promise<void> {
  return request('POST', `psql/${sid}/resize`, { body: { cols, rows } });
}

export function closePsql(sid: string): Promise<void> {
  return request('DELETE', `psql/${sid}`);
}

/** An output event: bytes [offset, end) of the session's output, base64. */
export interface PsqlOutput {
  offset: number;
  end: number;
  data: string;
}
