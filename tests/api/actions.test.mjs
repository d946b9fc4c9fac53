// Object actions: search across a database, count rows, truncate, vacuum,
// analyze, refresh, generated scripts; names quoted by libpq.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { pg, psql } from '../lib/pg.mjs';
import { connectedAdmin } from '../lib/admin.mjs';

const DB = 'actions_tests';
let t, c, id;

before(async () => {
  if (!psql(`SELECT 1 FROM pg_database WHERE datname = '${DB}'`)) psql(`CREATE DATABASE ${DB}`);
  psql(`DROP SCHEMA IF EXISTS a CASCADE; CREATE SCHEMA a;
    CREATE TABLE a.orders (id int PRIMARY KEY, customer text, total numeric);
    INSERT INTO a.orders SELECT g, 'c' || g, g FROM generate_series(1, 42) g;
    CREATE TABLE a."Order Lines" (order_id int REFERENCES a.orders, "Line No" int, PRIMARY KEY (order_id, "Line No"));
    CREATE INDEX orders_customer_idx ON a.orders (customer);
    CREATE VIEW a.order_view AS SELECT * FROM a.orders;
    CREATE MATERIALIZED VIEW a.order_mv AS SELECT count(*) AS n FROM a.orders;
    CREATE FUNCTION a.order_total(int) RETURNS numeric LANGUAGE sql AS 'SELECT total FROM a.orders WHERE id = $1';
    CREATE TABLE a.nokey (x int, y text);`, { db: DB });
  ({ t, c, id } = await connectedAdmin());
});

after(async () => assert.equal(await t.stop(), 0, t.output()));

const base = `/databases/${DB}/schemas/a`;
const q = (p) => encodeURIComponent(p);

test('search finds objects of every kind by name, with their tree paths', async () => {
  const r = await c.get(`api/v1/servers/${id}/objects/search?database=${DB}&q=order`);
  assert.equal(r.status, 200, r.raw);
  const got = r.body.results.map((x) => `${x.kind}:${x.label}:${x.path}`);
  for (const want of [
    `table:a.orders:${base}/tables/orders`,
    `table:a.Order Lines:${base}/tables/Order Lines`,
    `view:a.order_view:${base}/views/order_view`,
    `materialized_view:a.order_mv:${base}/materialized_views/order_mv`,
    `function:a.order_total(integer):${base}/functions/order_total(integer)`,
    `column:a.Order Lines.order_id:${base}/tables/Order Lines/columns/order_id`,
    `index:a.orders_customer_idx on orders:${base}/tables/orders/indexes/orders_customer_idx`,
  ]) assert.ok(got.includes(want), `${want}\n${got.join('\n')}`);
  const only = (await c.get(`api/v1/servers/${id}/objects/search?database=${DB}&q=ORDER&kind=view`)).body.results;
  assert.deepEqual(only.map((x) => x.label), ['a.order_view']);
  const wild = (await c.get(`api/v1/servers/${id}/objects/search?database=${DB}&q=${q('_')}`)).body.results;
  assert.ok(wild.every((x) => x.label.includes('_')), '_ is literal, not a wildcard');
  assert.equal((await c.get(`api/v1/servers/${id}/objects/search?database=${DB}&q=x&kind=planet`)).status, 400);
  // every path found opens in the tree API
  for (const x of r.body.results.slice(0, 5)) {
    const p = await c.get(`api/v1/servers/${id}/objects/properties?path=${q(x.path)}`);
    assert.ok([200, 422].includes(p.status), `${x.path}: ${p.raw}`);
  }
});

