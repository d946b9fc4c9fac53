// A plan node's details grouped the way a reader looks for them: conditions,
// keys and methods, rows removed, buffers and I/O, workers, output, then the
// rest in the order EXPLAIN gave them. Zero counters are left out.
import type { PlanNode } from '../explain';

export interface DetailGroup {
  title: string;
  items: Array<[string, string]>;
}

const GROUPS: Array<[string, string[]]> = [
  ['Conditions', ['Index Cond', 'Recheck Cond', 'Hash Cond', 'Merge Cond', 'Join Filter', 'Filter', 'TID Cond', 'One-Time Filter', 'Run Condition']],
  [
    'Keys and method',
    ['Join Type', 'Inner Unique', 'Strategy', 'Partial Mode', 'Sort Key', 'Presorted Key', 'Group Key', 'Grouping Sets', 'Cache Key', 'Sort Method', 'Sort Space Used', 'Sort Space Type', 'Hash Buckets', 'Original Hash Buckets', 'Hash Batches', 'Original Hash Batches', 'Peak Memory Usage', 'Scan Direction', 'Operation', 'Command'],
  ],
  ['Rows', ['Rows Removed by Filter', 'Rows Removed by Join Filter', 'Rows Removed by Index Recheck', 'Heap Fetches', 'Exact Heap Blocks', 'Lossy Heap Blocks']],
  [
    'Buffers and I/O',
    ['Shared Hit Blocks', 'Shared Read Blocks', 'Shared Dirtied Blocks', 'Shared Written Blocks', 'Local Hit Blocks', 'Local Read Blocks', 'Local Dirtied Blocks', 'Local Written Blocks', 'Temp Read Blocks', 'Temp Written Blocks', 'I/O Read Time', 'I/O Write Time'],
  ],
  ['Workers', ['Workers Planned', 'Workers Launched', 'Single Copy', 'Workers']],
  ['Output', ['Output']],
];

const COUNTERS = /Blocks$|^I\/O |^Rows Removed|^Heap Fetches$/;

/** Whole numbers with thousands separators; anything else as EXPLAIN wrote it. */
const shown = (v: string) => (/^\d{4,}$/.test(v) ? Number(v).toLocaleString('en-US') : v);

export function detailGroups(node: PlanNode): DetailGroup[] {
  const kept = node.details.filter(([k, v]) => !(COUNTERS.test(k) && Number(v) === 0)).map(([k, v]): [string, string] => [k, shown(v)]);
  const taken = new Set<string>();
  const groups: DetailGroup[] = [];
  for (const [title, keys] of GROUPS) {
    const items = keys.flatMap((key) => kept.filter(([k]) => k === key));
    items.forEach(([k]) => taken.add(k));
    if (items.length) groups.push({ title, items });
  }
  const rest = kept.filter(([k]) => !taken.has(k));
  if (rest.length) groups.push({ title: 'Other', items: rest });
  return groups;
}
