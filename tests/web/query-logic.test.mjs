// The query tool's pure logic, bundled from the TypeScript with esbuild at
// test time: the statement splitter, EXPLAIN's exclusive-time math, the
// statement and the list entry of an EXPLAIN run, and the grid's scroll
// scaling.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { load } from './load.mjs';

const { splitStatements, statementAt } = await load('features/query/split.ts');
const { parsePlan, comparePlans, misestimateLevel, slownessLevel } = await load('features/query/explain.ts');
const { explainStatement, planEntry } = await load('features/query/plans.ts');
const { firstVisible, scrollTopFor, spacerHeight, MAX_SCROLL_PX } = await load('components/gridScroll.ts');

const texts = (sql) => splitStatements(sql).map((s) => s.text);

test('splits on semicolons outside quotes, dollar quotes and comments', () => {
  assert.deepEqual(texts('SELECT 1; SELECT 2'), ['SELECT 1', 'SELECT 2']);
  assert.deepEqual(texts("SELECT 'a;b'; SELECT \"x;y\" FROM t;"), ["SELECT 'a;b'", 'SELECT "x;y" FROM t']);
  assert.deepEqual(texts("SELECT 'it''s;'; SELECT E'\\';'"), ["SELECT 'it''s;'", "SELECT E'\\';'"]);
  assert.deepEqual(texts('DO $$ BEGIN RAISE NOTICE \'x;\'; END $$; SELECT 2'), ["DO $$ BEGIN RAISE NOTICE 'x;'; END $$", 'SELECT 2']);
  assert.deepEqual(texts('CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql; SELECT $1'), [
    'CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql',
    'SELECT $1',
  ]);
  assert.deepEqual(texts('SELECT 1 -- no; split\n; /* a; /* nested; */ b; */ SELECT 2'), [
    'SELECT 1 -- no; split',
    '/* a; /* nested; */ b; */ SELECT 2',
  ]);
  assert.deepEqual(texts(' ;; -- only a comment;\n ; '), []);
  assert.deepEqual(texts("SELECT 'unterminated; still"), ["SELECT 'unterminated; still"]);
});

test('keeps the offsets of each statement', () => {
  const sql = '  SELECT 1;\n\nSELECT  2 ;';
  const list = splitStatements(sql);
  for (const st of list) assert.equal(sql.slice(st.start, st.end), st.text);
  assert.deepEqual(list.map((s) => s.start), [2, 13]);
});

test('finds the statement at the cursor', () => {
  const sql = 'SELECT 1;\nSELECT 2;\n\nSELECT 3';
  assert.equal(statementAt(sql, 0).text, 'SELECT 1');
  assert.equal(statementAt(sql, 9).text, 'SELECT 1');
  assert.equal(statementAt(sql, 12).text, 'SELECT 2');
  assert.equal(statementAt(sql, 20).text, 'SELECT 3');
  assert.equal(statementAt(sql, sql.length).text, 'SELECT 3');
  assert.equal(statementAt('', 0), null);
});

const node = (type, total, loops, extra = {}) => ({
  'Node Type': type,
  'Startup Cost': 0,
  'Total Cost': 10,
  'Plan Rows': 10,
  'Actual Total Time': total,
  'Actual Loops': loops,
  'Actual Rows': 10,
  ...extra,
});

test('exclusive time subtracts the children, loops included', () => {
  const plan = parsePlan(
    JSON.stringify([
      {
        Plan: node('Nested Loop', 10, 1, {
          Plans: [node('Seq Scan', 2, 1, { 'Relation Name': 't' }), node('Index Scan', 0.5, 10, { 'Index Name': 'u_pkey', 'Relation Name': 'u' })],
        }),
        'Planning Time': 0.1,
        'Execution Time': 10.2,
      },
    ]),
  );
  const [root, scan, index] = plan.nodes;
  assert.equal(plan.analyzed, true);
  assert.equal(plan.total, 10.2);
  assert.equal(index.totalTime, 5);
  assert.equal(root.exclusiveTime, 3);
  assert.equal(scan.exclusiveTime, 2);
  assert.equal(index.target, 'using u_pkey on u');
  assert.deepEqual(plan.nodes.map((n) => n.path), ['0', '0.0', '0.1']);
});

test('a CTE counts in the CTE Scan that reads it, once', () => {
  const plan = parsePlan(
    JSON.stringify([
      {
        Plan: node('Aggregate', 12, 1, {
          Plans: [
            node('Seq Scan', 8, 1, { 'Parent Relationship': 'InitPlan', 'Subplan Name': 'CTE w', 'Relation Name': 'big' }),
            node('CTE Scan', 11, 1, { 'Parent Relationship': 'Outer', 'CTE Name': 'w', Alias: 'w' }),
          ],
        }),
        'Execution Time': 12,
      },
    ]),
  );
  const [agg, cte, scan] = plan.nodes;
  assert.equal(agg.exclusiveTime, 1);
  assert.equal(cte.exclusiveTime, 8);
  assert.equal(scan.exclusiveTime, 3);
});

