// Schema Diff: POST /api/v1/schema-diff. For each pair in tests/fixtures/schema-diff (a source and a target
// database), the script the diff writes, applied to the target, must make `pg_dump --schema-only` of the
// compared scope the same as the source's, and a second diff must find nothing to do. The lock each kind of
// statement is annotated with is checked against pg_locks, read from a second connection while the statement
// holds its lock in a transaction left open.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTusk, ADMIN } from '../lib/tusk.mjs';
import { Client } from '../lib/http.mjs';
import { pg, psql, serverVersion, pgDumpMajor } from '../lib/pg.mjs';

let SRC, TGT;
const made = [];
const FIXTURES = new URL('../fixtures/schema-diff/', import.meta.url).pathname;
const env = { ...process.env, PGHOST: pg.host, PGPORT: String(pg.port), PGUSER: pg.user, PGPASSWORD: pg.password };
let t, c, id;

before(async () => {
  psql(`DO $$BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sd_owner') THEN CREATE ROLE sd_owner; END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sd_reader') THEN CREATE ROLE sd_reader; END IF;
  END$$`);
  t = await startTusk({});
  c = new Client(t.url);
  c.csrf = (await c.post('api/v1/auth/login', ADMIN)).body.csrf_token;
  id = (await c.post('api/v1/servers', { name: 'pg', host: pg.host, port: pg.port, username: pg.user })).body.server.id;
  assert.equal((await c.post(`api/v1/servers/${id}/connect`, { password: pg.password })).status, 200);
});

