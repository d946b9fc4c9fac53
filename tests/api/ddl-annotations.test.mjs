// Each statement of a dialog's SQL preview (create, alter, a table's
// Properties edits) carries what it costs, as the schema diff's script does
// (issue 20): the lock it takes on its table, whether it rewrites, scans or
// builds, the table's live size, the safer way and the switch to it where
// Tusk can build it. The lock of each kind is checked against pg_locks,
// read from a second connection while the statement holds it; the safer
// forms (CONCURRENTLY, NOT VALID then VALIDATE after the commit, a
// lock_timeout preamble) run and do what they say.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { pg, psql } from '../lib/pg.mjs';
import { connectedAdmin } from '../lib/admin.mjs';
import { ident, lit, seg } from '../lib/hostile.mjs';

const DB = 'ddl_annot_tests';
const SCHEMA = 'lk "s" ü';
const TABLE = 'big t.x';
let t, c, id;

const q = (sql) => psql(sql, { db: DB });
const rel = `${ident(SCHEMA)}.${ident(TABLE)}`;
const tablePath = `/databases/${DB}/schemas/${seg(SCHEMA)}/tables/${seg(TABLE)}`;
const alter = (changes, preview = true, path = tablePath) => c.post(`api/v1/servers/${id}/objects/alter`, { path, changes, preview });
const create = (kind, spec, preview = true) => c.post(`api/v1/servers/${id}/objects/create`, { database: DB, kind, spec: { schema: SCHEMA, ...spec }, preview });
const env = { ...process.env, PGHOST: pg.host, PGPORT: String(pg.port), PGUSER: pg.user, PGPASSWORD: pg.password };

// PostgreSQL's lock modes, weakest first
const MODES = ['AccessShareLock', 'RowShareLock', 'RowExclusiveLock', 'ShareUpdateExclusiveLock', 'ShareLock',
  'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'];

before(async () => {
  if (!psql(`SELECT 1 FROM pg_database WHERE datname = '${DB}'`)) psql(`CREATE DATABASE ${DB}`);
  q(`DROP SCHEMA IF EXISTS ${ident(SCHEMA)} CASCADE; CREATE SCHEMA ${ident(SCHEMA)};
     CREATE TABLE ${ident(SCHEMA)}.parent (id int PRIMARY KEY); INSERT INTO ${ident(SCHEMA)}.parent SELECT generate_series(1, 10);
     CREATE TABLE ${rel} (id int NOT NULL, v int, p int, note text, "old" int);
     INSERT INTO ${rel} SELECT g, g % 10, g % 10 + 1, repeat('x', 50), g FROM generate_series(1, 20000) g;
     CREATE INDEX ix_v ON ${rel} (v);
     ALTER TABLE ${rel} ADD CONSTRAINT chk_nv CHECK (v >= 0) NOT VALID;
     CREATE FUNCTION ${ident(SCHEMA)}.trg() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
     CREATE TRIGGER tr BEFORE INSERT ON ${rel} FOR EACH ROW EXECUTE FUNCTION ${ident(SCHEMA)}.trg();`);
  ({ t, c, id } = await connectedAdmin());
});

