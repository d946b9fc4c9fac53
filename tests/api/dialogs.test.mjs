// Create and alter dialogs: SQL built from a spec with names and literals
// quoted by libpq, previewed, run in a transaction, PostgreSQL's error in place.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTusk, ADMIN } from '../lib/tusk.mjs';
import { Client } from '../lib/http.mjs';
import { pg, psql } from '../lib/pg.mjs';

const DB = 'dialog_tests';
let t, c, id;

before(async () => {
  psql('DROP DATABASE IF EXISTS "dlg new db"');
  if (!psql(`SELECT 1 FROM pg_database WHERE datname = '${DB}'`)) psql(`CREATE DATABASE ${DB}`);
  psql(`DROP SCHEMA IF EXISTS "Sales Dept" CASCADE; DROP SCHEMA IF EXISTS moved CASCADE; DROP EXTENSION IF EXISTS pg_trgm;
    DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'dlg_owner') THEN CREATE ROLE dlg_owner; END IF; END $$;`, { db: DB });
  t = await startTusk({});
  c = new Client(t.url);
  c.csrf = (await c.post('api/v1/auth/login', ADMIN)).body.csrf_token;
  id = (await c.post('api/v1/servers', { name: 'pg', host: pg.host, port: pg.port, username: pg.user })).body.server.id;
  assert.equal((await c.post(`api/v1/servers/${id}/connect`, { password: pg.password })).status, 200);
});

after(async () => {
  assert.equal(await t.stop(), 0, t.output());
  psql('DROP DATABASE IF EXISTS "dlg new db"');
});

const create = (kind, spec, preview = false, database = DB) => c.post(`api/v1/servers/${id}/objects/create`, { database, kind, spec, preview });
const alter = (path, changes, preview = false) => c.post(`api/v1/servers/${id}/objects/alter`, { path, changes, preview });
const yes = (sql) => psql(sql, { db: DB }) === 't';

test('create a schema and a table: preview, then run', async () => {
  const schema = await create('schema', { name: 'Sales Dept', comment: "the sales team's", owner: 'dlg_owner' }, true);
  assert.equal(schema.status, 200, schema.raw);
  assert.equal(schema.body.sql, `CREATE SCHEMA "Sales Dept";\nCOMMENT ON SCHEMA "Sales Dept" IS 'the sales team''s';\nALTER SCHEMA "Sales Dept" OWNER TO "dlg_owner";`);
  assert.ok(yes("SELECT NOT EXISTS (SELECT FROM pg_namespace WHERE nspname = 'Sales Dept')"), 'the preview ran nothing');
  assert.equal((await create('schema', { name: 'Sales Dept', comment: "the sales team's" })).body.done, true);
  const spec = {
    schema: 'Sales Dept', name: 'customers', comment: 'people',
    columns: [
      { name: 'id', type: 'bigint', identity: 'always', primary_key: true },
      { name: 'email', type: 'text', not_null: true, unique: true },
      { name: 'created', type: 'timestamptz', default: 'now()', not_null: true },
    ],
  };
  const made = await create('table', spec);
  assert.equal(made.status, 200, made.raw);
  assert.match(made.body.sql, /^CREATE TABLE "Sales Dept"\."customers" \(\n {4}"id" bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,/);
  const orders = await create('table', {
    schema: 'Sales Dept', name: 'orders',
    columns: [{ name: 'id', type: 'int', primary_key: true }, { name: 'customer_id', type: 'bigint' }, { name: 'amount', type: 'numeric(10,2)' }],
    constraints: [
      { type: 'foreign_key', name: 'orders_customer_fk', columns: ['customer_id'], references: { schema: 'Sales Dept', table: 'customers', columns: ['id'] }, on_delete: 'CASCADE' },
      { type: 'check', name: 'amount_positive', expression: 'amount > 0' },
    ],
  });
  assert.equal(orders.status, 200, orders.raw);
  assert.ok(yes(`SELECT count(*) = 2 FROM pg_constraint WHERE conrelid = '"Sales Dept".orders'::regclass AND contype IN ('f', 'c')`));
  const ddl = await c.get(`api/v1/servers/${id}/objects/ddl?path=${encodeURIComponent(`/databases/${DB}/schemas/Sales Dept/tables/customers`)}`);
  assert.match(ddl.raw, /COMMENT ON TABLE "Sales Dept".customers IS 'people';/);
});

test('a failing create reports PostgreSQL with its position and creates nothing', async () => {
  const r = await create('table', { schema: 'Sales Dept', name: 'broken', columns: [{ name: 'a', type: 'int' }, { name: 'b', type: 'nosuchtype' }], comment: 'x' });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.code, 'ddl_failed');
  assert.equal(r.body.error.sqlstate, '42704');
  assert.match(r.body.error.message, /type "nosuchtype" does not exist/);
  assert.ok(r.body.error.position > 0);
  assert.ok(yes(`SELECT to_regclass('"Sales Dept".broken') IS NULL`));
  const bad = await create('table', { schema: 'Sales Dept', columns: [] });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, 'invalid_spec');
  assert.match(bad.body.error.message, /'name' is required/);
  assert.equal((await create('cast', { name: 'x' })).status, 400);
});

