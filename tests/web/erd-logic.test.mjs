// The schema diagram's pure logic, bundled from the TypeScript with esbuild
// at test time: the diagram model (stubs for outside tables, a table's
// neighbourhood, key columns only, the ends of each edge), the DDL order,
// type names, the list parameter, edge paths, and the layout worker itself
// (elkjs) run in Node on a small schema.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { load } from './load.mjs';

const { buildDiagram, ddlOrder, shortType, tableKey, HEADER, ROW } = await load('features/erd/model.ts');
const { layoutRequest } = await load('features/erd/layout.ts');
const { edgePath } = await load('features/erd/paths.ts');
const { nameList } = await load('api/erd.ts');

const col = (name, extra = {}) => ({ name, type: 'integer', not_null: false, default: null, generated: null, identity: null, pk: null, unique: false, comment: null, ...extra });
const tbl = (schema, name, columns, extra = {}) => ({ schema, name, kind: 'table', comment: null, rows_estimate: null, primary_key: null, unique: [], columns, ...extra });
const fk = (name, [schema, table, columns], [ref_schema, ref_table, ref_columns], extra = {}) => ({
  name, schema, table, columns, ref_schema, ref_table, ref_columns, on_update: 'no action', on_delete: 'no action', match: 'simple',
  deferrable: false, initially_deferred: false, validated: true, external: false, ...extra,
});

// customer <- order <- line, line -> product; customer -> customer; order -> ref.currency (outside); a view; an unjoined table
const ERD = {
  database: 'd',
  schemas: ['s'],
  tables: [
    tbl('s', 'customer', [col('id', { pk: 1, not_null: true }), col('email', { type: 'text', unique: true, not_null: true }), col('referred_by')], { primary_key: { name: 'c_pk', columns: ['id'] } }),
    tbl('s', 'order', [col('id', { pk: 1, not_null: true }), col('customer_id', { not_null: true }), col('currency', { type: 'character(3)' }), col('placed', { type: 'timestamp with time zone' })], { primary_key: { name: 'o_pk', columns: ['id'] } }),
    tbl('s', 'line', [col('order_id', { pk: 1, not_null: true }), col('no', { pk: 2, not_null: true }), col('product_id', { not_null: true })], { primary_key: { name: 'l_pk', columns: ['order_id', 'no'] } }),
    tbl('s', 'product', [col('id', { pk: 1, not_null: true }), col('name', { type: 'character varying(40)' })], { primary_key: { name: 'p_pk', columns: ['id'] } }),
    tbl('s', 'shipment', [col('order_id', { not_null: true, unique: true })]),
    tbl('s', 'lonely', [col('x')]),
    tbl('s', 'v', [col('id')], { kind: 'view' }),
  ],
  foreign_keys: [
    fk('c_ref', ['s', 'customer', ['referred_by']], ['s', 'customer', ['id']]),
    fk('o_c', ['s', 'order', ['customer_id']], ['s', 'customer', ['id']]),
    fk('o_cur', ['s', 'order', ['currency']], ['ref', 'currency', ['code']], { external: true }),
    fk('l_o', ['s', 'line', ['order_id']], ['s', 'order', ['id']]),
    fk('l_p', ['s', 'line', ['product_id']], ['s', 'product', ['id']]),
    fk('sh_o', ['s', 'shipment', ['order_id']], ['s', 'order', ['id']]),
  ],
};

const measure = { title: (t) => t.length * 7, name: (t) => t.length * 6.5, type: (t) => t.length * 6.6 };
const options = (o = {}) => ({ views: false, external: true, detail: 'all', focus: null, ...o });
const byName = (d, name) => d.nodes.find((n) => n.title === name);

