// One DDL statement with what it costs on the server that runs it: the lock it
// takes on its table, whether it rewrites, scans or builds, the table's live
// size, a note where the cost depends, and the safer way where there is one.
// Shared by every preview of DDL (the schema diff's script, the create and
// alter dialogs, a table's Properties); the annotation comes from the server.
import type { ComponentChildren, JSX } from 'preact';
import { formatBytes } from '../lib/format';
import '../styles/statement-cost.css';

export type StatementEffect = 'none' | 'scan' | 'rewrite' | 'build';

/** What the server says a statement costs (catalog/locks.c). */
export interface StatementCost {
  sql: string;
  /** The lock on the table as the documentation names it ("ACCESS EXCLUSIVE"); null: none. */
  lock: string | null;
  effect: StatementEffect;
  note: string | null;
  safer: string | null;
  table: { schema: string; name: string; size: number | null } | null;
  /** What the reader should know before running it (the schema diff's "the column goes at the end"). */
  comment?: string | null;
}

const EFFECTS: Record<StatementEffect, string> = { none: '', scan: 'scans the table', rewrite: 'rewrites the table', build: 'builds an index' };

/** "ACCESS EXCLUSIVE lock · rewrites the table · public.t, 8 kB". */
export function costLine(s: StatementCost): string {
  const table = s.table ? `${s.table.schema}.${s.table.name}${s.table.size === null ? '' : `, ${formatBytes(s.table.size)}`}` : null;
  return [s.lock ? `${s.lock} lock` : null, EFFECTS[s.effect] || null, table].filter(Boolean).join(' · ');
}

interface Props {
  s: StatementCost;
  n: number;
  /** Beside the safer way: a control that switches to it, where the preview can. */
  action?: ComponentChildren;
  /** Before the SQL: how it runs (after COMMIT, on its own), where that differs. */
  tag?: ComponentChildren;
  /** The statement's first line only (the whole SQL is shown elsewhere). */
  compact?: boolean;
}

export function CostedStatement({ s, n, action, tag, compact = false }: Props): JSX.Element {
  const cost = costLine(s);
  const lines = s.sql.split('\n');
  return (
    <li class="stmt-cost" data-effect={s.effect}>
      <div class="stmt-cost-head">
        <span class="stmt-cost-n">{n}</span>
        {cost && <span class={`stmt-cost-what${s.effect === 'rewrite' || s.lock === 'ACCESS EXCLUSIVE' ? ' is-heavy' : ''}`}>{cost}</span>}
        {tag}
        {s.note && <span class="stmt-cost-note">{s.note}</span>}
      </div>
      {s.comment && <p class="stmt-cost-comment">{s.comment}</p>}
      {compact ? (
        <pre class="stmt-cost-sql is-compact" title={s.sql}>
          {lines.length > 1 ? `${lines[0]} …` : s.sql}
        </pre>
      ) : (
        <pre class="stmt-cost-sql">{s.sql}</pre>
      )}
      {s.safer && (
        <div class="stmt-cost-safer">
          <span>Safer:</span>
          <pre class="stmt-cost-sql">{s.safer}</pre>
          {action}
        </div>
      )}
    </li>
  );
}
