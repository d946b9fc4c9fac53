// Background jobs: backups, restores, maintenance, imports and exports run
// by the server as client programs; their state, log and output.
import { windowStream } from './stream';
import { apiUrl, request, requestText } from './client';

export type JobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export type JobKind = 'backup' | 'backup_server' | 'restore' | 'maintenance' | 'import' | 'export';

export interface Job {
  id: number;
  kind: JobKind;
  description: string;
  state: JobState;
  command: string;
  server_id: number | null;
  exit_code: number | null;
  reason: string | null;
  output_path: string | null;
  output_size: number | null;
  /** What a restore or import reads, its size, and how far the program has read it while it runs. */
  input_path: string | null;
  input_size: number | null;
  input_read: number | null;
  log_size: number;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  elapsed_seconds: number | null;
  acknowledged: boolean;
}

export interface ArchiveEntry {
  id: number;
  type: string | null;
  schema?: string | null;
  name?: string;
  owner?: string | null;
  line: string;
}

export const isActive = (job: Job) => job.state === 'queued' || job.state === 'running';

export async function listJobs(): Promise<Job[]> {
  return (await request<{ jobs: Job[] }>('GET', 'jobs')).jobs;
}

export async function startJob(serverId: number, kind: JobKind, database: string | null, spec: Record<string, unknown>): Promise<Job> {
  return (await request<{ job: Job }>('POST', `servers/${serverId}/jobs`, { body: { kind, database, spec } })).job;
}

export async function cancelJob(id: number): Promise<void> {
  await request('POST', `jobs/${id}/cancel`, { body: {} });
}

export async function acknowledgeJob(id: number): Promise<Job> {
  return (await request<{ job: Job }>('POST', `jobs/${id}/acknowledge`, { body: {} })).job;
}

export async function deleteJob(id: number): Promise<void> {
  await request('DELETE', `jobs/${id}`);
}

export function jobLog(id: number): Promise<string> {
  return requestText(`jobs/${id}/log`);
}

export async function archiveEntries(serverId: number, path: string): Promise<ArchiveEntry[]> {
  return (await request<{ entries: ArchiveEntry[] }>('GET', `servers/${serverId}/archive`, { query: { path } })).entries;
}

/**
 * The live view of a job, a topic of the window's event stream: its changes and its log in
 * pieces; returns the stop. A reconnect, or events dropped for a slow reader, takes the log
 * up again from the bytes already shown.
 */
export function watchJob(id: number, on: { job: (job: Job) => void; log: (text: string) => void; end: () => void }): () => void {
  let offset = 0;
  let stop: (() => void) | null = null;
  const encoder = new TextEncoder();
  const watch = () => {
    stop = windowStream.subscribe({
      path: `jobs/${id}`,
      body: () => ({ offset }),
      event: (name, data) => {
        if (name === 'job') on.job(data as Job);
        else if (name === 'log') {
          const text = (data as { text: string }).text;
          offset += encoder.encode(text).length;
          on.log(text);
        } else if (name === 'end' || name === 'closed') {
          stop?.();
          stop = null;
          on.end();
        }
      },
      lost: () => {
        const old = stop;
        watch();
        old?.();
      },
    });
  };
  watch();
  return () => {
    stop?.();
    stop = null;
  };
}

/** Where a file of the user's storage downloads from. */
export function downloadUrl(path: string): string {
  return apiUrl(`files/download?path=${encodeURIComponent(path)}`);
}