test('the model: tables, a stub for the table outside, edges from the referenced row to the referencing one', () => {
  const d = buildDiagram(ERD, options(), measure);
  assert.deepEqual(d.nodes.map((n) => n.title), ['customer', 'order', 'line', 'product', 'shipment', 'lonely', 'ref.currency']);
  assert.equal(byName(d, 'ref.currency').kind, 'external');
  assert.equal(byName(d, 'ref.currency').height, HEADER);
  assert.equal(d.hiddenViews, 1);
  assert.equal(d.external, 1);
  const order = byName(d, 'order');
  assert.equal(order.height, HEADER + 4 * ROW + 4);
  assert.deepEqual(order.columns.map((c) => [c.name, c.typeLabel, c.pk, c.fk]), [
    ['id', 'integer', true, false], ['customer_id', 'integer', false, true], ['currency', 'char(3)', false, true], ['placed', 'timestamptz', false, false],
  ]);
  const edge = (name) => d.edges.find((e) => e.fk.name === name);
  // order.customer_id (row 1) references customer.id (row 0); not null: the parent end is "one"
  assert.deepEqual([edge('o_c').parent, edge('o_c').child, edge('o_c').parentRow, edge('o_c').childRow, edge('o_c').optional], [byName(d, 'customer').id, order.id, 0, 1, false]);
  assert.equal(edge('c_ref').optional, true);
  assert.equal(edge('c_ref').parent, edge('c_ref').child);
  // into a stub: the header row; a unique referencing column: one to one
  assert.equal(edge('o_cur').parentRow, -1);
  assert.equal(edge('sh_o').oneToOne, true);
  assert.equal(edge('l_o').oneToOne, false);
  assert.deepEqual([...d.neighbours.get(order.id)].map((id) => d.byId.get(id).title).sort(), ['customer', 'line', 'ref.currency', 'shipment']);
  assert.equal(d.edgesOf.get(byName(d, 'customer').id).length, 2);
});

test('the model: views on request, no stubs, key columns only, and a neighbourhood', () => {
  assert.ok(byName(buildDiagram(ERD, options({ views: true }), measure), 'v'));
  const closed = buildDiagram(ERD, options({ external: false }), measure);
  assert.equal(byName(closed, 'ref.currency'), undefined);
  assert.equal(closed.edges.length, 5);
  const keys = buildDiagram(ERD, options({ detail: 'keys' }), measure);
  assert.deepEqual(byName(keys, 'order').columns.map((c) => c.name), ['id', 'customer_id', 'currency']);
  assert.deepEqual(byName(keys, 'customer').columns.map((c) => c.name), ['id', 'email', 'referred_by']);
  const one = buildDiagram(ERD, options({ focus: { keys: [tableKey('s', 'line')], depth: 1 } }), measure);
  assert.deepEqual(one.nodes.map((n) => n.title).sort(), ['line', 'order', 'product']);
  const two = buildDiagram(ERD, options({ focus: { keys: [tableKey('s', 'line')], depth: 2 } }), measure);
  assert.deepEqual(two.nodes.map((n) => n.title).sort(), ['customer', 'line', 'order', 'product', 'ref.currency', 'shipment']);
  const chosen = buildDiagram(ERD, options({ focus: { keys: [tableKey('s', 'product'), tableKey('s', 'lonely')], depth: 0 } }), measure);
  assert.deepEqual(chosen.nodes.map((n) => n.title), ['product', 'lonely']);
  assert.equal(chosen.edges.length, 0);
});

test('long names and types are cut to fit the box, never the model', () => {
  const long = { ...ERD, tables: [tbl('s', 'x'.repeat(80), [col('y'.repeat(90), { type: 'character varying(255)[]' })])], foreign_keys: [] };
  const [n] = buildDiagram(long, options(), measure).nodes;
  assert.ok(n.width <= 380);
  assert.match(n.titleLabel, /^x+…$/);
  assert.match(n.columns[0].label, /^y+…$/);
  assert.equal(n.columns[0].typeLabel, 'varchar(255)[]');
  assert.equal(n.columns[0].name, 'y'.repeat(90));
});

