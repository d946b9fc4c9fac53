// What the editor completes besides keywords: the schemas, tables, columns
// and functions of the tab's database, read once a session is open.
import { signal } from '@preact/signals';
import { execute, fetchRows, fetchStatus } from '../../api/query';
import { delay, type SessionLink } from './session';

/** Schema -> table -> its columns, for completion (and View Data's suggestions). */
export type Completion = Record<string, Record<string, string[]>>;

/** A function of the database, for completion: "schema.name(args)", bare when its schema is on the search path. */
export interface FunctionCompletion {
  schema: string;
  name: string;
  args: string;
  onSearchPath: boolean;
}

/** The functions read with each completion object (the editor looks them up by it). */
export const completionFunctions = new WeakMap<Completion, FunctionCompletion[]>();

/**
 * One hidden query for completion: columns ('c': schema, table, column) then
 * functions ('f': schema, name, arguments, on the search path or not).
 */
const SCHEMA_SQL = `(SELECT 'c', table_schema::text, table_name::text, column_name::text, NULL::text
   FROM information_schema.columns WHERE table_schema NOT IN ('pg_catalog','information_schema')
   ORDER BY table_schema, table_name, ordinal_position LIMIT 20000)
UNION ALL
(SELECT 'f', n.nspname::text, p.proname::text, pg_catalog.pg_get_function_identity_arguments(p.oid),
        (n.nspname = ANY (pg_catalog.current_schemas(false)))::text
   FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
   WHERE n.nspname NOT IN ('pg_catalog','information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'
   ORDER BY n.nspname, p.proname LIMIT 3000)`;

/** Rows read per request while loading the completion data. */
const COMPLETION_PAGE = 10_000;

/** A tab's completion data, read through its session link. */
export class CompletionReader {
  readonly completion = signal<Completion | null>(null);
  private readonly status: SessionLink['status'];

  constructor(private readonly session: SessionLink) {
    this.status = session.status;
  }

  /** Reads the schemas, tables, columns and functions for completion, out of sight of the user. */
  loadCompletion(sid: string): Promise<void> {
    return this.session.startingRun(() => this.readCompletion(sid));
  }

  private async readCompletion(sid: string): Promise<void> {
    try {
      const before = this.status.value;
      const id = await execute(sid, SCHEMA_SQL, true, false);
      this.session.hide(id);
      // The stream may have shown this run before its id was known: it is not the user's.
      if (this.status.value?.execution_id === id) this.status.value = before;
      let st = await Promise.race([this.session.waitFor(id), delay(1500).then(() => fetchStatus(sid))]);
      while (st.execution_id === id && st.state === 'running') {
        await delay(200);
        st = await fetchStatus(sid);
      }
      if (st.execution_id !== id || st.state !== 'done' || !st.results[0]?.has_rows) return;
      const total = st.results[0].row_count;
      const rows: Array<Array<string | null>> = [];
      while (rows.length < total) {
        const page = (await fetchRows(sid, 0, rows.length, COMPLETION_PAGE)).rows;
        if (page.length === 0) break;
        rows.push(...page);
      }
      const schema: Completion = {};
      const functions: FunctionCompletion[] = [];
      for (const [what, s, name, detail, onPath] of rows) {
        if (what === 'c') ((schema[s!] ??= {})[name!] ??= []).push(detail!);
        else functions.push({ schema: s!, name: name!, args: detail ?? '', onSearchPath: onPath === 'true' });
      }
      completionFunctions.set(schema, functions);
      this.completion.value = schema;
    } catch {
      // completion is a convenience: keywords still complete without it
    }
  }
}