test('a plain EXPLAIN has no times; misestimates and slow nodes are graded', () => {
  const plan = parsePlan(JSON.stringify([{ Plan: { 'Node Type': 'Result', 'Total Cost': 0.01, 'Plan Rows': 1 } }]));
  assert.equal(plan.analyzed, false);
  assert.equal(plan.root.exclusiveTime, null);
  assert.equal(misestimateLevel(5), 0);
  assert.equal(misestimateLevel(20), 1);
  assert.equal(misestimateLevel(1 / 200), 2);
  assert.equal(misestimateLevel(5000), 3);
  assert.deepEqual([5, 20, 50, 95].map((t) => slownessLevel(t, 100)), [0, 1, 2, 3]);
  assert.throws(() => parsePlan('[1]'));
});

test('plans compare node by node', () => {
  const a = parsePlan(JSON.stringify([{ Plan: node('Hash Join', 10, 1, { Plans: [node('Seq Scan', 4, 1)] }) }]));
  const b = parsePlan(JSON.stringify([{ Plan: node('Hash Join', 6, 1, { 'Actual Rows': 30, Plans: [node('Index Scan', 1, 1), node('Hash', 1, 1)] }) }]));
  const d = comparePlans(a, b);
  assert.deepEqual(d.map((x) => x.path), ['0', '0.0', '0.1']);
  assert.equal(d[0].timeDelta, -2);
  assert.equal(d[0].rowsDelta, 20);
  assert.equal(d[1].timeDelta, -3);
  assert.equal(d[2].left, null);
});

test('an EXPLAIN run sends its statement with the options of its kind and lists its plan', () => {
  assert.deepEqual(explainStatement('explain', 'SELECT 1'), { sent: 'EXPLAIN (FORMAT JSON) SELECT 1', shift: 22 });
  const analyze = explainStatement('analyze', 'SELECT 1');
  assert.equal(analyze.sent, 'EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT 1');
  assert.equal(analyze.sent.slice(analyze.shift), 'SELECT 1');
  const raw = JSON.stringify([{ Plan: { 'Node Type': 'Result', 'Total Cost': 0.01, 'Plan Rows': 1 } }]);
  const first = planEntry(raw, 'explain', Date.now());
  assert.match(first.label, /^#\d+ Explain · .+ · cost 0$/);
  assert.equal(first.raw, raw);
  const timed = JSON.stringify([{ Plan: { 'Node Type': 'Result', 'Total Cost': 0.01, 'Plan Rows': 1, 'Actual Total Time': 0.5, 'Actual Rows': 1, 'Actual Loops': 1 }, 'Execution Time': 1.25 }]);
  const second = planEntry(timed, 'analyze', Date.now());
  assert.equal(second.id, first.id + 1, 'entries are numbered in order');
  assert.match(second.label, new RegExp(`^#${second.id} Analyze · .+ · 1\\.3 ms$`));
  assert.throws(() => planEntry('[1]', 'explain', Date.now()));
});

test('scroll scaling reaches the last of ten million rows', () => {
  const g = { rows: 10_000_000, rowHeight: 22, viewport: 440 };
  assert.equal(spacerHeight(g), MAX_SCROLL_PX);
  assert.deepEqual(firstVisible(g, 0), { row: 0, offset: 0 });
  const bottom = firstVisible(g, MAX_SCROLL_PX - g.viewport);
  assert.equal(bottom.row, g.rows - 20);
  const middle = firstVisible(g, (MAX_SCROLL_PX - g.viewport) / 2);
  assert.ok(Math.abs(middle.row - (g.rows - 20) / 2) <= 1);
  const top = scrollTopFor(g, 0, g.rows - 1);
  assert.equal(top, MAX_SCROLL_PX - g.viewport);
  assert.equal(scrollTopFor(g, top, g.rows - 5), top);
  assert.equal(scrollTopFor(g, top, 0), 0);
});

test('small grids scroll one to one', () => {
  const g = { rows: 100, rowHeight: 22, viewport: 220 };
  assert.equal(spacerHeight(g), 2200);
  assert.deepEqual(firstVisible(g, 45), { row: 2, offset: 1 });
  assert.equal(scrollTopFor(g, 0, 20), 21 * 22 - 220);
  assert.equal(scrollTopFor(g, 0, 3), 0);
});
