// Drop and Drop Cascade from the tree: the SQL preview, the transaction,
// PostgreSQL's error in place, names quoted by PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTusk, ADMIN } from '../lib/tusk.mjs';
import { Client } from '../lib/http.mjs';
import { pg, psql } from '../lib/pg.mjs';

const DB = 'drop_tests';
let t, c, id;

before(async () => {
  if (!psql(`SELECT 1 FROM pg_database WHERE datname = '${DB}'`)) psql(`CREATE DATABASE ${DB}`);
  psql(`DROP SCHEMA IF EXISTS d CASCADE; CREATE SCHEMA d;
    CREATE TABLE d.t1 (id int PRIMARY KEY, c text CONSTRAINT c_len CHECK (length(c) < 10));
    CREATE VIEW d.v1 AS SELECT * FROM d.t1;
    CREATE TABLE d."Odd Name" ("Col A" int, b int);
    CREATE INDEX odd_idx ON d."Odd Name" (b);
    CREATE FUNCTION d.f(x int, y text) RETURNS int LANGUAGE sql AS 'SELECT x';
    CREATE FUNCTION d.trg() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
    CREATE TRIGGER t1_trg BEFORE INSERT ON d.t1 FOR EACH ROW EXECUTE FUNCTION d.trg();`, { db: DB });
  t = await startTusk({});
  c = new Client(t.url);
  c.csrf = (await c.post('api/v1/auth/login', ADMIN)).body.csrf_token;
  id = (await c.post('api/v1/servers', { name: 'pg', host: pg.host, port: pg.port, username: pg.user })).body.server.id;
  assert.equal((await c.post(`api/v1/servers/${id}/connect`, { password: pg.password })).status, 200);
});

after(async () => assert.equal(await t.stop(), 0, t.output()));

const base = `/databases/${DB}/schemas/d`;
const drop = (path, extra = {}) => c.post(`api/v1/servers/${id}/objects/drop`, { path, ...extra });
const exists = (sql) => psql(sql, { db: DB }) === 't';

test('the preview shows the statement and drops nothing', async () => {
  const r = await drop(`${base}/tables/t1`, { preview: true });
  assert.equal(r.status, 200, r.raw);
  assert.deepEqual(r.body, { sql: 'DROP TABLE d.t1;', done: false, transaction: true });
  assert.ok(exists("SELECT to_regclass('d.t1') IS NOT NULL"));
  assert.equal((await drop(`${base}/tables/t1`, { preview: true, cascade: true })).body.sql, 'DROP TABLE d.t1 CASCADE;');
});

test("parts of a table, functions and odd names get the right statement", async () => {
  const cases = [
    [`${base}/tables/t1/columns/c`, 'ALTER TABLE d.t1 DROP COLUMN c;'],
    [`${base}/tables/t1/constraints/c_len`, 'ALTER TABLE d.t1 DROP CONSTRAINT c_len;'],
    [`${base}/tables/t1/triggers/t1_trg`, 'DROP TRIGGER t1_trg ON d.t1;'],
    [`${base}/tables/Odd Name/indexes/odd_idx`, 'DROP INDEX d.odd_idx;'],
    [`${base}/tables/Odd Name/columns/Col A`, 'ALTER TABLE d."Odd Name" DROP COLUMN "Col A";'],
    [`${base}/functions/f(x integer, y text)`, 'DROP FUNCTION d.f(integer, pg_catalog.text);'],
    [`${base}/views/v1`, 'DROP VIEW d.v1;'],
    [`${base}`.replace(/\/d$/, '/d'), 'DROP SCHEMA d;'],
  ];
  for (const [path, sql] of cases) {
    const r = await drop(path, { preview: true });
    assert.equal(r.status, 200, `${path}: ${r.raw}`);
    assert.equal(r.body.sql, sql, path);
  }
  const db = await drop(`/databases/${DB}`, { preview: true });
  assert.equal(db.status, 422);
});

test('a drop blocked by dependents reports PostgreSQL; cascade drops them; parts drop for real', async () => {
  const blocked = await drop(`${base}/tables/t1`);
  assert.equal(blocked.status, 409);
  assert.equal(blocked.body.error.code, 'drop_failed');
  assert.equal(blocked.body.error.sqlstate, '2BP01');
  assert.match(blocked.body.error.detail, /view d\.v1 depends on table d\.t1/);
  assert.ok(exists("SELECT to_regclass('d.t1') IS NOT NULL"), 'rolled back');
  assert.equal((await drop(`${base}/tables/Odd Name/columns/Col A`)).status, 200);
  assert.ok(exists("SELECT NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'd.\"Odd Name\"'::regclass AND attname = 'Col A' AND NOT attisdropped)"));
  const done = await drop(`${base}/tables/t1`, { cascade: true });
  assert.deepEqual(done.body, { sql: 'DROP TABLE d.t1 CASCADE;', done: true, transaction: true });
  assert.ok(exists("SELECT to_regclass('d.t1') IS NULL AND to_regclass('d.v1') IS NULL"));
  assert.equal((await drop(`${base}/tables/t1`)).status, 404);
});
