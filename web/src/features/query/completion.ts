// What the editor completes besides keywords: the schemas, tables, columns
// and functions of the tab's database, read once a session is open.
import { signal } from '@preact/signals';
import { fetchCompletion } from '../../api/query';
import type { SessionLink } from './session';

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

/** A tab's completion data, read through its session link. */
export class CompletionReader {
  readonly completion = signal<Completion | null>(null);
  constructor(private readonly session: SessionLink) {}

  /** Reads the schemas, tables, columns and functions for completion, out of sight of the user. */
  loadCompletion(_sid: string): Promise<void> {
    return this.session.startingRun(() => this.readCompletion());
  }

  // The server reads it on a pooled connection: it never runs in this tab's session,
  // so it lands in no history and no audit log, and never waits behind the user's query.
  private async readCompletion(): Promise<void> {
    try {
      const { serverId, database } = this.session.target;
      const data = await fetchCompletion(serverId, database);
      const schema: Completion = data.tables;
      const functions: FunctionCompletion[] = data.functions.map((f) => ({
        schema: f.schema,
        name: f.name,
        args: f.args,
        onSearchPath: f.on_search_path,
      }));
      completionFunctions.set(schema, functions);
      this.completion.value = schema;
    } catch {
      // completion is a convenience: keywords still complete without it
    }
  }
}
