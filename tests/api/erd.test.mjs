// Schema diagrams: GET /api/v1/servers/{id}/erd against a fixture schema with
// composite keys, a self-reference, cross-schema and incoming foreign keys,
// a partitioned table, a view, and names with quotes, spaces, commas and
// non-ASCII letters.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTusk, ADMIN } from '../lib/tusk.mjs';
import { Client } from '../lib/http.mjs';
import { pg, psql } from '../lib/pg.mjs';

const DB = 'erd_api';
let t, c, id, idle;

const FIXTURE = `
  CREATE SCHEMA erd; CREATE SCHEMA erd_ref; CREATE SCHEMA "Erd, odd ✓";
  CREATE TABLE erd_ref.currency (code char(3) PRIMARY KEY, name text NOT NULL);
  COMMENT ON TABLE erd_ref.currency IS 'ISO 4217';
  CREATE TABLE erd.customer (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL UNIQUE,
    referred_by bigint REFERENCES erd.customer (id) ON DELETE SET NULL,
    email_lower text GENERATED ALWAYS AS (lower(email)) STORED
  );
  COMMENT ON COLUMN erd.customer.email IS 'login';
  CREATE TABLE erd.orders (
    id integer PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES erd.customer ON DELETE CASCADE,
    currency char(3) REFERENCES erd_ref.currency (code) MATCH FULL,
    total numeric(12,2) DEFAULT 0,
    placed timestamptz NOT NULL DEFAULT now()
  );
  CREATE TABLE erd.order_line (
    order_id integer, line_no smallint, product_code varchar(20), qty integer NOT NULL,
    PRIMARY KEY (order_id, line_no),
    CONSTRAINT order_line_product_once UNIQUE (order_id, product_code),
    CONSTRAINT order_line_order_fk FOREIGN KEY (order_id) REFERENCES erd.orders DEFERRABLE INITIALLY DEFERRED
  );
  CREATE TABLE erd."Line ""Notes"" ✓" (
    "Order id" integer, "line no" smallint, "note text" text,
    CONSTRAINT "notes→line" FOREIGN KEY ("Order id", "line no") REFERENCES erd.order_line (order_id, line_no) ON UPDATE CASCADE
  );
  CREATE TABLE erd.measurement (
    customer_id bigint REFERENCES erd.customer, taken date NOT NULL, value double precision
  ) PARTITION BY RANGE (taken);
  CREATE TABLE erd.measurement_2024 PARTITION OF erd.measurement FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
  CREATE TABLE erd.measurement_2025 PARTITION OF erd.measurement FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
  CREATE TABLE erd.empty ();
  CREATE VIEW erd.big_orders AS SELECT id, total FROM erd.orders WHERE total > 1000;
  CREATE TABLE erd_ref.audit (customer_id bigint CONSTRAINT audit_customer REFERENCES erd.customer, at timestamptz);
  CREATE TABLE "Erd, odd ✓"."T/1 %" ("a,b" int PRIMARY KEY);
`;

const erd = (query) => c.get(`api/v1/servers/${id}/erd?${new URLSearchParams(query)}`);

before(async () => {
  psql(`DROP DATABASE IF EXISTS ${DB}`);
  psql(`CREATE DATABASE ${DB}`);
  psql(FIXTURE, { db: DB });
  t = await startTusk({});
  c = new Client(t.url);
  c.csrf = (await c.post('api/v1/auth/login', ADMIN)).body.csrf_token;
  const server = { host: pg.host, port: pg.port, username: pg.user };
  id = (await c.post('api/v1/servers', { name: 'pg', ...server })).body.server.id;
  idle = (await c.post('api/v1/servers', { name: 'not connected', ...server })).body.server.id;
  assert.equal((await c.post(`api/v1/servers/${id}/connect`, { password: pg.password })).status, 200);
});

after(async () => {
  if (t) assert.equal(await t.stop(), 0, t.output());
  psql(`DROP DATABASE IF EXISTS ${DB}`);
});

const table = (body, schema, name) => body.tables.find((x) => x.schema === schema && x.name === name);
const fk = (body, name) => body.foreign_keys.find((x) => x.name === name);

