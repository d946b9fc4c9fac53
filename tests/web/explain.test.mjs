// EXPLAIN's pure logic, bundled from the TypeScript at test time: which nodes
// are slow (a share of the query's time, never a trivial one), which row
// counts are misestimates (not where a LIMIT stopped reading early, nor where
// a node never ran), own cost, the per-type and per-table statistics, the
// findings, the graphical layout and a node's grouped details.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { load } from './load.mjs';

const { parsePlan, slownessLevel } = await load('features/query/explain.ts');
const { planStats, findings } = await load('features/query/explain/stats.ts');
const layoutModule = await load('features/query/explain/layout.ts');
const { layoutPlan, edgeWidth, BOX_W, BOX_H } = layoutModule;
const { detailGroups } = await load('features/query/explain/details.ts');

/** An analyzed node: TIME ms per loop, ROWS actual per loop, PLAN estimated rows. */
const n = (type, { time = 1, rows = 10, plan = 10, loops = 1, cost = 10, ...extra } = {}) => ({
  'Node Type': type,
  'Startup Cost': 0,
  'Total Cost': cost,
  'Plan Rows': plan,
  'Actual Total Time': time,
  'Actual Rows': rows,
  'Actual Loops': loops,
  ...extra,
});
const parse = (root, extra = {}) => parsePlan(JSON.stringify([{ Plan: root, ...extra }]));
const byType = (plan, type) => plan.nodes.find((x) => x.type === type);

test('a LIMIT that stopped early is not a misestimate below it; a real one still is', () => {
  const plan = parse(
    n('Limit', { time: 5, rows: 10, plan: 10, Plans: [n('Nested Loop', { time: 5, rows: 10, plan: 50000, Plans: [
      n('Index Scan', { time: 2, rows: 10, plan: 50000, 'Parent Relationship': 'Outer', 'Relation Name': 'orders', 'Index Name': 'orders_pkey' }),
      n('Index Scan', { time: 0.1, rows: 1, plan: 300, loops: 10, 'Parent Relationship': 'Inner', 'Relation Name': 'customers', 'Index Name': 'customers_pkey' }),
    ] })] }),
  );
  const [limit, loop, outer, inner] = plan.nodes;
  assert.equal(limit.misestimateFlag, 0);
  assert.equal(loop.cutByLimit, true);
  assert.equal(loop.misestimateFlag, 0, '10 of 50000 estimated rows: the LIMIT stopped it');
  assert.equal(outer.cutByLimit, true);
  assert.equal(outer.misestimateFlag, 0);
  assert.equal(inner.cutByLimit, false, "a nested loop's inner side runs whole each loop");
  assert.equal(inner.misestimateFlag, 2, '1 row where 300 were estimated, on every loop');
  assert.ok(findings(plan).some((f) => f.kind === 'limit' && f.path === loop.path));
  assert.ok(findings(plan).some((f) => f.kind === 'misestimate' && f.path === inner.path));
});

test('below a Sort the LIMIT does not cut, and more rows than estimated is flagged even when cut', () => {
  const plan = parse(
    n('Limit', { rows: 5, plan: 5, Plans: [n('Sort', { rows: 5, plan: 100000, Plans: [
      n('Hash Join', { rows: 100000, plan: 20, Plans: [n('Seq Scan', { rows: 100000, plan: 100000, 'Relation Name': 'a' }), n('Hash', { rows: 10, plan: 10, Plans: [n('Seq Scan', { rows: 10, plan: 10, 'Relation Name': 'b' })] })] }),
    ] })] }),
  );
  const sort = byType(plan, 'Sort');
  const join = byType(plan, 'Hash Join');
  assert.equal(sort.cutByLimit, true);
  assert.equal(sort.misestimateFlag, 0, "the Sort's output is cut by the LIMIT");
  assert.equal(join.cutByLimit, false, 'the Sort read all its input');
  assert.equal(join.misestimateFlag, 3, '100000 rows where 20 were estimated');
  const over = parse(n('Limit', { rows: 10, plan: 10, Plans: [n('Seq Scan', { rows: 10, plan: 0.5 })] }));
  assert.equal(byType(over, 'Seq Scan').misestimateFlag, 0, 'within 10x');
  const under = parse(n('Limit', { rows: 10, plan: 1, Plans: [n('Seq Scan', { rows: 2000, plan: 1, loops: 1 })] }));
  assert.equal(byType(under, 'Seq Scan').misestimateFlag, 3, 'more rows than estimated is never explained by a LIMIT');
});