test('DDL order: referenced tables first, a cycle after the rest', () => {
  const order = ddlOrder(ERD.tables, ERD.foreign_keys).map((t) => t.name);
  const before = (a, b) => assert.ok(order.indexOf(a) < order.indexOf(b), `${a} before ${b}: ${order}`);
  before('customer', 'order');
  before('order', 'line');
  before('product', 'line');
  before('order', 'shipment');
  assert.equal(order.length, ERD.tables.length);
  const cycle = [tbl('s', 'a', []), tbl('s', 'b', []), tbl('s', 'c', [])];
  const keys = [fk('ab', ['s', 'a', ['x']], ['s', 'b', ['y']]), fk('ba', ['s', 'b', ['y']], ['s', 'a', ['x']]), fk('ca', ['s', 'c', ['z']], ['s', 'a', ['x']])];
  assert.deepEqual(ddlOrder(cycle, keys).map((t) => t.name), ['a', 'b', 'c']);
});

test('short type names, list parameters, edge paths', () => {
  assert.equal(shortType('timestamp(3) with time zone'), 'timestamptz(3)');
  assert.equal(shortType('time without time zone[]'), 'time[]');
  assert.equal(shortType('character'), 'char');
  assert.equal(shortType('"character"'), '"character"');
  assert.equal(shortType('double precision'), 'float8');
  assert.equal(shortType('numeric(12,2)'), 'numeric(12,2)');
  assert.equal(nameList(['a', 'b,c', 'd\\e']), 'a,b\\,c,d\\\\e');
  assert.equal(edgePath([0, 0, 10, 0]), 'M0,0L10,0');
  assert.equal(edgePath([0, 0, 20, 0, 20, 30]), 'M0,0L15,0Q20,0 20,5L20,30');
  assert.equal(edgePath([]), '');
});

test('the layout worker places every table without overlap and routes every edge between its rows', async () => {
  const posted = [];
  globalThis.self = { postMessage: (m) => posted.push(m) };
  await load('features/erd/layout.worker.ts');
  const d = buildDiagram(ERD, options(), measure);
  const request = { ...layoutRequest(d, 1.6), id: 7 };
  globalThis.self.onmessage({ data: request });
  for (let i = 0; i < 200 && posted.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  const answer = posted[0];
  assert.equal(answer.id, 7);
  assert.equal(answer.ok, true, answer.message);
  const { nodes, edges, width, height } = answer.result;
  const boxes = d.nodes.map((n) => ({ n, x: nodes[n.id][0], y: nodes[n.id][1] }));
  for (const a of boxes) {
    assert.ok(a.x >= 0 && a.y >= 0 && a.x + a.n.width <= width + 0.5 && a.y + a.n.height <= height + 0.5, `${a.n.title} inside the extent`);
    for (const b of boxes) {
      if (a === b) continue;
      const apart = a.x + a.n.width <= b.x || b.x + b.n.width <= a.x || a.y + a.n.height <= b.y || b.y + b.n.height <= a.y;
      assert.ok(apart, `${a.n.title} and ${b.n.title} overlap`);
    }
  }
  for (const e of d.edges) {
    const p = edges[e.id];
    assert.ok(p && p.length >= 4, `${e.fk.name} has a route`);
    const parent = boxes.find((b) => b.n.id === e.parent);
    const child = boxes.find((b) => b.n.id === e.child);
    // it leaves the referenced table on its right at the referenced row, and enters the referencing one on its left at its row
    assert.equal(Math.round(p[0]), Math.round(parent.x + parent.n.width), `${e.fk.name} starts on the right side`);
    assert.equal(Math.round(p[1]), Math.round(parent.y + (e.parentRow < 0 ? HEADER / 2 : HEADER + e.parentRow * ROW + ROW / 2)));
    assert.equal(Math.round(p[p.length - 2]), Math.round(child.x), `${e.fk.name} ends on the left side`);
    assert.equal(Math.round(p[p.length - 1]), Math.round(child.y + HEADER + e.childRow * ROW + ROW / 2));
  }
  delete globalThis.self;
});