test('a schema: its tables, partitioned tables and views with columns and keys, partitions left out', async () => {
  const r = await erd({ database: DB, schema: 'erd' });
  assert.equal(r.status, 200, r.raw);
  assert.equal(r.body.database, DB);
  assert.deepEqual(r.body.schemas, ['erd']);
  assert.deepEqual(r.body.tables.map((x) => x.name), ['Line "Notes" ✓', 'big_orders', 'customer', 'empty', 'measurement', 'order_line', 'orders']);
  assert.deepEqual(r.body.tables.map((x) => x.kind), ['table', 'view', 'table', 'table', 'partitioned_table', 'table', 'table']);

  const customer = table(r.body, 'erd', 'customer');
  assert.deepEqual(customer.primary_key, { name: 'customer_pkey', columns: ['id'] });
  assert.deepEqual(customer.unique, [{ name: 'customer_email_key', columns: ['email'] }]);
  assert.deepEqual(customer.columns, [
    { name: 'id', type: 'bigint', not_null: true, default: null, generated: null, identity: 'always', pk: 1, unique: false, comment: null },
    { name: 'email', type: 'text', not_null: true, default: null, generated: null, identity: null, pk: null, unique: true, comment: 'login' },
    { name: 'referred_by', type: 'bigint', not_null: false, default: null, generated: null, identity: null, pk: null, unique: false, comment: null },
    { name: 'email_lower', type: 'text', not_null: false, default: null, generated: 'lower(email)', identity: null, pk: null, unique: false, comment: null },
  ]);

  const orders = table(r.body, 'erd', 'orders');
  assert.deepEqual(orders.columns.map((x) => [x.name, x.type, x.default]), [
    ['id', 'integer', null], ['customer_id', 'bigint', null], ['currency', 'character(3)', null],
    ['total', 'numeric(12,2)', '0'], ['placed', 'timestamp with time zone', 'now()'],
  ]);
  assert.equal(orders.rows_estimate === null || Number.isInteger(orders.rows_estimate), true);

  const line = table(r.body, 'erd', 'order_line');
  assert.deepEqual(line.primary_key, { name: 'order_line_pkey', columns: ['order_id', 'line_no'] });
  assert.deepEqual(line.columns.map((x) => x.pk), [1, 2, null, null]);
  assert.deepEqual(line.unique, [{ name: 'order_line_product_once', columns: ['order_id', 'product_code'] }]);
  assert.equal(line.columns.find((x) => x.name === 'product_code').type, 'character varying(20)');

  assert.deepEqual(table(r.body, 'erd', 'empty').columns, []);
  assert.equal(table(r.body, 'erd', 'empty').primary_key, null);
  const view = table(r.body, 'erd', 'big_orders');
  assert.deepEqual(view.columns.map((x) => x.name), ['id', 'total']);
  assert.equal(view.rows_estimate, null);
});

test('foreign keys: self-reference, composite, deferrable, actions, and those crossing the schema marked external', async () => {
  const r = await erd({ database: DB, schema: 'erd' });
  assert.equal(r.status, 200, r.raw);
  assert.deepEqual(fk(r.body, 'customer_referred_by_fkey'), {
    name: 'customer_referred_by_fkey', schema: 'erd', table: 'customer', columns: ['referred_by'],
    ref_schema: 'erd', ref_table: 'customer', ref_columns: ['id'], on_update: 'no action', on_delete: 'set null',
    match: 'simple', deferrable: false, initially_deferred: false, validated: true, external: false,
  });
  assert.deepEqual(fk(r.body, 'notes→line'), {
    name: 'notes→line', schema: 'erd', table: 'Line "Notes" ✓', columns: ['Order id', 'line no'],
    ref_schema: 'erd', ref_table: 'order_line', ref_columns: ['order_id', 'line_no'], on_update: 'cascade',
    on_delete: 'no action', match: 'simple', deferrable: false, initially_deferred: false, validated: true, external: false,
  });
  const deferred = fk(r.body, 'order_line_order_fk');
  assert.equal(deferred.deferrable, true);
  assert.equal(deferred.initially_deferred, true);
  assert.equal(fk(r.body, 'orders_customer_id_fkey').on_delete, 'cascade');
  // to another schema, and from another schema into this one
  const currency = fk(r.body, 'orders_currency_fkey');
  assert.deepEqual([currency.ref_schema, currency.ref_table, currency.match, currency.external], ['erd_ref', 'currency', 'full', true]);
  const audit = fk(r.body, 'audit_customer');
  assert.deepEqual([audit.schema, audit.table, audit.ref_table, audit.external], ['erd_ref', 'audit', 'customer', true]);
  // the partitioned table's key once, not once per partition
  assert.equal(r.body.foreign_keys.filter((x) => x.table === 'measurement').length, 1);
  assert.equal(r.body.foreign_keys.some((x) => x.table.startsWith('measurement_')), false);
  assert.equal(r.body.foreign_keys.length, 7);
});