test('a LIMIT that did not fill (the input ran out) explains nothing', () => {
  const plan = parse(n('Limit', { rows: 3, plan: 10, Plans: [n('Seq Scan', { rows: 3, plan: 5000 })] }));
  const scan = byType(plan, 'Seq Scan');
  assert.equal(scan.cutByLimit, false);
  assert.equal(scan.misestimateFlag, 3);
});

test('a node that never ran is neither slow nor misestimated', () => {
  const plan = parse(n('Append', { time: 20, rows: 5, plan: 5, Plans: [n('Seq Scan', { time: 20, rows: 5, plan: 5 }), n('Seq Scan', { time: 0, rows: 0, plan: 9000, loops: 0 })] }));
  const never = plan.nodes[2];
  assert.equal(never.neverExecuted, true);
  assert.equal(never.misestimateFlag, 0);
  assert.equal(never.slow, 0);
  assert.ok(findings(plan).some((f) => f.kind === 'never' && f.path === never.path));
});

test('slow is a share of the total exclusive time, and a trivial time is never slow', () => {
  const fast = parse(n('Hash Join', { time: 0.5, Plans: [n('Seq Scan', { time: 0.45 }), n('Hash', { time: 0.01 })] }), { 'Execution Time': 0.6 });
  assert.ok(fast.nodes[1].share > 0.8);
  assert.deepEqual(fast.nodes.map((x) => x.slow), [0, 0, 0], 'half a millisecond in all: nothing is slow');
  const slow = parse(n('Hash Join', { time: 100, Plans: [n('Seq Scan', { time: 70 }), n('Hash', { time: 5, Plans: [n('Seq Scan', { time: 5 })] })] }), { 'Execution Time': 400 });
  assert.equal(slow.exclusiveTotal, 100, 'the sum of exclusive times, not the execution time');
  const [join, big, hash, small] = slow.nodes;
  assert.equal(big.share, 0.7);
  assert.equal(big.slow, 2);
  assert.equal(join.share, 0.25);
  assert.equal(join.slow, 1);
  assert.equal(hash.slow, 0);
  assert.equal(small.slow, 0);
  assert.deepEqual([0.5, 20, 50, 95].map((t) => slownessLevel(t, 100)), [0, 1, 2, 3]);
  assert.equal(findings(slow)[0].kind, 'slow');
  assert.equal(findings(slow)[0].path, big.path);
});

test('without ANALYZE shares are of own cost', () => {
  const plan = parsePlan(JSON.stringify([{ Plan: { 'Node Type': 'Sort', 'Total Cost': 100, 'Plan Rows': 10, Plans: [{ 'Node Type': 'Seq Scan', 'Total Cost': 75, 'Plan Rows': 10 }] } }]));
  assert.equal(plan.analyzed, false);
  assert.deepEqual(plan.nodes.map((x) => x.exclusiveCost), [25, 75]);
  assert.equal(plan.exclusiveTotal, 100);
  assert.deepEqual(plan.nodes.map((x) => x.share), [0.25, 0.75]);
  assert.deepEqual(plan.nodes.map((x) => x.slow), [0, 0], 'a cost is not a time');
});