test('create a column, an index, views, a sequence, an extension and a database', async () => {
  const steps = [
    ['column', { schema: 'Sales Dept', table: 'customers', name: 'Nick Name', type: 'varchar(40)', default: "''", comment: 'shown' }],
    ['index', { schema: 'Sales Dept', table: 'customers', name: 'customers_created_idx', columns: ['created'], where: '"Nick Name" <> \'\'' }],
    ['view', { schema: 'Sales Dept', name: 'recent', definition: 'SELECT * FROM "Sales Dept".customers WHERE created > now() - interval \'1 day\';' }],
    ['materialized_view', { schema: 'Sales Dept', name: 'totals', definition: 'SELECT count(*) AS n FROM "Sales Dept".orders' }],
    ['sequence', { schema: 'Sales Dept', name: 'tickets', start: 100, increment: 5, cycle: true }],
    ['extension', { name: 'pg_trgm', schema: 'Sales Dept' }],
  ];
  for (const [kind, spec] of steps) {
    const r = await create(kind, spec);
    assert.equal(r.status, 200, `${kind}: ${r.raw}`);
  }
  assert.ok(yes(`SELECT col_description('"Sales Dept".customers'::regclass, 4) = 'shown'`));
  assert.ok(yes(`SELECT pg_get_indexdef('"Sales Dept".customers_created_idx'::regclass) LIKE '%WHERE%'`));
  assert.ok(yes(`SELECT increment_by = 5 AND cycle FROM pg_sequences WHERE sequencename = 'tickets'`));
  assert.ok(yes(`SELECT extnamespace::regnamespace::text = '"Sales Dept"' FROM pg_extension WHERE extname = 'pg_trgm'`));
  const db = await create('database', { name: 'dlg new db', encoding: 'UTF8' }, false, null);
  assert.equal(db.status, 200, db.raw);
  assert.equal(db.body.sql, `CREATE DATABASE "dlg new db" ENCODING 'UTF8';`);
  assert.equal(psql("SELECT count(*) FROM pg_database WHERE datname = 'dlg new db'"), '1');
});

test('alter: rename, owner, schema and comment of tables, columns and constraints', async () => {
  const base = `/databases/${DB}/schemas/Sales Dept`;
  const pre = await alter(`${base}/tables/orders`, { name: 'Orders 2', owner: 'dlg_owner', comment: 'all orders' }, true);
  assert.equal(pre.status, 200, pre.raw);
  assert.equal(pre.body.sql, `COMMENT ON TABLE "Sales Dept".orders IS 'all orders';\nALTER TABLE "Sales Dept".orders OWNER TO "dlg_owner";\nALTER TABLE "Sales Dept".orders RENAME TO "Orders 2";`);
  assert.equal((await alter(`${base}/tables/orders`, { name: 'Orders 2', owner: 'dlg_owner', comment: 'all orders' })).status, 200);
  assert.ok(yes(`SELECT pg_get_userbyid(relowner) = 'dlg_owner' AND obj_description(oid, 'pg_class') = 'all orders' FROM pg_class WHERE relname = 'Orders 2'`));
  const col = await alter(`${base}/tables/Orders 2/columns/amount`, { name: 'Amount EUR', comment: null });
  assert.equal(col.status, 200, col.raw);
  assert.equal(col.body.sql, `COMMENT ON COLUMN "Sales Dept"."Orders 2".amount IS NULL;\nALTER TABLE "Sales Dept"."Orders 2" RENAME COLUMN amount TO "Amount EUR";`);
  const con = await alter(`${base}/tables/Orders 2/constraints/amount_positive`, { name: 'amount_gt_zero' });
  assert.equal(con.body.sql, 'ALTER TABLE "Sales Dept"."Orders 2" RENAME CONSTRAINT amount_positive TO "amount_gt_zero";');
  psql('CREATE SCHEMA moved', { db: DB });
  assert.equal((await alter(`${base}/sequences/tickets`, { schema: 'moved' })).status, 200);
  assert.ok(yes("SELECT to_regclass('moved.tickets') IS NOT NULL"));
  const clash = await alter(`${base}/tables/customers`, { name: 'Orders 2' });
  assert.equal(clash.status, 409);
  assert.equal(clash.body.error.sqlstate, '42P07');
  assert.equal((await alter(`${base}/tables/customers`, {})).status, 400);
});
