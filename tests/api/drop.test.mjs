// Drop and Drop Cascade from the tree: the SQL preview, the transaction,
// PostgreSQL's error in place, names quoted by PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { pg, psql } from '../lib/pg.mjs';
import { connectedAdmin } from '../lib/admin.mjs';

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
  ({ t, c, id } = await connectedAdmin());
});

after(async () => assert.equal(await t.stop(), 0, t.output()));

const base = `/databases/${DB}/schemas/d`;
const drop = (path, extra = {}) => c.post(`api/v1/servers/${id}/objects/drop`, { path, ...extra });
const exists = (sql) => psql(sql, { db: DB }) === 't';

test('the preview shows the statement and drops nothing', async () => {
  const r = await drop(`${base}/tables/t1`, { preview: true });
  assert.equal(r.status, 200, r.raw);
  const { annotations, ...answer } = r.body;
  assert.deepEqual(answer, { sql: 'DROP TABLE d.t1;', done: false, transaction: true });
  assert.deepEqual([annotations[0].pg_lock, annotations[0].table.name], ['AccessExclusiveLock', 't1'], 'its lock (ddl-annotations.test.mjs)');
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
  assert.deepEqual(db.body, { sql: `DROP DATABASE ${DB};`, done: false, transaction: false });
  const forced = await drop(`/databases/${DB}`, { preview: true, force: true });
  assert.equal(forced.body.sql, `DROP DATABASE ${DB} WITH (FORCE);`);
  const notDb = await drop(`${base}/tables/t1`, { preview: true, force: true });
  assert.equal(notDb.status, 400, notDb.raw);
  assert.match(notDb.body.error.message, /databases only/);
});

const dbExists = (name) => psql(`SELECT count(*) FROM pg_database WHERE datname = '${name}'`) === '1';

test("a database drops although Tusk's own tree browsed it (its idle connections are closed first)", async () => {
  for (const name of ['drop_me', 'Drop Me Too']) {
    psql(`DROP DATABASE IF EXISTS "${name}"`);
    psql(`CREATE DATABASE "${name}"`);
    psql('CREATE SCHEMA s; CREATE TABLE s.t (id int)', { db: name });
    // browsing leaves pooled connections to the database open in Tusk
    const kids = await c.get(`api/v1/servers/${id}/objects?path=${encodeURIComponent(`/databases/${name}/schemas/s`)}`);
    assert.equal(kids.status, 200, kids.raw);
    assert.ok(psql(`SELECT count(*) FROM pg_stat_activity WHERE datname = '${name}'`) >= 1, 'Tusk holds a connection');
    const r = await drop(`/databases/${name}`);
    assert.equal(r.status, 200, r.raw);
    assert.equal(r.body.done, true);
    assert.equal(r.body.transaction, false);
    assert.ok(!dbExists(name), `${name} is gone`);
  }
});

test('a database another session uses: PostgreSQL says so (55006), Drop (Force) ends the session and drops it', async () => {
  psql('DROP DATABASE IF EXISTS drop_busy');
  psql('CREATE DATABASE drop_busy');
  const sid = (await c.post(`api/v1/servers/${id}/sessions`, { database: 'drop_busy' })).body.session_id;
  assert.ok(sid);
  const blocked = await drop('/databases/drop_busy');
  assert.equal(blocked.status, 409, blocked.raw);
  assert.equal(blocked.body.error.sqlstate, '55006');
  assert.match(blocked.body.error.detail, /other session/);
  assert.ok(dbExists('drop_busy'));
  const forced = await drop('/databases/drop_busy', { force: true });
  assert.equal(forced.status, 200, forced.raw);
  assert.equal(forced.body.sql, 'DROP DATABASE drop_busy WITH (FORCE);');
  assert.ok(!dbExists('drop_busy'));
  await c.del(`api/v1/sessions/${sid}`);
});

test('the maintenance database is refused with the reason; Disconnect closes the tree\'s connections', async () => {
  const r = await drop('/databases/postgres');
  assert.equal(r.status, 422, r.raw);
  assert.match(r.body.error.message, /maintenance database/);
  assert.ok(dbExists('postgres'));
  await c.get(`api/v1/servers/${id}/objects?path=${encodeURIComponent(`/databases/${DB}/schemas`)}`);
  const held = () => Number(psql(`SELECT count(*) FROM pg_stat_activity WHERE datname = '${DB}' AND application_name LIKE 'Tusk - %'`));
  assert.ok(held() >= 1);
  const released = await c.post(`api/v1/servers/${id}/objects/release`, { database: DB });
  assert.equal(released.status, 200, released.raw);
  assert.ok(released.body.closed >= 1);
  let n = held();
  for (let i = 0; i < 50 && n > 0; i++) {
    await new Promise((res) => setTimeout(res, 100));
    n = held();
  }
  assert.equal(n, 0, 'no connection of Tusk\'s to the database is left');
  assert.equal((await c.post(`api/v1/servers/${id}/objects/release`, {})).status, 400);
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
  const { annotations: _, ...ran } = done.body;
  assert.deepEqual(ran, { sql: 'DROP TABLE d.t1 CASCADE;', done: true, transaction: true });
  assert.ok(exists("SELECT to_regclass('d.t1') IS NULL AND to_regclass('d.v1') IS NULL"));
  assert.equal((await drop(`${base}/tables/t1`)).status, 404);
});
