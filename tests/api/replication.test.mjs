// Logical replication between two databases of the test cluster: the guided
// setup copies the table definitions, creates the publication, the slot and
// the subscription (the password masked), rows replicate (the initial copy,
// then new ones), the status shows the subscription's tables and the slot;
// a publication made from a spec, subscription actions, and drop.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { pg, psql } from '../lib/pg.mjs';
import { connectedAdmin } from '../lib/admin.mjs';

const SRC = 'repl_src';
const DST = 'repl_dst';
let t, c, id;

function cleanup() {
  for (const db of [DST, SRC]) {
    if (psql(`SELECT count(*) FROM pg_database WHERE datname = '${db}'`) === '1' && db === DST) {
      psql(`DO $$ DECLARE s text; BEGIN FOR s IN SELECT subname FROM pg_subscription WHERE subdbid = (SELECT oid FROM pg_database WHERE datname = current_database()) LOOP
        EXECUTE format('ALTER SUBSCRIPTION %I DISABLE', s); EXECUTE format('ALTER SUBSCRIPTION %I SET (slot_name = NONE)', s); EXECUTE format('DROP SUBSCRIPTION %I', s); END LOOP; END $$`, { db });
    }
  }
  psql("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name LIKE 'repl_%' AND NOT active");
  for (const db of [DST, SRC]) psql(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
}

before(async () => {
  cleanup();
  psql(`CREATE DATABASE ${SRC}`);
  psql(`CREATE DATABASE ${DST}`);
  psql(`CREATE SCHEMA shop; CREATE TABLE shop.orders (id int PRIMARY KEY, item text NOT NULL, qty int DEFAULT 1);
    CREATE TABLE shop."Odd Name" (id int PRIMARY KEY, "ä" text);
    INSERT INTO shop.orders SELECT g, 'item ' || g, g FROM generate_series(1, 100) g; INSERT INTO shop."Odd Name" VALUES (1, 'x')`, { db: SRC });
  ({ t, c, id } = await connectedAdmin());
});

after(async () => {
  const code = await t.stop();
  cleanup();
  assert.equal(code, 0, t.output());
});

async function waitFor(check, ms = 30000) {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('replicate two tables from one database to another: guided setup, rows flow, status and lag', async () => {
  const body = { database: DST, source: { server_id: id, database: SRC }, tables: [{ schema: 'shop', name: 'orders' }, { schema: 'shop', name: 'Odd Name' }], publication: 'repl_pub', subscription: 'repl_sub' };
  const pre = await c.post(`api/v1/servers/${id}/replication/setup`, { ...body, preview: true });
  assert.equal(pre.status, 200, pre.raw);
  assert.match(pre.body.sql, new RegExp(`-- on the subscriber \\(database ${DST}\\): shop\\.orders as the publisher has it\\nCREATE SCHEMA IF NOT EXISTS "shop";\\nCREATE TABLE shop\\.orders`));
  assert.match(pre.body.sql, new RegExp(`-- on the publisher \\(database ${SRC}\\):\\nCREATE PUBLICATION "repl_pub" FOR TABLE "shop"\\."orders", "shop"\\."Odd Name";`));
  assert.match(pre.body.sql, /SELECT pg_catalog\.pg_create_logical_replication_slot\('repl_sub', 'pgoutput'\);/);
  assert.match(pre.body.sql, /CREATE SUBSCRIPTION "repl_sub" CONNECTION '[^']*password=\*{8}' PUBLICATION "repl_pub" WITH \(create_slot = false, slot_name = 'repl_sub', copy_data = true, enabled = true\);$/);
  assert.ok(!pre.body.sql.includes(pg.password), 'the password is masked');
  assert.equal(psql("SELECT count(*) FROM pg_publication WHERE pubname = 'repl_pub'", { db: SRC }), '0', 'a preview makes nothing');

  const run = await c.post(`api/v1/servers/${id}/replication/setup`, body);
  assert.equal(run.status, 200, run.raw);
  assert.ok(!run.raw.includes(pg.password) && !t.output().includes(pg.password), 'the password is in no answer or log');
  await waitFor(() => psql('SELECT count(*) FROM shop.orders', { db: DST }) === '100');
  psql("INSERT INTO shop.orders VALUES (101, 'new', 5); UPDATE shop.\"Odd Name\" SET \"ä\" = 'changed'", { db: SRC });
  await waitFor(() => psql('SELECT count(*) FROM shop.orders WHERE id = 101', { db: DST }) === '1' && psql('SELECT "ä" FROM shop."Odd Name"', { db: DST }) === 'changed');

  let status;
  await waitFor(async () => {
    status = (await c.get(`api/v1/servers/${id}/logical?database=${DST}`)).body;
    return status.subscriptions[0]?.tables.every((x) => x.state === 'ready');
  });
  assert.equal(status.wal_level, 'logical');
  const sub = status.subscriptions.find((s) => s.name === 'repl_sub');
  assert.equal(sub.enabled, true);
  assert.deepEqual(sub.publications, ['repl_pub']);
  assert.ok(sub.worker_pid > 0);
  assert.deepEqual(sub.tables.map((x) => x.table).sort(), ['shop."Odd Name"', 'shop.orders']);
  const slot = status.slots.find((s) => s.name === 'repl_sub');
  assert.equal(slot.plugin, 'pgoutput');
  assert.equal(typeof slot.lag_bytes, 'number');
  const pubs = (await c.get(`api/v1/servers/${id}/logical?database=${SRC}`)).body.publications;
  assert.deepEqual(pubs.find((p) => p.name === 'repl_pub').tables.map((x) => x.name).sort(), ['Odd Name', 'orders']);

  // actions: disable, enable, refresh; drop takes the slot with it
  const act = (action, extra = {}) => c.post(`api/v1/servers/${id}/subscriptions/action`, { database: DST, name: 'repl_sub', action, ...extra });
  assert.equal((await act('disable')).body.sql, 'ALTER SUBSCRIPTION "repl_sub" DISABLE;');
  assert.equal(psql("SELECT subenabled FROM pg_subscription WHERE subname = 'repl_sub'", { db: DST }), 'f');
  assert.equal((await act('enable')).status, 200);
  const refresh = await act('refresh', { copy_data: false });
  assert.equal(refresh.status, 200, refresh.raw);
  assert.equal(refresh.body.sql, 'ALTER SUBSCRIPTION "repl_sub" REFRESH PUBLICATION WITH (copy_data = false);');
  assert.equal((await act('teleport')).status, 400);
  const drop = await act('drop');
  assert.equal(drop.status, 200, drop.raw);
  assert.equal(psql("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'repl_sub'"), '0', 'the slot went with it');
});

test('refusals: the publisher must be reachable, the spec complete, and an existing subscription name is PostgreSQL’s error', async () => {
  const bad = await c.post(`api/v1/servers/${id}/replication/setup`, { database: DST, source: { server_id: 999, database: SRC }, tables: [{ schema: 'shop', name: 'orders' }], publication: 'p', subscription: 's' });
  assert.equal(bad.status, 404);
  assert.equal((await c.post(`api/v1/servers/${id}/replication/setup`, { database: DST, tables: [] })).status, 400);
  // a publication from a spec, then a subscription to it by hand
  const v15 = Number(psql('SHOW server_version_num')) >= 150000;
  const withColumns = { name: 'repl_pub2', tables: [{ schema: 'shop', name: 'orders', columns: ['id', 'item'] }], publish: ['insert', 'update'] };
  let pub = await c.post(`api/v1/servers/${id}/objects/create`, { database: SRC, kind: 'publication', spec: withColumns });
  if (v15) {
    assert.equal(pub.status, 200, pub.raw);
    assert.equal(pub.body.sql, `CREATE PUBLICATION "repl_pub2" FOR TABLE "shop"."orders" ("id", "item") WITH (publish = 'insert, update');`);
  } else {
    assert.equal(pub.status, 400);
    assert.match(pub.body.error.message, /need PostgreSQL 15/);
    pub = await c.post(`api/v1/servers/${id}/objects/create`, { database: SRC, kind: 'publication', spec: { ...withColumns, tables: [{ schema: 'shop', name: 'orders' }] } });
    assert.equal(pub.status, 200, pub.raw);
  }
  const spec = { name: 'repl_sub2', source: { server_id: id, database: SRC }, publications: ['repl_pub2'], copy_data: false };
  const made = await c.post(`api/v1/servers/${id}/subscriptions`, { database: DST, spec });
  assert.equal(made.status, 200, made.raw);
  const again = await c.post(`api/v1/servers/${id}/subscriptions`, { database: DST, spec: { ...spec, slot_name: 'repl_other' } });
  assert.equal(again.status, 409);
  assert.match(again.body.error.message, /already exists/);
  assert.equal(psql("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'repl_other'"), '0', 'the slot made for it was dropped again');
  const drop = await c.post(`api/v1/servers/${id}/objects/drop`, { path: `/databases/${DST}/subscriptions/repl_sub2` });
  assert.equal(drop.status, 200, drop.raw);
});