test('statistics per node type and per table, largest first', () => {
  const plan = parse(
    n('Hash Join', { time: 10, Plans: [
      n('Seq Scan', { time: 6, 'Relation Name': 'orders', Schema: 'public' }),
      n('Hash', { time: 3, Plans: [n('Nested Loop', { time: 3, Plans: [n('Seq Scan', { time: 1, 'Relation Name': 'items', Schema: 'public' }), n('Index Scan', { time: 0.1, loops: 10, 'Relation Name': 'orders', Schema: 'public' })] })] }),
    ] }),
  );
  const { byType: types, byTable } = planStats(plan);
  assert.deepEqual(types.map((r) => [r.key, r.count]), [['Seq Scan', 2], ['Hash Join', 1], ['Index Scan', 1], ['Nested Loop', 1], ['Hash', 1]]);
  assert.equal(types[0].own, 7);
  assert.equal(types[0].share, 0.7);
  assert.deepEqual(byTable.map((r) => [r.key, r.count, r.own, r.types.join('+')]), [['public.orders', 2, 7, 'Seq Scan+Index Scan'], ['public.items', 1, 1, 'Seq Scan']]);
});

test('findings: a filter that throws most rows away, a sort on disk, a hash in batches, workers short', () => {
  const plan = parse(
    n('Gather', { rows: 10, plan: 10, 'Workers Planned': 2, 'Workers Launched': 1, Plans: [n('Sort', { rows: 10, plan: 10, 'Sort Space Type': 'Disk', 'Sort Space Used': 4096, Plans: [
      n('Hash Join', { rows: 10, plan: 10, Plans: [n('Seq Scan', { rows: 10, plan: 10, 'Rows Removed by Filter': 50000 }), n('Hash', { rows: 10, plan: 10, 'Hash Batches': 4 })] }),
    ] })] }),
  );
  const kinds = findings(plan).map((f) => `${f.kind}@${f.path}`);
  for (const k of ['workers@0', 'disk@0.0', 'filter@0.0.0.0', 'disk@0.0.0.1']) assert.ok(kinds.includes(k), `${k} in ${kinds}`);
});

test('the layout puts the root left, each leaf on its own row, parents in the middle, no box over another', () => {
  const plan = parse(n('Hash Join', { rows: 1000, Plans: [n('Seq Scan', { rows: 100000 }), n('Hash', { rows: 3, Plans: [n('Seq Scan', { rows: 3 })] })] }));
  const { boxes, edges, width, height } = layoutPlan(plan);
  const at = new Map(boxes.map((b) => [b.node.path, b]));
  assert.equal(at.get('0').x, 0);
  assert.ok(at.get('0.0').x > at.get('0').x + BOX_W);
  assert.equal(at.get('0.1').y, at.get('0.1.0').y, 'a single child sits level with its parent');
  assert.equal(at.get('0').y, (at.get('0.0').y + at.get('0.1').y) / 2);
  for (const a of boxes) for (const b of boxes) {
    if (a === b) continue;
    const overlap = a.x < b.x + BOX_W && b.x < a.x + BOX_W && a.y < b.y + BOX_H && b.y < a.y + BOX_H;
    assert.ok(!overlap, `${a.node.path} over ${b.node.path}`);
  }
  assert.ok(boxes.every((b) => b.x + BOX_W <= width && b.y + BOX_H <= height));
  const edge = new Map(edges.map((e) => [e.id, e]));
  assert.equal(edges.length, 3);
  assert.ok(edge.get('0.0').width > edge.get('0.1').width, 'the edge carrying 100000 rows is thicker than the one carrying 3');
  assert.equal(edgeWidth(0, 100), 1.5);
  assert.equal(edgeWidth(100, 100), 10);
});

