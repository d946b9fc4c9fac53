// EXPLAIN (FORMAT JSON) output as a tree with the numbers people look for:
// exclusive time (or cost) per node and its share of the query's, the slow
// nodes (a share of the total, not an absolute time), misestimated row counts
// (not where a LIMIT stopped reading early, nor where a node never ran), and
// a node-by-node comparison of two plans.

type Json = Record<string, unknown>;

export interface PlanNode {
  /** Position in the tree: "0", "0.1", "0.1.0"; the key that matches nodes across plans. */
  path: string;
  depth: number;
  type: string;
  /** "on t", "using t_pkey on t", "CTE x": what the node works on. */
  target: string;
  /** The table a scan reads, schema-qualified when EXPLAIN VERBOSE gave the schema. */
  relation: string | null;
  relationship: string | null;
  subplan: string | null;
  startupCost: number;
  totalCost: number;
  planRows: number;
  actualRows: number | null;
  loops: number | null;
  /** Inclusive time in ms over all loops (below a Gather, one process's share of them: workers run side by side), when ANALYZE ran. */
  totalTime: number | null;
  exclusiveTime: number | null;
  /** Own cost: the node's total cost less its children's (never below zero). */
  exclusiveCost: number;
  /** Actual/estimated rows: >1 under-estimated, <1 over-estimated; null without ANALYZE. */
  misestimate: number | null;
  /** ANALYZE ran and this node never did (loops 0). */
  neverExecuted: boolean;
  /** A LIMIT above stopped reading early: this node was not run to its end, fewer rows than estimated is expected. */
  cutByLimit: boolean;
  /** Share of the plan's exclusive total (time with ANALYZE, else cost), 0..1. */
  share: number;
  /** 0, or 1/2/3: a large share of the query's time (see slownessLevel). */
  slow: number;
  /** 0, or 1/2/3 (see misestimateLevel); 0 where the count is explained (LIMIT, never executed). */
  misestimateFlag: number;
  rowsRemoved: number;
  sharedHit: number;
  sharedRead: number;
  details: Array<[string, string]>;
  children: PlanNode[];
}

