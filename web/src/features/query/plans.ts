// The plans of a tab's EXPLAIN runs: the statement sent for one, and its
// JSON plan read back as an entry of the tab's list (shown, and compared, by
// ExplainView).
import { parsePlan, type Plan } from './explain';

export type ExplainKind = 'explain' | 'analyze';

export interface PlanEntry {
  id: number;
  label: string;
  plan: Plan;
  raw: string;
}

let nextPlan = 1;

/** The statement that explains SQL; it starts `shift` characters before SQL does. */
export function explainStatement(kind: ExplainKind, sql: string): { sent: string; shift: number } {
  const sent = kind === 'explain' ? `EXPLAIN (FORMAT JSON) ${sql}` : `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`;
  return { sent, shift: sent.length - sql.length };
}

/** A plan as EXPLAIN (FORMAT JSON) gave it, numbered and labelled for the list; throws when it is not one. */
export function planEntry(raw: string, kind: ExplainKind, startedAt: number): PlanEntry {
  const plan = parsePlan(raw);
  const time = plan.executionTime ?? plan.root.totalCost;
  const label = `#${nextPlan} ${kind === 'analyze' ? 'Analyze' : 'Explain'} · ${new Date(startedAt).toLocaleTimeString()} · ${
    plan.analyzed ? `${time.toFixed(1)} ms` : `cost ${time.toFixed(0)}`
  }`;
  return { id: nextPlan++, label, plan, raw };
}