test("a node's details are grouped: conditions first, zero counters left out, workers one per line", () => {
  const plan = parse(
    n('Index Scan', {
      'Relation Name': 't', 'Index Name': 't_pkey', 'Scan Direction': 'Forward', Output: ['id', 'name'], Filter: '(name <> \'x\'::text)',
      'Index Cond': '(id > 5)', 'Rows Removed by Filter': 3, 'Shared Hit Blocks': 12345, 'Shared Read Blocks': 0, 'Custom Thing': 'y',
      Workers: [{ 'Worker Number': 0, 'Actual Rows': 5 }, { 'Worker Number': 1, 'Actual Rows': 6 }],
    }),
  );
  const groups = detailGroups(plan.root);
  assert.deepEqual(groups.map((g) => g.title), ['Conditions', 'Keys and method', 'Rows', 'Buffers and I/O', 'Workers', 'Output', 'Other']);
  assert.deepEqual(groups[0].items, [['Index Cond', '(id > 5)'], ['Filter', "(name <> 'x'::text)"]]);
  assert.deepEqual(groups[3].items, [['Shared Hit Blocks', '12,345']]);
  assert.equal(groups[4].items[0][1], 'Worker Number: 0, Actual Rows: 5\nWorker Number: 1, Actual Rows: 6');
  assert.deepEqual(groups[5].items, [['Output', 'id, name']]);
  assert.deepEqual(groups[6].items, [['Custom Thing', 'y']]);
});

test('below a Gather the loops are shared by the processes running side by side', () => {
  const plan = parse(
    n('Gather', { time: 30, rows: 300, plan: 300, 'Workers Planned': 2, 'Workers Launched': 2, Plans: [
      n('Hash Join', { time: 28, rows: 100, plan: 100, loops: 3, Plans: [
        n('Parallel Seq Scan', { time: 10, rows: 100, plan: 100, loops: 3 }),
        n('Hash', { time: 6, rows: 10, plan: 10, loops: 3, Plans: [n('Seq Scan', { time: 5, rows: 10, plan: 10, loops: 3 })] }),
      ] }),
    ] }),
    { 'Execution Time': 31 },
  );
  assert.equal(plan.nodes[1].totalTime, 28, 'three processes, a loop each: 28 ms of wall time, not 84');
  assert.deepEqual(plan.nodes.map((x) => x.exclusiveTime), [2, 12, 10, 1, 5]);
  assert.equal(plan.exclusiveTotal, 30);
  const leaderless = parse(n('Gather', { time: 10, 'Workers Launched': 1, 'Single Copy': true, Plans: [n('Seq Scan', { time: 9, loops: 1 })] }));
  assert.equal(leaderless.nodes[1].totalTime, 9);
  const nested = parse(n('Gather', { time: 50, 'Workers Launched': 1, Plans: [n('Nested Loop', { time: 48, loops: 2, Plans: [n('Seq Scan', { time: 4, loops: 2 }), n('Index Scan', { time: 0.01, loops: 2000 })] })] }));
  assert.equal(nested.nodes[3].totalTime, 10, '1000 loops in each of two processes');
});

test('the arrow keys walk the plan: down and up in plan order, left to the parent, right to the first child', () => {
  const { moveSelection } = layoutModule;
  const plan = parse(n('Hash Join', { Plans: [n('Seq Scan'), n('Hash', { Plans: [n('Seq Scan')] })] }));
  assert.equal(moveSelection(plan, null, 'ArrowDown'), '0', 'the first key picks the root');
  assert.equal(moveSelection(plan, null, 'x'), null);
  assert.equal(moveSelection(plan, '0', 'ArrowRight'), '0.0');
  assert.equal(moveSelection(plan, '0.0', 'ArrowDown'), '0.1');
  assert.equal(moveSelection(plan, '0.1', 'ArrowDown'), '0.1.0');
  assert.equal(moveSelection(plan, '0.1.0', 'ArrowDown'), '0.1.0', 'the last node stays');
  assert.equal(moveSelection(plan, '0.1.0', 'ArrowLeft'), '0.1');
  assert.equal(moveSelection(plan, '0', 'ArrowLeft'), '0');
  assert.equal(moveSelection(plan, '0.0', 'ArrowRight'), '0.0', 'a leaf has no child to go to');
  assert.equal(moveSelection(plan, '0.1', 'ArrowUp'), '0.0');
  assert.equal(moveSelection(plan, '0.1', 'End'), '0.1.0');
  assert.equal(moveSelection(plan, '0.1', 'Home'), '0');
  assert.equal(moveSelection(plan, '0.1', 'Enter'), null);
});