test('two schemas at once: a key between them is no longer external', async () => {
  const r = await erd({ database: DB, schema: 'erd,erd_ref' });
  assert.equal(r.status, 200, r.raw);
  assert.deepEqual(r.body.schemas, ['erd', 'erd_ref']);
  assert.equal(table(r.body, 'erd_ref', 'currency').comment, 'ISO 4217');
  assert.equal(fk(r.body, 'orders_currency_fkey').external, false);
  assert.equal(fk(r.body, 'audit_customer').external, false);
  assert.equal(r.body.foreign_keys.every((x) => !x.external), true);
});

test('a chosen set of tables: keys to and from the others are external', async () => {
  const r = await erd({ database: DB, schema: 'erd', tables: 'orders,customer' });
  assert.equal(r.status, 200, r.raw);
  assert.deepEqual(r.body.tables.map((x) => x.name), ['customer', 'orders']);
  assert.equal(fk(r.body, 'orders_customer_id_fkey').external, false);
  assert.equal(fk(r.body, 'customer_referred_by_fkey').external, false);
  assert.equal(fk(r.body, 'order_line_order_fk').external, true);
  assert.equal(fk(r.body, 'orders_currency_fkey').external, true);
  assert.equal(fk(r.body, 'notes→line'), undefined);
});

test('names with commas and slashes: a backslash escapes a comma', async () => {
  const r = await erd({ database: DB, schema: 'Erd\\, odd ✓', tables: 'T/1 %' });
  assert.equal(r.status, 200, r.raw);
  assert.deepEqual(r.body.schemas, ['Erd, odd ✓']);
  assert.deepEqual(r.body.tables.map((x) => [x.schema, x.name, x.columns[0].name, x.primary_key.columns]), [['Erd, odd ✓', 'T/1 %', 'a,b', ['a,b']]]);
  const quoted = await erd({ database: DB, schema: 'erd', tables: 'Line "Notes" ✓' });
  assert.equal(quoted.status, 200, quoted.raw);
  assert.equal(quoted.body.tables.length, 1);
});

test('unknown database, schema or table: 404 naming it', async () => {
  let r = await erd({ database: 'erd_no_such_db', schema: 'erd' });
  assert.equal(r.status, 404, r.raw);
  assert.equal(r.body.error.code, 'not_found');
  r = await erd({ database: DB, schema: 'erd,nowhere' });
  assert.equal(r.status, 404, r.raw);
  assert.match(r.body.error.message, /"nowhere"/);
  r = await erd({ database: DB, schema: 'erd', tables: 'orders,ghost' });
  assert.equal(r.status, 404, r.raw);
  assert.match(r.body.error.message, /"ghost"/);
  r = await c.get(`api/v1/servers/999999/erd?database=${DB}&schema=erd`);
  assert.equal(r.status, 404, r.raw);
});

test('bad parameters: 400 with a JSON error', async () => {
  for (const [query, code] of [
    [{ schema: 'erd' }, 'missing_field'],
    [{ database: DB }, 'missing_field'],
    [{ database: DB, schema: 'erd,,erd_ref' }, 'invalid_name'],
    [{ database: DB, schema: 'erd,' }, 'invalid_name'],
    [{ database: DB, schema: 'x'.repeat(64) }, 'invalid_name'],
    [{ database: DB, schema: 'erd', tables: 'a\0b' }, 'invalid_name'],
    [{ database: DB, schema: Array.from({ length: 101 }, (_, i) => `s${i}`).join(',') }, 'invalid_name'],
  ]) {
    const r = await erd(query);
    assert.equal(r.status, 400, `${JSON.stringify(query)}: ${r.raw}`);
    assert.equal(r.body.error.code, code, JSON.stringify(query));
    assert.equal(typeof r.body.error.message, 'string');
  }
});

test('not connected: 409; not logged in: 401', async () => {
  let r = await c.get(`api/v1/servers/${idle}/erd?database=${DB}&schema=erd`);
  assert.equal(r.status, 409, r.raw);
  assert.equal(r.body.error.code, 'not_connected');
  r = await new Client(t.url).get(`api/v1/servers/${id}/erd?database=${DB}&schema=erd`);
  assert.equal(r.status, 401, r.raw);
});
