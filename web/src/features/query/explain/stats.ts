// The Statistics and Analysis views' numbers: exclusive time (or cost) summed
// per node type and per table, as pgAdmin's Statistics tab shows them, and
// the findings worth a look, each pointing at its node.
import { misestimateLevel, type Plan, type PlanNode } from '../explain';

export interface StatRow {
  /** The node type, or the table (schema-qualified when EXPLAIN VERBOSE named the schema). */
  key: string;
  count: number;
  /** Exclusive time in ms (ANALYZE) or exclusive cost. */
  own: number;
  share: number;
  /** Per table: the node types that read it. */
  types: string[];
}

export interface PlanStats {
  byType: StatRow[];
  byTable: StatRow[];
}

const detail = (n: PlanNode, key: string): string | undefined => n.details.find(([k]) => k === key)?.[1];

function sum(plan: Plan, keyOf: (n: PlanNode) => string | null): StatRow[] {
  const rows = new Map<string, StatRow>();
  for (const n of plan.nodes) {
    const key = keyOf(n);
    if (key === null) continue;
    const row = rows.get(key) ?? { key, count: 0, own: 0, share: 0, types: [] };
    row.count++;
    row.own += plan.analyzed ? (n.exclusiveTime ?? 0) : n.exclusiveCost;
    row.share += n.share;
    if (!row.types.includes(n.type)) row.types.push(n.type);
    rows.set(key, row);
  }
  return [...rows.values()].sort((a, b) => b.own - a.own || a.key.localeCompare(b.key));
}

export function planStats(plan: Plan): PlanStats {
  return { byType: sum(plan, (n) => n.type), byTable: sum(plan, (n) => n.relation) };
}

export type FindingKind = 'slow' | 'misestimate' | 'filter' | 'disk' | 'workers' | 'limit' | 'never';

export interface Finding {
  path: string;
  kind: FindingKind;
  /** 'high' first, then 'medium', then 'info'. */
  severity: 'high' | 'medium' | 'info';
  text: string;
}

const pct = (share: number) => `${Math.round(share * 100)}%`;
const times = (f: number) => `${Math.round(f >= 1 ? f : 1 / f).toLocaleString('en-US')}×`;

function nodeFindings(n: PlanNode): Finding[] {
  const out: Finding[] = [];
  const add = (kind: FindingKind, severity: Finding['severity'], text: string) => out.push({ path: n.path, kind, severity, text });
  if (n.slow) add('slow', n.slow >= 2 ? 'high' : 'medium', `${pct(n.share)} of the query's time is spent here`);
  if (n.misestimateFlag && n.misestimate !== null) {
    const dir = n.misestimate >= 1 ? 'more' : 'fewer';
    add('misestimate', n.misestimateFlag >= 2 ? 'high' : 'medium', `${times(n.misestimate)} ${dir} rows than estimated (${n.actualRows} vs ${n.planRows}): ANALYZE the table or raise its statistics target`);
  } else if (n.cutByLimit && n.actualRows !== null && n.actualRows < n.planRows && misestimateLevel(n.misestimate) > 0) {
    add('limit', 'info', 'Fewer rows than estimated because the LIMIT above stopped reading early: not a misestimate');
  }
  const removed = Number(detail(n, 'Rows Removed by Filter') ?? 0);
  const kept = (n.actualRows ?? 0) * Math.max(n.loops ?? 1, 1);
  if (removed >= 1000 && removed > kept * 10) add('filter', 'medium', `The filter removes ${removed.toLocaleString('en-US')} rows to keep ${kept.toLocaleString('en-US')}: an index on its condition may help`);
  if (detail(n, 'Sort Space Type') === 'Disk') add('disk', 'medium', `The sort spilled to disk (${detail(n, 'Sort Space Used') ?? '?'} kB): raise work_mem`);
  const batches = Number(detail(n, 'Hash Batches') ?? 1);
  if (batches > 1) add('disk', 'medium', `The hash was built in ${batches} batches (spilled to disk): raise work_mem`);
  const planned = Number(detail(n, 'Workers Planned') ?? 0);
  const launched = Number(detail(n, 'Workers Launched') ?? planned);
  if (launched < planned) add('workers', 'medium', `${launched} of ${planned} planned workers launched`);
  if (n.neverExecuted) add('never', 'info', 'Never executed');
  return out;
}

const RANK = { high: 0, medium: 1, info: 2 };

/** What to look at in a plan, most severe first, in plan order within a severity. */
export function findings(plan: Plan): Finding[] {
  return plan.nodes.flatMap(nodeFindings).sort((a, b) => RANK[a.severity] - RANK[b.severity]);
}
