// Schema Diff: compare two databases (or one schema of each) and get the
// script that makes the target like the source (docs/api.md, "schema-diff").
import { request } from './client';
import { windowStream } from './stream';

export interface DiffSide {
  server_id: number;
  database: string;
  schema: string | null;
}

export interface DiffOptions {
  ignore_owner: boolean;
  ignore_privileges: boolean;
  ignore_whitespace: boolean;
  ignore_tablespace: boolean;
}

export type DiffState = 'identical' | 'different' | 'source_only' | 'target_only';

export interface DiffObject {
  id: string;
  kind: string;
  schema: string | null;
  name: string;
  state: DiffState;
  selected: boolean;
  recreate: boolean;
  source_ddl: string | null;
  target_ddl: string | null;
  /** Where the table's columns will stand otherwise than in the source (PostgreSQL appends a new column). */
  notes: string[];
}

export interface DiffStatement {
  sql: string;
  object: string;
  /** Said before it in the script (a new column that goes at the end). */
  comment: string | null;
  lock: string | null;
  pg_lock: string | null;
  effect: 'none' | 'scan' | 'rewrite' | 'build';
  note: string | null;
  safer: string | null;
  table: { schema: string; name: string; size: number } | null;
}

export interface DiffScript {
  /** The comparison kept on the server, to ask another choice's script of. */
  id: string;
  statements: DiffStatement[];
  script: string;
  warnings: string[];
}

export interface SchemaDiff extends DiffScript {
  objects: DiffObject[];
  summary: Record<DiffState, number>;
  /** Seconds the comparison is kept after its last use. */
  expires_in: number;
}

/** The script of another choice: each object's choice and whether it is rebuilt, and the statements. */
export interface DiffChoice extends DiffScript {
  objects: Array<Pick<DiffObject, 'id' | 'state' | 'selected' | 'recreate'>>;
  summary: Record<DiffState, number>;
}

/** Where a comparison has come to: the phase and the counts known so far. */
export interface DiffProgress {
  phase: 'waiting' | 'reading' | 'ddl' | 'script';
  source?: number;
  target?: number;
  identical?: number;
  different?: number;
  source_only?: number;
  target_only?: number;
  ddl?: number;
}

/**
 * Compares SOURCE with TARGET; SELECT limits the script to those object ids (null: every difference).
 * PROGRESS names the comparison's progress topic (watchDiff) and its cancel (cancelDiff).
 */
export function schemaDiff(source: DiffSide, target: DiffSide, options: DiffOptions, select: readonly string[] | null, progress?: string): Promise<SchemaDiff> {
  return request<SchemaDiff>('POST', 'schema-diff', { body: { source, target, options, select, progress } });
}

/** The script of the objects SELECT of the kept comparison ID, without comparing again. */
export function diffScript(id: string, select: readonly string[]): Promise<DiffChoice> {
  return request<DiffChoice>('POST', `schema-diff/${encodeURIComponent(id)}/script`, { body: { select } });
}

/** Stops the comparison running under TOKEN at its next phase. */
export async function cancelDiff(token: string): Promise<void> {
  await request('POST', `schema-diff/runs/${encodeURIComponent(token)}/cancel`, { body: {} });
}

/** The progress of the comparison under TOKEN, a topic of the window's stream; returns the stop. */
export function watchDiff(token: string, on: (p: DiffProgress) => void): () => void {
  let stop: (() => void) | null = windowStream.subscribe({
    path: `schema-diffs/${encodeURIComponent(token)}`,
    event: (name, data) => {
      if (name === 'progress') on(data as DiffProgress);
      else if (name === 'end' || name === 'closed') {
        stop?.();
        stop = null;
      }
    },
  });
  return () => {
    stop?.();
    stop = null;
  };
}