after(async () => {
  if (t) assert.equal(await t.stop(), 0, t.output());
  for (const db of made) psql(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
});

// "-- @pg14 " starts a line only PostgreSQL 14 and later run (column compression)
function fixture(name) {
  const text = readFileSync(join(FIXTURES, name), 'utf8')
    .replace(/^-- @pg14 (.*)$/gm, (_, line) => (serverVersion() >= 140000 ? line : ''));
  const [, source, target] = text.split(/^-- @(?:source|target)$/m);
  return { source, target };
}

// a new pair of databases for each case (pooled connections stay open to the last pair)
function fresh(name, { source, target }) {
  const base = `sd_${name.replace(/\W/g, '_')}`;
  [SRC, TGT] = [`${base}_source`, `${base}_target`];
  for (const db of [SRC, TGT]) {
    psql(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    psql(`CREATE DATABASE ${db}`);
    made.push(db);
  }
  psql(source, { db: SRC });
  psql(target, { db: TGT });
}

const diff = (schema, extra = {}) => c.post('api/v1/schema-diff', {
  source: { server_id: id, database: SRC, ...(schema ? { schema } : {}) },
  target: { server_id: id, database: TGT, ...(schema ? { schema } : {}) },
  ...extra,
});

function apply(script) {
  const file = join(mkdtempSync(join(tmpdir(), 'sd-')), 'script.sql');
  writeFileSync(file, script);
  execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-1', '-d', TGT, '-f', file], { env, encoding: 'utf8', stdio: 'pipe' });
}

function dump(db, schema) {
  const out = execFileSync('pg_dump', ['--schema-only', ...(schema ? ['-n', schema] : []), '-d', db], { env, encoding: 'utf8' });
  return out.split('\n').filter((l) => !l.startsWith('--') && !/^SET |^SELECT pg_catalog.set_config|^\\(un)?restrict /.test(l))
    .join('\n').replace(/\n{3,}/g, '\n\n').trim();
}

const dumpable = () => pgDumpMajor() >= Math.floor(serverVersion() / 10000);

// A CREATE TABLE's column lines in name order (the last one's missing comma added): what column_order.sql compares,
// since PostgreSQL appends a new column and Tusk does not rebuild a table to place it.
function columnsByName(text) {
  return text.replace(/(CREATE TABLE [^\n]* \(\n)((?:    [^\n]*\n)+)(\);)/g, (_, head, body, tail) =>
    head + body.trimEnd().split('\n').map((l) => l.replace(/,$/, '')).sort().join(',\n') + '\n' + tail);
}

function sameDump(schema, script, { anyColumnOrder = false } = {}) {
  if (!dumpable()) return;
  const norm = anyColumnOrder ? columnsByName : (x) => x;
  const want = norm(dump(SRC, schema)), got = norm(dump(TGT, schema));
  if (want !== got) {
    const a = want.split('\n'), b = got.split('\n');
    const i = a.findIndex((l, k) => l !== b[k]);
    assert.fail(`dumps differ at line ${i}:\n  source: ${a[i]}\n  target: ${b[i]}\n--- script ---\n${script}`);
  }
}

const CASES = readdirSync(FIXTURES).filter((f) => f.endsWith('.sql')).sort();

for (const name of CASES) {
  test(`${name}: the script makes the target's pg_dump the source's, and a second diff is empty`, async () => {
    const scope = name === 'whole.sql' ? null : 'sd';
    fresh(name, fixture(name));
    const r = await diff(scope);
    assert.equal(r.status, 200, r.raw);
    assert.ok(r.body.statements.length > 0, 'something to do');
    assert.deepEqual(r.body.warnings, [], r.body.script);
    assert.ok(r.body.summary.different + r.body.summary.source_only + r.body.summary.target_only > 0);
    try {
      apply(r.body.script);
    } catch (e) {
      assert.fail(`the script failed: ${e.stderr}\n--- script ---\n${r.body.script}`);
    }
    const appended = name === 'column_order.sql';
    sameDump(scope, r.body.script, { anyColumnOrder: appended });
    if (appended) columnOrder(r.body);
    const again = await diff(scope);
    assert.equal(again.status, 200, again.raw);
    const left = again.body.objects.filter((o) => o.state !== 'identical');
    assert.deepEqual(left.map((o) => `${o.id} ${o.state}`), [], again.body.script);
    assert.equal(again.body.script, '');
  });
}

// What column_order.sql decides: the new middle column is appended, and both the comparison and the script say so;
// the dumps differ in the column order only (sameDump above compared them with the columns in name order).
function columnOrder(body) {
  const person = body.objects.find((o) => o.id === 'table/sd/person');
  assert.equal(person.notes.length, 1, JSON.stringify(person.notes));
  assert.match(person.notes[0], /column middle goes at the end: PostgreSQL appends new columns \(in the source it is column 2 of 4, before name\)/);
  const swapped = body.objects.find((o) => o.id === 'table/sd/swapped');
  assert.deepEqual(swapped.notes, ['the columns are in another order: a, b in the source, b, a in the target; the script does not reorder them (that means rebuilding the table)']);
  const add = body.statements.find((s) => /ADD COLUMN "middle"/.test(s.sql));
  assert.ok(add, body.script);
  assert.match(add.comment, /^column middle goes at the end/);
  assert.match(body.script, /-- column middle goes at the end[^\n]*\n(-- [^\n]*\n)?ALTER TABLE "sd"\."person" ADD COLUMN "middle" text;/);
  assert.equal(body.statements.find((s) => /ADD COLUMN "last"/.test(s.sql)).comment, null, 'the last column lands where it is');
  if (!dumpable()) return;
  const want = dump(SRC, 'sd'), got = dump(TGT, 'sd');
  assert.notEqual(want, got, "the target's columns are in another order");
  assert.match(got, /CREATE TABLE sd\.person \(\n    id integer,\n    name text,\n    middle text,\n    last integer\n\);/);
}

// PostgreSQL's lock modes, weakest first
const MODES = ['AccessShareLock', 'RowShareLock', 'RowExclusiveLock', 'ShareUpdateExclusiveLock', 'ShareLock',
  'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'];

// Runs sql in a transaction on db and, while it is open, returns the modes other sessions see it hold on
// schema.table (pg_locks from a second connection); then commits.
async function locksWhile(db, sql, schema, table) {
  const child = spawn('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', db], { env });
  let out = '', err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.stdin.write(`BEGIN;\n${sql}\n\\echo READY\n`);
  const deadline = Date.now() + 20000;
  while (!out.includes('READY')) {
    if (Date.now() > deadline || child.exitCode !== null) assert.fail(`${sql}: ${err}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const modes = psql(`SELECT l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
    JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_database d ON d.oid = l.database
    WHERE d.datname = '${db}' AND n.nspname = '${schema}' AND c.relname = '${table}' AND l.granted
    AND l.pid <> pg_backend_pid()`, { db }).split('\n').filter(Boolean);
  child.stdin.end('COMMIT;\n');
  assert.equal(await exited, 0, err);
  return modes;
}

// Runs the script of a fixture statement by statement, each one that names its table's lock while pg_locks is read
// from another session; returns the locks seen.
async function checkLocks(name) {
  fresh(`${name.replace(/\.sql$/, '')}_live`, fixture(name));
  const r = await diff('sd');
  assert.equal(r.status, 200, r.raw);
  const seen = new Set();
  for (const st of r.body.statements) {
    if (!st.table || !st.pg_lock) {
      psql(st.sql, { db: TGT });
      continue;
    }
    const modes = await locksWhile(TGT, st.sql, st.table.schema, st.table.name);
    const strongest = modes.reduce((a, m) => (MODES.indexOf(m) > MODES.indexOf(a) ? m : a), MODES[0]);
    assert.equal(strongest, st.pg_lock, `${st.sql}\n  annotated ${st.lock}, held: ${modes.join(', ')}`);
    assert.equal(typeof st.table.size, 'number');
    if (st.table.name === 'big') assert.ok(st.table.size > 8192, `${st.sql}: the table's live size`);
    seen.add(st.pg_lock);
  }
  sameDump('sd', r.body.script);
  return seen;
}

test('each statement takes on its table the lock it is annotated with, as pg_locks shows from another session', async () => {
  const seen = await checkLocks('locks.sql');
  // the corpus covers the lock modes the annotations name
  assert.deepEqual([...seen].sort(), ['AccessExclusiveLock', 'ShareLock', 'ShareRowExclusiveLock', 'ShareUpdateExclusiveLock']);
});

test('row security, policies, rules and column settings take the locks they are annotated with', async () => {
  const seen = new Set();
  for (const name of ['security.sql', 'rules.sql', 'column_settings.sql']) for (const l of await checkLocks(name)) seen.add(l);
  assert.deepEqual([...seen].sort(), ['AccessExclusiveLock', 'ShareUpdateExclusiveLock']);
});

// partitions.sql: a partition made (CREATE TABLE ... PARTITION OF) or dropped locks its partitioned table, a new
// partitioned table comes with its partitions, and the partitioned tables are in the comparison at all (their
// internal dependency on their own key column once read as belonging to another object)
test('partitioned tables: compared, their partitions made and dropped under the lock annotated', async () => {
  fresh('partitions_locks', fixture('partitions.sql'));
  const r = await diff('sd');
  assert.equal(r.status, 200, r.raw);
  const state = Object.fromEntries(r.body.objects.map((o) => [o.id, o.state]));
  assert.equal(state['table/sd/event'], 'source_only');
  assert.equal(state['table/sd/reading'], 'different');
  assert.equal(Object.keys(state).filter((k) => /reading_|event_/.test(k)).length, 0, 'partitions go with their table');
  const made = r.body.statements.filter((s) => /PARTITION OF/.test(s.sql)).map((s) => s.sql);
  assert.deepEqual(made, [
    `CREATE TABLE "sd"."event_2024" PARTITION OF "sd"."event" FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');`,
    `CREATE TABLE "sd"."event_2025" PARTITION OF "sd"."event" FOR VALUES FROM ('2025-01-01') TO ('2026-01-01') PARTITION BY LIST (kind);`,
    `CREATE TABLE "sd"."event_2025_a" PARTITION OF "sd"."event_2025" FOR VALUES IN ('a');`,
    'CREATE TABLE "sd"."event_2025_rest" PARTITION OF "sd"."event_2025" DEFAULT;',
    `CREATE TABLE "sd"."reading_east" PARTITION OF "sd"."reading" FOR VALUES IN ('east');`,
    `CREATE TABLE "sd"."reading_south" PARTITION OF "sd"."reading" FOR VALUES IN ('south', 'far south');`,
  ]);
  // the partitioned table's new index is made on it and its partitions (not ON ONLY it)
  assert.ok(r.body.statements.some((s) => s.sql === 'CREATE INDEX reading_value ON sd.reading USING btree (value);'), r.body.script);
  assert.deepEqual(r.body.statements.filter((s) => /^DROP TABLE/.test(s.sql)).map((s) => s.sql).sort(),
    ['DROP TABLE "sd"."reading_south";', 'DROP TABLE "sd"."reading_west";']);
  const seen = await checkLocks('partitions.sql');
  assert.deepEqual([...seen].sort(), ['AccessExclusiveLock', 'ShareLock', 'ShareUpdateExclusiveLock']);
});

test('options: owner and privileges ignored when asked, whitespace in bodies too; select limits the script', async () => {
  fresh('options', {
    source: `CREATE SCHEMA sd; CREATE TABLE sd.a (x int); ALTER TABLE sd.a OWNER TO sd_owner; GRANT SELECT ON sd.a TO sd_reader;
      CREATE FUNCTION sd.f() RETURNS int LANGUAGE sql AS 'SELECT   1'; CREATE TABLE sd.b (y int); CREATE TABLE sd.c (z int);`,
    target: `CREATE SCHEMA sd; CREATE TABLE sd.a (x int);
      CREATE FUNCTION sd.f() RETURNS int LANGUAGE sql AS 'SELECT 1';`,
  });
  const all = await diff('sd');
  assert.equal(all.status, 200, all.raw);
  const state = (body) => Object.fromEntries(body.objects.map((o) => [o.id, o.state]));
  assert.deepEqual(state(all.body), { 'function/sd/f()': 'different', 'table/sd/a': 'different', 'table/sd/b': 'source_only', 'table/sd/c': 'source_only' });
  const loose = await diff('sd', { options: { ignore_owner: true, ignore_privileges: true, ignore_whitespace: true } });
  assert.deepEqual(state(loose.body), { 'function/sd/f()': 'identical', 'table/sd/a': 'identical', 'table/sd/b': 'source_only', 'table/sd/c': 'source_only' });
  assert.deepEqual(loose.body.summary, { identical: 2, different: 0, source_only: 2, target_only: 0 });
  const a = (body) => body.objects.find((o) => o.id === 'table/sd/a');
  assert.match(a(all.body).source_ddl, /ALTER TABLE sd\.a OWNER TO sd_owner/);
  assert.ok(a(all.body).target_ddl);
  const lean = await diff('sd', { options: { table_ddl: false } });
  assert.equal(a(lean.body).source_ddl, null);
  assert.equal(lean.body.script, all.body.script);
  const some = await diff('sd', { select: ['table/sd/c'] });
  assert.deepEqual(some.body.statements.map((s) => s.object), ['table/sd/c']);
  assert.match(some.body.script, /CREATE TABLE sd\.c/);
  assert.doesNotMatch(some.body.script, /sd\.b|sd\.a/);
});

test('bad requests: 400 with a message, 404 for a server the user has not', async () => {
  const side = { server_id: id, database: 'postgres' };
  for (const body of [{}, { source: side }, { source: { ...side, server_id: 'x' }, target: side },
    { source: { ...side, schema: 'public' }, target: side }, { source: side, target: side, options: [] },
    { source: { ...side, schema: 'a' }, target: { ...side, schema: 'b' } }]) {
    const r = await c.post('api/v1/schema-diff', body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.body.error.code, 'invalid_spec');
  }
  const r = await c.post('api/v1/schema-diff', { source: side, target: { ...side, server_id: 9999 } });
  assert.equal(r.status, 404, r.raw);
  const anon = new Client(t.url);
  assert.equal((await anon.post('api/v1/schema-diff', { source: side, target: side })).status, 401);
});
