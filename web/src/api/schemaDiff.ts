// Schema Diff: compare two databases (or one schema of each) and get the
// script that makes the target like the source (docs/api.md, "schema-diff").
import { request } from './client';

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
}

export interface DiffStatement {
  sql: string;
  object: string;
  lock: string | null;
  pg_lock: string | null;
  effect: 'none' | 'scan' | 'rewrite' | 'build';
  note: string | null;
  safer: string | null;
  table: { schema: string; name: string; size: number } | null;
}

export interface SchemaDiff {
  objects: DiffObject[];
  summary: Record<DiffState, number>;
  statements: DiffStatement[];
  script: string;
  warnings: string[];
}

/** Compares SOURCE with TARGET; SELECT limits the script to those object ids (null: every difference). */
export function schemaDiff(source: DiffSide, target: DiffSide, options: DiffOptions, select: readonly string[] | null): Promise<SchemaDiff> {
  return request<SchemaDiff>('POST', 'schema-diff', { body: { source, target, options, select } });
}