after(async () => {
  assert.equal(await t.stop(), 0, t.output());
  psql(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
});

const size = () => Number(q(`SELECT pg_total_relation_size(${lit(rel)}::regclass)`));

// One edit of the table's Properties, each alone: its statement's lock, effect and the switch to its safer form.
const EDITS = [
  [{ op: 'add_column', column: { name: 'n', type: 'int' } }, 'AccessExclusiveLock', 'none', 'lock_timeout'],
  [{ op: 'drop_column', column: 'note' }, 'AccessExclusiveLock', 'none', 'lock_timeout'],
  [{ op: 'rename_column', column: 'old', to: 'older' }, 'AccessExclusiveLock', 'none', 'lock_timeout'],
  [{ op: 'set_type', column: 'v', type: 'bigint' }, 'AccessExclusiveLock', 'rewrite', null],
  [{ op: 'set_default', column: 'v', default: '0' }, 'AccessExclusiveLock', 'none', 'lock_timeout'],
  [{ op: 'set_not_null', column: 'v' }, 'AccessExclusiveLock', 'scan', null],
  [{ op: 'drop_not_null', column: 'id' }, 'AccessExclusiveLock', 'none', 'lock_timeout'],
  [{ op: 'add_identity', column: 'id', identity: 'always' }, 'AccessExclusiveLock', 'none', 'lock_timeout'],
  [{ op: 'add_constraint', constraint: { type: 'check', name: 'c1', expression: 'v < 100' } }, 'AccessExclusiveLock', 'scan', 'validate_later'],
  [{ op: 'add_constraint', constraint: { type: 'check', name: 'c2', expression: 'v < 100' }, not_valid: true }, 'AccessExclusiveLock', 'none', 'lock_timeout'],
  [{ op: 'add_constraint', constraint: { type: 'foreign_key', name: 'f1', columns: ['p'], references: { schema: SCHEMA, table: 'parent', columns: ['id'] } } }, 'ShareRowExclusiveLock', 'scan', 'validate_later'],
  [{ op: 'add_constraint', constraint: { type: 'primary_key', name: 'pk1', columns: ['id'] } }, 'AccessExclusiveLock', 'build', null],
  [{ op: 'validate_constraint', name: 'chk_nv' }, 'ShareUpdateExclusiveLock', 'scan', null],
  [{ op: 'drop_constraint', name: 'chk_nv' }, 'AccessExclusiveLock', 'none', 'lock_timeout'],
  [{ op: 'create_index', index: { name: 'ix_p', columns: ['p'] } }, 'ShareLock', 'build', 'concurrently'],
  [{ op: 'drop_index', name: 'ix_v' }, 'AccessExclusiveLock', 'none', 'concurrently'],
];

// Runs sql in a transaction on the test database and, while it is open, the modes another session sees it hold
// on schema.name (pg_locks); then rolls back.
async function locksWhile(sql, schema, name) {
  const child = spawn('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', DB], { env });
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
  const modes = q(`SELECT l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ${lit(schema)} AND c.relname = ${lit(name)} AND l.granted AND l.pid <> pg_backend_pid()`).split('\n').filter(Boolean);
  child.stdin.end('ROLLBACK;\n');
  assert.equal(await exited, 0, err);
  return modes.reduce((a, m) => (MODES.indexOf(m) > MODES.indexOf(a) ? m : a), 'none');
}

test('each kind of Properties edit is annotated with its lock, effect, the table and its live size', async () => {
  const bytes = size();
  assert.ok(bytes > 1000000, `the table has rows: ${bytes}`);
  for (const [edit, lock, effect, sw] of EDITS) {
    const r = await alter({ edits: [edit] });
    assert.equal(r.status, 200, r.raw);
    const [a, ...rest] = r.body.annotations;
    assert.deepEqual(rest, [], `${edit.op}: one statement`);
    assert.equal(r.body.sql.trim(), a.sql, `${edit.op}: the annotation names the statement shown`);
    assert.equal(a.pg_lock, lock, `${edit.op}: ${a.sql}`);
    assert.equal(a.effect, effect, `${edit.op}: ${a.sql}`);
    assert.equal(a.switch, sw, `${edit.op}: the switch`);
    assert.equal(a.edit, 0);
    assert.equal(a.alone, false);
    assert.deepEqual(a.table, { schema: SCHEMA, name: TABLE, size: bytes }, `${edit.op}: the table and its size`);
    if (lock !== 'ShareUpdateExclusiveLock') assert.ok(a.safer, `${edit.op}: a safer way is named`);
  }
});

test('the lock each annotation names is the one PostgreSQL takes, as pg_locks shows from another session', async () => {
  for (const [edit] of EDITS) {
    const r = await alter({ edits: [edit] });
    const [a] = r.body.annotations;
    const held = await locksWhile(a.sql, a.table.schema, a.table.name);
    assert.equal(held, a.pg_lock, `${a.sql}\n  annotated ${a.lock}`);
  }
  // an index renamed: the lock is on the index, and only SHARE UPDATE EXCLUSIVE
  const r = await alter({ edits: [{ op: 'rename_index', name: 'ix_v', to: 'ix_v2' }] });
  const [a] = r.body.annotations;
  assert.deepEqual([a.pg_lock, a.table.name], ['ShareUpdateExclusiveLock', 'ix_v']);
  assert.equal(await locksWhile(a.sql, SCHEMA, 'ix_v'), 'ShareUpdateExclusiveLock');
  assert.equal(await locksWhile(a.sql, SCHEMA, TABLE), 'none', 'the table itself is not locked');
});

