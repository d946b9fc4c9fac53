// View/Edit Data: table info, viewing with filter and sort, edits with
// preview, one transaction, per-change conflicts and errors, refusal without
// a primary key, awkward names, and types round-tripping through the grid API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTusk, ADMIN } from '../lib/tusk.mjs';
import { Client } from '../lib/http.mjs';
import { pg, psql } from '../lib/pg.mjs';

let t, c, serverId, sid;
const DB = 'data_tests';

before(async () => {
  if (!psql(`SELECT 1 FROM pg_database WHERE datname = '${DB}'`)) psql(`CREATE DATABASE ${DB}`);
  psql(`DROP SCHEMA IF EXISTS ed CASCADE; CREATE SCHEMA ed;
    CREATE TABLE ed.people (id int PRIMARY KEY, name text NOT NULL UNIQUE, note text, score numeric(12,2) DEFAULT 0);
    INSERT INTO ed.people VALUES (1, 'ada', NULL, 10.5), (2, 'bob', 'x', 3), (3, 'cy', '', 7);
    CREATE TABLE ed.nokey (a int, b text);
    CREATE VIEW ed.people_view AS SELECT * FROM ed.people;
    CREATE TABLE ed."Weird ""T"" able" ("select" int PRIMARY KEY, "Mixed Case" text);
    CREATE TABLE ed.types (id int PRIMARY KEY, b bytea, j json, jb jsonb, arr int[], tarr text[], num numeric,
      ts timestamptz, iv interval, pt point, big bigint, t text, u uuid, bo boolean);`, { db: DB });
  t = await startTusk({ env: { TZ: 'UTC' } });
  c = new Client(t.url);
  c.csrf = (await c.post('api/v1/auth/login', ADMIN)).body.csrf_token;
  serverId = (await c.post('api/v1/servers', { name: 'pg', host: pg.host, port: pg.port, username: pg.user })).body.server.id;
  assert.equal((await c.post(`api/v1/servers/${serverId}/connect`, { password: pg.password })).status, 200);
  sid = (await c.post(`api/v1/servers/${serverId}/sessions`, { database: DB })).body.session_id;
});

after(async () => assert.equal(await t.stop(), 0, t.output()));

const info = (schema, table) => c.get(`api/v1/servers/${serverId}/table?database=${DB}&schema=${encodeURIComponent(schema)}&table=${encodeURIComponent(table)}`);
const edit = (table, changes, extra = {}) => c.post(`api/v1/servers/${serverId}/edits`, { database: DB, schema: 'ed', table, changes, ...extra });

async function waitDone() {
  for (let i = 0; i < 600; i++) {
    const s = (await c.get(`api/v1/sessions/${sid}/status`)).body;
    if (s.state !== 'running') return s;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('timeout');
}

async function query(sql) {
  assert.equal((await c.post(`api/v1/sessions/${sid}/execute`, { sql })).status, 202);
  const s = await waitDone();
  assert.equal(s.state, 'done', JSON.stringify(s.error));
  return (await c.get(`api/v1/sessions/${sid}/results/0/rows?limit=1000`)).body.rows;
}

test('table info: columns, types, defaults, primary key, editable', async () => {
  const p = (await info('ed', 'people')).body;
  assert.deepEqual(p.columns.map((x) => [x.name, x.type, x.primary_key]), [['id', 'integer', true], ['name', 'text', false], ['note', 'text', false], ['score', 'numeric(12,2)', false]]);
  assert.equal(p.columns[3].default, '0');
  assert.deepEqual(p.primary_key, ['id']);
  assert.equal(p.editable, true);
  assert.equal((await info('ed', 'nokey')).body.editable, false);
  assert.equal((await info('ed', 'people_view')).body.editable, false);
  assert.equal((await info('ed', 'missing')).status, 404);
});

test('view data with a filter, sort and limit runs in the tab', async () => {
  const v = await c.post(`api/v1/sessions/${sid}/view`, { schema: 'ed', table: 'people', filter: 'score > 5', order_by: [{ column: 'name', desc: true }], limit: 10 });
  assert.equal(v.status, 202, v.raw);
  assert.equal(v.body.sql, 'SELECT * FROM "ed"."people"\nWHERE score > 5\nORDER BY "name" DESC\nLIMIT 10');
  await waitDone();
  const rows = (await c.get(`api/v1/sessions/${sid}/results/0/rows`)).body.rows;
  assert.deepEqual(rows.map((r) => r[1]), ['cy', 'ada']);
});

test('edits: preview shows the SQL and changes nothing; saving applies all in one transaction', async () => {
  const changes = [
    { op: 'update', key: { id: 2 }, values: { note: "it's new", score: '4.25' } },
    { op: 'insert', values: { id: 4, name: 'dee', note: null } },
    { op: 'delete', key: { id: 3 } },
  ];
  const pre = await edit('people', changes, { preview: true });
  assert.equal(pre.status, 200, pre.raw);
  assert.equal(pre.body.sql, `BEGIN;\nUPDATE "ed"."people" SET "note" = 'it''s new', "score" = '4.25' WHERE "id" = '2' RETURNING *;\nINSERT INTO "ed"."people" ("id", "name", "note") VALUES ('4', 'dee', NULL) RETURNING *;\nDELETE FROM "ed"."people" WHERE "id" = '3';\nCOMMIT;\n`);
  assert.equal(psql('SELECT count(*) FROM ed.people', { db: DB }), '3');
  const res = await edit('people', changes);
  assert.equal(res.status, 200, res.raw);
  assert.equal(res.body.applied, 3);
  assert.deepEqual(res.body.rows[1], [['4', 'dee', null, '0.00']], 'inserted rows come back with their defaults');
  assert.equal(psql("SELECT string_agg(id || ':' || name || ':' || coalesce(note, '<null>') || ':' || score, ',' ORDER BY id) FROM ed.people", { db: DB }),
    "1:ada:<null>:10.50,2:bob:it's new:4.25,4:dee:<null>:0.00");
});

test('a conflict or a constraint error is reported for its change and nothing is saved', async () => {
  const conflict = await edit('people', [
    { op: 'update', key: { id: 1 }, values: { note: 'should roll back' } },
    { op: 'update', key: { id: 99 }, values: { note: 'gone' } },
  ]);
  assert.equal(conflict.status, 409);
  assert.equal(conflict.body.error.code, 'edit_failed');
  assert.equal(conflict.body.error.details[0].change, 1);
  assert.match(conflict.body.error.details[0].message, /row was not found/);
  assert.equal(psql('SELECT note IS NULL FROM ed.people WHERE id = 1', { db: DB }), 't', 'the first change was rolled back');
  const dup = await edit('people', [{ op: 'insert', values: { id: 5, name: 'ada' } }]);
  assert.equal(dup.status, 409);
  assert.equal(dup.body.error.details[0].sqlstate, '23505');
  assert.match(dup.body.error.details[0].detail, /Key \(name\)=\(ada\) already exists/);
  const bad = await edit('people', [{ op: 'update', key: { id: 1 }, values: { nope: 1 } }, { op: 'upsert' }]);
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, 'invalid_change');
  assert.deepEqual(bad.body.error.details.map((d) => d.change), [0, 1]);
});