test('count rows, analyze, vacuum, refresh and truncate with preview', async () => {
  const count = await c.get(`api/v1/servers/${id}/objects/count?path=${q(`${base}/tables/orders`)}`);
  assert.deepEqual(count.body, { sql: 'SELECT count(*) FROM "a"."orders";', rows: '42' });
  const odd = await c.get(`api/v1/servers/${id}/objects/count?path=${q(`${base}/tables/Order Lines`)}`);
  assert.equal(odd.body.sql, 'SELECT count(*) FROM "a"."Order Lines";');
  const act = (path, action, preview = false) => c.post(`api/v1/servers/${id}/objects/maintenance`, { path, action, preview });
  for (const [action, sql] of [['analyze', 'ANALYZE (VERBOSE) "a"."orders";'], ['vacuum_analyze', 'VACUUM (ANALYZE, VERBOSE) "a"."orders";'], ['vacuum', 'VACUUM (VERBOSE) "a"."orders";']]) {
    const r = await act(`${base}/tables/orders`, action);
    assert.equal(r.status, 200, `${action}: ${r.raw}`);
    assert.deepEqual(r.body, { sql, done: true });
  }
  // before PostgreSQL 15 the statistics collector reports asynchronously
  let seen = false;
  for (let i = 0; i < 50 && !seen; i++) {
    seen = psql("SELECT last_analyze IS NOT NULL AND last_vacuum IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'orders'", { db: DB }) === 't';
    if (!seen) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(seen, 'VACUUM and ANALYZE ran');
  const refresh = await act(`${base}/materialized_views/order_mv`, 'refresh');
  assert.equal(refresh.body.sql, 'REFRESH MATERIALIZED VIEW "a"."order_mv";');
  assert.equal((await act(`${base}/views/order_view`, 'vacuum')).status, 400);
  const pre = await act(`${base}/tables/orders`, 'truncate', true);
  assert.deepEqual(pre.body, { sql: 'TRUNCATE TABLE "a"."orders";', done: false });
  const blocked = await act(`${base}/tables/orders`, 'truncate');
  assert.equal(blocked.status, 409);
  assert.equal(blocked.body.error.sqlstate, '0A000');
  assert.match(blocked.body.error.message, /cannot truncate a table referenced in a foreign key constraint/);
  assert.equal(psql('SELECT count(*) FROM a.orders', { db: DB }), '42', 'rolled back');
  assert.equal((await act(`${base}/tables/orders`, 'truncate_cascade')).status, 200);
  assert.equal(psql('SELECT count(*) FROM a.orders', { db: DB }), '0');
  assert.equal((await act(`${base}/tables/orders`, 'explode')).status, 400);
});

test('generated SELECT, INSERT, UPDATE and DELETE scripts use the key; libpq quotes every name', async () => {
  const script = async (path, kind) => (await c.get(`api/v1/servers/${id}/objects/script?path=${q(path)}&kind=${kind}`)).raw;
  assert.equal(await script(`${base}/tables/Order Lines`, 'select'), 'SELECT "order_id", "Line No"\n\tFROM "a"."Order Lines";\n');
  assert.equal(await script(`${base}/tables/orders`, 'insert'), 'INSERT INTO "a"."orders" ("id", "customer", "total")\n\tVALUES (<integer>, <text>, <numeric>);\n');
  assert.equal(await script(`${base}/tables/orders`, 'update'), 'UPDATE "a"."orders"\n\tSET "customer" = <text>, "total" = <numeric>\n\tWHERE "id" = <integer>;\n');
  assert.equal(await script(`${base}/tables/Order Lines`, 'delete'), 'DELETE FROM "a"."Order Lines"\n\tWHERE "order_id" = <integer> AND "Line No" = <integer>;\n');
  assert.equal(await script(`${base}/tables/nokey`, 'delete'), 'DELETE FROM "a"."nokey"\n\tWHERE "x" = <integer> AND "y" = <text>;\n');
  assert.equal((await c.get(`api/v1/servers/${id}/objects/script?path=${q(`${base}/tables/orders`)}&kind=merge`)).status, 400);
  assert.equal((await c.get(`api/v1/servers/${id}/objects/script?path=${q(`${base}/functions/order_total(integer)`)}&kind=select`)).status, 404);
});