test('several edits: one annotation each, in the order shown, the CONCURRENTLY ones alone after the commit', async () => {
  const r = await alter({
    edits: [
      { op: 'create_index', index: { name: 'ix_c', columns: ['p'] }, concurrently: true },
      { op: 'add_column', column: { name: 'n', type: 'int' } },
      { op: 'drop_index', name: 'ix_v', concurrently: true },
    ],
    comment: 'annotated',
  });
  assert.equal(r.status, 200, r.raw);
  const a = r.body.annotations;
  assert.deepEqual(a.map((x) => [x.lock, x.alone, x.edit]), [
    ['SHARE UPDATE EXCLUSIVE', false, null],
    ['ACCESS EXCLUSIVE', false, 1],
    ['SHARE UPDATE EXCLUSIVE', true, 0],
    ['SHARE UPDATE EXCLUSIVE', true, 2],
  ]);
  assert.match(a[0].sql, /^COMMENT ON TABLE/);
  assert.match(a[2].sql, /^CREATE INDEX CONCURRENTLY/);
  assert.match(a[3].sql, /^DROP INDEX CONCURRENTLY/);
  let from = 0;
  for (const x of a) {
    const at = r.body.sql.indexOf(x.sql, from);
    assert.ok(at >= from, `in order: ${x.sql}`);
    from = at + x.sql.length;
  }
  assert.ok(a.every((x) => x.switch !== 'concurrently'));
});

test('validate_later: ADD CONSTRAINT ... NOT VALID in the transaction, VALIDATE on its own after the commit', async () => {
  const fk = { op: 'add_constraint', constraint: { type: 'foreign_key', name: 'fk later', columns: ['p'], references: { schema: SCHEMA, table: 'parent', columns: ['id'] } }, validate_later: true };
  const pre = await alter({ edits: [fk] });
  assert.equal(pre.status, 200, pre.raw);
  assert.deepEqual(pre.body.annotations.map((x) => [x.pg_lock, x.effect, x.alone, x.switch]), [
    ['ShareRowExclusiveLock', 'none', false, 'lock_timeout'],
    ['ShareUpdateExclusiveLock', 'scan', true, null],
  ]);
  assert.match(pre.body.annotations[0].sql, /NOT VALID;$/);
  assert.match(pre.body.annotations[1].sql, /^ALTER TABLE .* VALIDATE CONSTRAINT "fk later";$/);
  q(pre.body.annotations[0].sql);
  assert.equal(await locksWhile(pre.body.annotations[1].sql, SCHEMA, TABLE), 'ShareUpdateExclusiveLock');
  q(`ALTER TABLE ${rel} DROP CONSTRAINT "fk later"`);
  const run = await alter({ edits: [fk] }, false);
  assert.equal(run.status, 200, run.raw);
  assert.equal(q(`SELECT convalidated FROM pg_constraint WHERE conname = 'fk later'`), 't');
  q(`ALTER TABLE ${rel} DROP CONSTRAINT "fk later"`);
  const bad = await alter({ edits: [{ ...fk, constraint: { ...fk.constraint, name: '' } }] });
  assert.equal(bad.status, 400, bad.raw);
  assert.match(bad.body.error.message, /validate_later.*name/);
});