test('tables without a primary key are not edited', async () => {
  const r = await edit('nokey', [{ op: 'insert', values: { a: 1 } }]);
  assert.equal(r.status, 409);
  assert.equal(r.body.error.code, 'no_primary_key');
  assert.equal((await edit('people_view', [{ op: 'insert', values: { id: 9, name: 'v' } }])).body.error.code, 'no_primary_key');
});

test('names with quotes, spaces, capitals and keywords work', async () => {
  const name = 'Weird "T" able';
  assert.deepEqual((await info('ed', name)).body.primary_key, ['select']);
  const r = await edit(name, [{ op: 'insert', values: { select: 1, 'Mixed Case': 'ok' } }]);
  assert.equal(r.status, 200, r.raw);
  const v = await c.post(`api/v1/sessions/${sid}/view`, { schema: 'ed', table: name, order_by: [{ column: 'Mixed Case' }] });
  assert.equal(v.body.sql, 'SELECT * FROM "ed"."Weird ""T"" able"\nORDER BY "Mixed Case"');
  await waitDone();
  assert.deepEqual((await c.get(`api/v1/sessions/${sid}/results/0/rows`)).body.rows, [['1', 'ok']]);
});

test('types round-trip through edits and the grid API as PostgreSQL text', async () => {
  const long = 'x'.repeat(100000);
  const values = {
    id: '1', b: '\\xdeadbeef', j: '{"a": [1, 2]}', jb: '{"a": [1, 2], "b": null}', arr: '{1,2,NULL}', tarr: '{"a b","c,d",""}',
    num: '12345678901234567890.123456789', ts: '2026-11-24 12:00:00+00', iv: '1 day 02:03:04', pt: '(1.5,-2)', big: '9223372036854775807',
    t: long, u: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', bo: 't',
  };
  const r = await edit('types', [{ op: 'insert', values }]);
  assert.equal(r.status, 200, r.raw);
  const [row] = await query('SELECT * FROM ed.types');
  // the window shows the first 8 KB of the long text; the whole value is read on its own
  assert.deepEqual(row, Object.values(values).map((v, i) => (i === 4 ? '{1,2,NULL}' : v === long ? long.slice(0, 8192) : v)));
  const t = Object.keys(values).indexOf('t');
  assert.deepEqual((await c.get(`api/v1/sessions/${sid}/results/0/rows/0/${t}`)).body, { value: long, bytes: 100000 });
  await edit('types', [{ op: 'insert', values: { id: 2, t: '' } }]);
  const [, second] = await query('SELECT id, t, b FROM ed.types ORDER BY id');
  assert.deepEqual(second, ['2', '', null], 'empty string and NULL stay distinct');
});