export interface Plan {
  root: PlanNode;
  planningTime: number | null;
  executionTime: number | null;
  analyzed: boolean;
  /** What the percentages are of: the execution time, or the root's time. */
  total: number;
  /** The sum of the nodes' exclusive times (ANALYZE) or exclusive costs: what shares are of. */
  exclusiveTotal: number;
  nodes: PlanNode[];
}

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const optNum = (v: unknown): number | null => (typeof v === 'number' ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

const SHOWN = new Set([
  'Node Type', 'Plans', 'Parallel Aware', 'Async Capable', 'Startup Cost', 'Total Cost', 'Plan Rows', 'Plan Width',
  'Actual Startup Time', 'Actual Total Time', 'Actual Rows', 'Actual Loops', 'Relation Name', 'Alias', 'Schema',
  'Index Name', 'Parent Relationship', 'Subplan Name', 'CTE Name',
]);

function describeTarget(p: Json): string {
  const relation = str(p['Relation Name']);
  const alias = str(p['Alias']);
  const index = str(p['Index Name']);
  const cte = str(p['CTE Name']);
  const parts: string[] = [];
  if (index) parts.push(`using ${index}`);
  if (relation) parts.push(`on ${relation}${alias && alias !== relation ? ` ${alias}` : ''}`);
  else if (cte) parts.push(`on ${cte}${alias && alias !== cte ? ` ${alias}` : ''}`);
  return parts.join(' ');
}

const objectText = (o: Json) => Object.entries(o).map(([k, x]) => `${k}: ${typeof x === 'string' ? x : JSON.stringify(x)}`).join(', ');

/** A value of the plan as text: a list joined by commas, a list of objects (workers) one per line. */
function detailText(v: unknown): string {
  if (Array.isArray(v)) {
    if (v.every((x) => x && typeof x === 'object' && !Array.isArray(x))) return v.map((x) => objectText(x as Json)).join('\n');
    return v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(', ');
  }
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Ratio of actual to estimated rows, both at least 1 so empty results do not divide by zero. */
export function misestimateOf(planRows: number, actualRows: number): number {
  return Math.max(actualRows, 1) / Math.max(planRows, 1);
}

/** 0 when within 10x, else 1 (>10x), 2 (>100x) or 3 (>1000x). */
export function misestimateLevel(factor: number | null): number {
  if (factor === null) return 0;
  const f = factor >= 1 ? factor : 1 / factor;
  return f > 1000 ? 3 : f > 100 ? 2 : f > 10 ? 1 : 0;
}

/** Below this a node is never called slow, whatever its share: a fast query has no slow part. */
export const TRIVIAL_MS = 1;

/**
 * 0, or 1/2/3 when a node's exclusive time is at least 20%/50%/80% of the
 * query's total and not trivial (TRIVIAL_MS).
 */
export function slownessLevel(exclusive: number | null, total: number): number {
  if (exclusive === null || total <= 0 || exclusive < TRIVIAL_MS) return 0;
  const share = exclusive / total;
  return share >= 0.8 ? 3 : share >= 0.5 ? 2 : share >= 0.2 ? 1 : 0;
}

/** The processes a Gather's children run in: its workers, and the leader unless it only gathers. */
function processesUnder(p: Json, procs: number): number {
  if (p['Node Type'] !== 'Gather' && p['Node Type'] !== 'Gather Merge') return procs;
  const workers = optNum(p['Workers Launched']) ?? optNum(p['Workers Planned']) ?? 0;
  return workers + (p['Single Copy'] === true ? 0 : 1);
}

/**
 * PROCS: how many processes run this node side by side (below a Gather). Its
 * loops are shared among them, so its wall time is its time per loop times
 * the loops of one process, not of all.
 */
function build(p: Json, path: string, depth: number, procs = 1): PlanNode {
  const loops = optNum(p['Actual Loops']);
  const actualTotal = optNum(p['Actual Total Time']);
  const actualRows = optNum(p['Actual Rows']);
  const planRows = num(p['Plan Rows']);
  const details: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(p)) if (!SHOWN.has(k)) details.push([k, detailText(v)]);
  const inner = processesUnder(p, procs);
  const children = Array.isArray(p['Plans']) ? (p['Plans'] as Json[]).map((c, i) => build(c, `${path}.${i}`, depth + 1, inner)) : [];
  return {
    path,
    depth,
    type: str(p['Node Type']) ?? '?',
    target: describeTarget(p),
    relation: str(p['Relation Name']) && (str(p['Schema']) ? `${str(p['Schema'])}.${str(p['Relation Name'])}` : str(p['Relation Name'])),
    relationship: str(p['Parent Relationship']),
    subplan: str(p['Subplan Name']),
    startupCost: num(p['Startup Cost']),
    totalCost: num(p['Total Cost']),
    planRows,
    actualRows,
    loops,
    totalTime: actualTotal === null ? null : actualTotal * Math.max((loops ?? 1) / procs, Math.min(loops ?? 1, 1)),
    exclusiveTime: null,
    exclusiveCost: 0,
    misestimate: actualRows === null || loops === 0 ? null : misestimateOf(planRows, actualRows),
    neverExecuted: loops === 0,
    cutByLimit: false,
    share: 0,
    slow: 0,
    misestimateFlag: 0,
    rowsRemoved: num(p['Rows Removed by Filter']) + num(p['Rows Removed by Join Filter']) + num(p['Rows Removed by Index Recheck']),
    sharedHit: num(p['Shared Hit Blocks']),
    sharedRead: num(p['Shared Read Blocks']),
    details,
    children,
  };
}

const isCte = (n: PlanNode) => n.relationship === 'InitPlan' && (n.subplan ?? '').startsWith('CTE ');

/**
 * Exclusive time: the node's time less its children's. A CTE's plan hangs
 * under the node that holds the WITH as an InitPlan, but its time is spent
 * inside the CTE Scans that read it: those scans give it up, and the holder
 * does not subtract it a second time. Never below zero.
 */
export function computeExclusive(root: PlanNode): void {
  const ctes = new Map<string, number>();
  const collect = (n: PlanNode) => {
    if (isCte(n) && n.totalTime !== null) ctes.set(n.subplan!.slice(4), n.totalTime);
    n.children.forEach(collect);
  };
  collect(root);
  const visit = (n: PlanNode) => {
    n.children.forEach(visit);
    if (n.totalTime === null) return;
    let own = n.totalTime;
    for (const c of n.children) if (!isCte(c)) own -= c.totalTime ?? 0;
    if (n.type === 'CTE Scan') {
      const name = n.target.replace(/^on /, '').split(' ')[0]!;
      own -= ctes.get(name) ?? 0;
      ctes.delete(name);
    }
    n.exclusiveTime = Math.max(0, own);
  };
  visit(root);
}

/** Own cost: a node's total cost less its children's (InitPlans included, as PostgreSQL adds them). */
export function computeExclusiveCost(root: PlanNode): void {
  const visit = (n: PlanNode) => {
    n.children.forEach(visit);
    n.exclusiveCost = Math.max(0, n.totalCost - n.children.reduce((sum, c) => sum + c.totalCost, 0));
  };
  visit(root);
}

/** Nodes that read all their input before giving a first row: a LIMIT above them cuts their output, not their input. */
function readsAllFirst(n: PlanNode): boolean {
  if (n.type === 'Sort' || n.type === 'Hash') return true;
  const strategy = n.details.find(([k]) => k === 'Strategy')?.[1];
  return (n.type === 'Aggregate' || n.type === 'SetOp') && strategy !== 'Sorted';
}

/** A LIMIT that got the rows it asked for (the estimate, or more) and so stopped reading. */
function limitStopped(n: PlanNode): boolean {
  return n.type === 'Limit' && n.actualRows !== null && !!n.loops && n.actualRows > 0 && n.actualRows >= n.planRows;
}

/**
 * Marks the nodes a LIMIT stopped reading early: the ones below it that hand
 * it rows as they come (down to and including a node that reads all its input
 * first, whose output only is cut). A Hash is built whole; an InitPlan or
 * SubPlan runs on its own; a nested loop's inner side runs whole each loop.
 */
export function markLimitCuts(root: PlanNode): void {
  const visit = (n: PlanNode, cut: boolean) => {
    n.cutByLimit = cut && n.type !== 'Hash';
    const down = (n.cutByLimit && !readsAllFirst(n)) || limitStopped(n);
    for (const c of n.children) {
      const own = c.relationship === 'InitPlan' || c.relationship === 'SubPlan';
      const inner = n.type === 'Nested Loop' && c.relationship === 'Inner';
      visit(c, down && !own && !inner);
    }
  };
  visit(root, false);
}

/** Shares of the exclusive total, slow nodes and the misestimates worth a flag. */
function flagNodes(nodes: PlanNode[], analyzed: boolean): number {
  const own = (n: PlanNode) => (analyzed ? (n.exclusiveTime ?? 0) : n.exclusiveCost);
  const total = nodes.reduce((sum, n) => sum + own(n), 0);
  for (const n of nodes) {
    n.share = total > 0 ? own(n) / total : 0;
    n.slow = analyzed ? slownessLevel(n.exclusiveTime, total) : 0;
    const explained = n.neverExecuted || (n.cutByLimit && n.actualRows !== null && n.actualRows < n.planRows);
    n.misestimateFlag = explained ? 0 : misestimateLevel(n.misestimate);
  }
  return total;
}

function flatten(root: PlanNode): PlanNode[] {
  const out: PlanNode[] = [];
  const walk = (n: PlanNode) => {
    out.push(n);
    n.children.forEach(walk);
  };
  walk(root);
  return out;
}

/** Parses the one cell EXPLAIN (FORMAT JSON) returns; throws on anything else. */
export function parsePlan(text: string): Plan {
  const data: unknown = JSON.parse(text);
  const top = (Array.isArray(data) ? data[0] : data) as Json | undefined;
  if (!top || typeof top !== 'object' || typeof top['Plan'] !== 'object') throw new Error('This is not the JSON of an EXPLAIN.');
  const root = build(top['Plan'] as Json, '0', 0);
  computeExclusive(root);
  computeExclusiveCost(root);
  markLimitCuts(root);
  const executionTime = optNum(top['Execution Time']);
  const analyzed = root.totalTime !== null;
  const nodes = flatten(root);
  return {
    root,
    planningTime: optNum(top['Planning Time']),
    executionTime,
    analyzed,
    total: executionTime ?? root.totalTime ?? root.totalCost,
    exclusiveTotal: flagNodes(nodes, analyzed),
    nodes,
  };
}

export interface NodeDelta {
  path: string;
  depth: number;
  left: PlanNode | null;
  right: PlanNode | null;
  /** right minus left, when both sides have the number. */
  timeDelta: number | null;
  rowsDelta: number | null;
}

/** Both plans' nodes matched by their position in the tree, in the order of a walk over both. */
export function comparePlans(left: Plan, right: Plan): NodeDelta[] {
  const l = new Map(left.nodes.map((n) => [n.path, n]));
  const r = new Map(right.nodes.map((n) => [n.path, n]));
  const paths: string[] = [];
  const seen = new Set<string>();
  const add = (n: PlanNode) => {
    if (!seen.has(n.path)) {
      seen.add(n.path);
      paths.push(n.path);
    }
  };
  left.nodes.forEach(add);
  right.nodes.forEach(add);
  const order = (p: string) => p.split('.').map(Number);
  paths.sort((a, b) => {
    const x = order(a);
    const y = order(b);
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
    return x.length - y.length;
  });
  return paths.map((path) => {
    const a = l.get(path) ?? null;
    const b = r.get(path) ?? null;
    const time = (n: PlanNode | null) => n?.exclusiveTime ?? null;
    const rows = (n: PlanNode | null) => (n ? (n.actualRows ?? n.planRows) : null);
    const ta = time(a);
    const tb = time(b);
    const ra = rows(a);
    const rb = rows(b);
    return {
      path,
      depth: path.split('.').length - 1,
      left: a,
      right: b,
      timeDelta: ta !== null && tb !== null ? tb - ta : null,
      rowsDelta: ra !== null && rb !== null ? rb - ra : null,
    };
  });
}