test('lock_timeout: the preamble comes first, the statements no longer offer it, and a lock held elsewhere fails it in time', async () => {
  const edits = [{ op: 'add_column', column: { name: 'n2', type: 'int' } }];
  const pre = await alter({ edits, lock_timeout: true });
  assert.equal(pre.status, 200, pre.raw);
  assert.match(pre.body.sql, /^SET LOCAL lock_timeout = '5s';\nALTER TABLE/);
  const [p, a] = pre.body.annotations;
  assert.deepEqual([p.sql, p.lock, a.lock, a.safer, a.switch], ["SET LOCAL lock_timeout = '5s';", null, 'ACCESS EXCLUSIVE', null, null]);
  // another session holds the table: the statement gives up after the timeout instead of queueing
  const holder = spawn('psql', ['-X', '-q', '-At', '-d', DB], { env });
  let out = '';
  holder.stdout.on('data', (d) => { out += d; });
  holder.stdin.write(`BEGIN; LOCK TABLE ${rel} IN ACCESS SHARE MODE;\n\\echo HELD\n`);
  while (!out.includes('HELD')) await new Promise((r) => setTimeout(r, 20));
  const started = Date.now();
  const run = await alter({ edits, lock_timeout: '300ms' }, false);
  const took = Date.now() - started;
  holder.stdin.end('ROLLBACK;\n');
  await new Promise((r) => holder.on('exit', r));
  assert.equal(run.status, 409, run.raw);
  assert.equal(run.body.error.sqlstate, '55P03', run.raw);
  assert.ok(took < 4000, `gave up in ${took} ms`);
  assert.equal(q(`SELECT count(*) FROM pg_attribute WHERE attrelid = ${lit(rel)}::regclass AND attname = 'n2'`), '0');
  const bad = await alter({ edits, lock_timeout: 5 });
  assert.equal(bad.status, 400, bad.raw);
});

test('create dialogs: each statement annotated by kind; an index may be built CONCURRENTLY', async () => {
  const cases = [
    ['column', { table: TABLE, name: 'c_new', type: 'int', comment: 'x' }, [['AccessExclusiveLock', TABLE], ['ShareUpdateExclusiveLock', TABLE]]],
    ['index', { table: TABLE, name: 'ix_new', columns: ['p'] }, [['ShareLock', TABLE]]],
    ['trigger', { table: TABLE, name: 'tr2', timing: 'BEFORE', events: ['UPDATE'], for_each: 'ROW', function: 'trg', function_schema: SCHEMA }, [['ShareRowExclusiveLock', TABLE]]],
    ['policy', { table: TABLE, name: 'pol', using: 'true', enable_rls: true }, [['AccessExclusiveLock', TABLE], ['AccessExclusiveLock', TABLE]]],
    ['table', { name: 'fresh', columns: [{ name: 'a', type: 'int' }], comment: 'new' }, [[null, null], [null, null]]],
    ['function', { name: 'f1', returns: 'int', definition: 'SELECT 1' }, [[null, null]]],
  ];
  const bytes = size();
  for (const [kind, spec, want] of cases) {
    const r = await create(kind, spec);
    assert.equal(r.status, 200, `${kind}: ${r.raw}`);
    assert.deepEqual(r.body.annotations.map((a) => [a.pg_lock, a.table?.name ?? null]), want, `${kind}: ${r.body.sql}`);
    for (const a of r.body.annotations) if (a.table) assert.equal(a.table.size, bytes);
    // the strongest lock of the statements, all run in one transaction as the dialog runs them
    const strongest = r.body.annotations.reduce((m, a) => (MODES.indexOf(a.pg_lock) > MODES.indexOf(m) ? a.pg_lock : m), 'none');
    if (strongest !== 'none') assert.equal(await locksWhile(r.body.sql, SCHEMA, TABLE), strongest, r.body.sql);
  }
  const ix = await create('index', { table: TABLE, name: 'ix_new', columns: ['p'] });
  assert.equal(ix.body.annotations[0].switch, 'concurrently');
  const conc = await create('index', { table: TABLE, name: 'ix_new', columns: ['p'], concurrently: true });
  assert.equal(conc.status, 200, conc.raw);
  assert.equal(conc.body.transaction, false);
  assert.match(conc.body.sql, /^CREATE INDEX CONCURRENTLY "ix_new" ON/);
  assert.deepEqual([conc.body.annotations[0].pg_lock, conc.body.annotations[0].alone, conc.body.annotations[0].switch], ['ShareUpdateExclusiveLock', true, null]);
  const ran = await create('index', { table: TABLE, name: 'ix_new', columns: ['p'], concurrently: true }, false);
  assert.equal(ran.status, 200, ran.raw);
  assert.equal(q(`SELECT indisvalid FROM pg_index WHERE indexrelid = ${lit(`${ident(SCHEMA)}.ix_new`)}::regclass`), 't');
  const refused = await create('index', { table: TABLE, name: 'ix_x', columns: ['p'], concurrently: true, lock_timeout: true });
  assert.equal(refused.status, 400, refused.raw);
});

test('alter dialogs: comment, owner, rename, move, a trigger enabled, row security, each with its lock', async () => {
  q(`CREATE SCHEMA IF NOT EXISTS other; CREATE TABLE ${ident(SCHEMA)}.small (a int)`);
  const small = `/databases/${DB}/schemas/${seg(SCHEMA)}/tables/small`;
  const r = await alter({ comment: 'c', owner: pg.user, name: 'small2', schema: 'other', rls: true }, true, small);
  assert.equal(r.status, 200, r.raw);
  assert.deepEqual(r.body.annotations.map((a) => [a.sql.split(' ').slice(0, 2).join(' '), a.pg_lock, a.table?.name]), [
    ['COMMENT ON', 'ShareUpdateExclusiveLock', 'small'],
    ['ALTER TABLE', 'AccessExclusiveLock', 'small'],
    ['ALTER TABLE', 'AccessExclusiveLock', 'small'],
    ['ALTER TABLE', 'AccessExclusiveLock', 'small'],
    ['ALTER TABLE', 'AccessExclusiveLock', 'small'],
  ]);
  for (const a of r.body.annotations.slice(0, 3)) assert.equal(await locksWhile(a.sql, SCHEMA, 'small'), a.pg_lock, a.sql);
  const trig = await alter({ enabled: false }, true, `${tablePath}/triggers/tr`);
  assert.equal(trig.status, 200, trig.raw);
  const [a] = trig.body.annotations;
  assert.deepEqual([a.pg_lock, a.table.name, a.table.size], ['ShareRowExclusiveLock', TABLE, size()]);
  assert.equal(await locksWhile(a.sql, SCHEMA, TABLE), 'ShareRowExclusiveLock');
});

test('the Drop preview: the lock on the table dropped, or on the table of the column or index dropped, with its size', async () => {
  q(`CREATE TABLE ${ident(SCHEMA)}.gone (a int, b int); INSERT INTO ${ident(SCHEMA)}.gone SELECT g, g FROM generate_series(1, 1000) g; CREATE INDEX gone_a ON ${ident(SCHEMA)}.gone (a)`);
  const drop = (path) => c.post(`api/v1/servers/${id}/objects/drop`, { path: `/databases/${DB}/schemas/${seg(SCHEMA)}/${path}`, cascade: false, preview: true });
  const table = Number(q(`SELECT pg_total_relation_size(${lit(`${ident(SCHEMA)}.gone`)}::regclass)`));
  for (const [path, lock, name, bytes] of [
    ['tables/gone', 'AccessExclusiveLock', 'gone', table],
    ['tables/gone/columns/b', 'AccessExclusiveLock', 'gone', table],
    ['tables/gone/indexes/gone_a', 'AccessExclusiveLock', 'gone_a', Number(q(`SELECT pg_total_relation_size(${lit(`${ident(SCHEMA)}.gone_a`)}::regclass)`))],
  ]) {
    const r = await drop(path);
    assert.equal(r.status, 200, `${path}: ${r.raw}`);
    const [a, ...rest] = r.body.annotations;
    assert.deepEqual(rest, []);
    assert.equal(a.sql, r.body.sql);
    assert.deepEqual([a.pg_lock, a.table.name, a.table.size], [lock, name, bytes], path);
    assert.equal(await locksWhile(a.sql, SCHEMA, name), lock, a.sql);
  }
  q(`CREATE FUNCTION ${ident(SCHEMA)}.f0() RETURNS int LANGUAGE sql AS 'SELECT 1'`);
  const fn = await drop('functions/f0()');
  assert.equal(fn.status, 200, fn.raw);
  assert.deepEqual(fn.body.annotations.map((a) => [a.lock, a.table]), [[null, null]], 'a function: no table lock');
});
