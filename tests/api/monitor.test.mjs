// Live monitoring against the real cluster: a sleeping backend shows up and
// is cancelled and terminated; a lock wait shows who blocks whom; a prepared
// transaction is listed and rolled back; settings, replication slots,
// progress, top statements and table health answer; a role without the right
// is refused with PostgreSQL's reason.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { pg, psql } from '../lib/pg.mjs';
import { connectedAdmin } from '../lib/admin.mjs';

let t, c, id;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A psql session that stays open; write SQL to it as the test goes.
function session(name, db = 'postgres') {
  const p = spawn('psql', ['-X', '-q', '-d', db], {
    env: { ...process.env, PGHOST: pg.host, PGPORT: String(pg.port), PGUSER: pg.user, PGPASSWORD: pg.password, PGAPPNAME: name },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let err = '';
  p.stderr.on('data', (d) => (err += d));
  p.stdout.on('data', () => {});
  const exited = new Promise((r) => p.on('exit', r));
  return { send: (sql) => p.stdin.write(`${sql}\n`), close: () => { p.stdin.end(); return exited; }, stderr: () => err, exited };
}

before(async () => {
  psql(`DROP TABLE IF EXISTS mon_lock; CREATE TABLE mon_lock (id int PRIMARY KEY); INSERT INTO mon_lock VALUES (1);
    DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'mon_user') THEN CREATE ROLE mon_user LOGIN PASSWORD 'mon pw'; END IF; END $$;
    CREATE EXTENSION IF NOT EXISTS pg_stat_statements;`);
  ({ t, c, id } = await connectedAdmin());
});

after(async () => assert.equal(await t.stop(), 0, t.output()));

async function backend(app) {
  for (let i = 0; i < 50; i++) {
    const rows = (await c.get(`api/v1/servers/${id}/activity`)).body.backends;
    const b = rows.find((x) => x.application === app && x.state === 'active');
    if (b) return { b, rows };
    await sleep(100);
  }
  throw new Error(`no active backend for ${app}`);
}

test('a sleeping backend shows with its query and can be cancelled, then terminated', async () => {
  const s = session('tusk_sleeper');
  s.send('SELECT pg_sleep(30);');
  const { b, rows } = await backend('tusk_sleeper');
  assert.equal(b.query, 'SELECT pg_sleep(30);');
  assert.equal(b.wait_event, 'PgSleep');
  assert.ok(Number(b.query_seconds) >= 0);
  assert.ok(rows.some((x) => x.is_tusk === 't'), "Tusk's own connection is marked");
  assert.deepEqual((await c.post(`api/v1/servers/${id}/activity/${b.pid}/cancel`, {})).body, { pid: Number(b.pid), signalled: true });
  for (let i = 0; i < 50 && !/canceling statement due to user request/.test(s.stderr()); i++) await sleep(100);
  assert.match(s.stderr(), /canceling statement due to user request/);
  s.send('SELECT pg_sleep(30);');
  const again = (await backend('tusk_sleeper')).b;
  assert.equal((await c.post(`api/v1/servers/${id}/activity/${again.pid}/terminate`, {})).status, 200);
  await s.exited;
  assert.match(s.stderr(), /terminating connection due to administrator command/);
  assert.equal((await c.post(`api/v1/servers/${id}/activity/999999/terminate`, {})).status, 404);
});

test('a lock held by one session and awaited by another shows the blocking tree', async () => {
  const holder = session('tusk_holder');
  holder.send('BEGIN; LOCK TABLE mon_lock IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(60);');
  const h = (await backend('tusk_holder')).b;
  const waiter = session('tusk_waiter');
  waiter.send('SELECT * FROM mon_lock;');
  const w = (await backend('tusk_waiter')).b;
  let blocked = w;
  for (let i = 0; i < 50 && blocked.blocked_by !== h.pid; i++) {
    await sleep(100);
    blocked = (await c.get(`api/v1/servers/${id}/activity`)).body.backends.find((x) => x.pid === w.pid);
  }
  assert.equal(blocked.blocked_by, h.pid);
  assert.equal(blocked.wait_event_type, 'Lock');
  const locks = (await c.get(`api/v1/servers/${id}/locks`)).body.locks;
  const waiting = locks.find((l) => l.pid === w.pid && l.granted === 'f');
  assert.equal(waiting.relation, 'mon_lock');
  assert.ok(locks.some((l) => l.pid === h.pid && l.granted === 't' && l.mode === 'AccessExclusiveLock'));
  await c.post(`api/v1/servers/${id}/activity/${h.pid}/terminate`, {});
  await holder.exited;
  await waiter.close();
});

test('a lock on a relation of another database shows the relation\'s name, not its OID', async () => {
  psql('DROP DATABASE IF EXISTS mon_other');
  psql('CREATE DATABASE mon_other');
  psql('CREATE SCHEMA far; CREATE TABLE far."Held Here" (id int)', { db: 'mon_other' });
  const holder = session('tusk_far_holder', 'mon_other');
  holder.send('BEGIN; LOCK TABLE far."Held Here" IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(60);');
  const h = (await backend('tusk_far_holder')).b;
  let mine = [];
  for (let i = 0; i < 50 && !mine.some((l) => l.locktype === 'relation'); i++) {
    mine = (await c.get(`api/v1/servers/${id}/locks`)).body.locks.filter((l) => l.pid === h.pid);
    if (!mine.length) await sleep(100);
  }
  const held = mine.find((l) => l.locktype === 'relation' && l.mode === 'AccessExclusiveLock');
  assert.equal(held.database, 'mon_other');
  assert.equal(held.relation, 'far."Held Here"');
  await c.post(`api/v1/servers/${id}/activity/${h.pid}/terminate`, {});
  await holder.exited;
  psql('DROP DATABASE mon_other WITH (FORCE)');
});

test('server actions: reload the configuration, a named restore point; a primary has no WAL replay to pause', async () => {
  const act = (body) => c.post(`api/v1/servers/${id}/actions`, body);
  const reload = await act({ action: 'reload_configuration' });
  assert.equal(reload.status, 200, reload.raw);
  assert.deepEqual(reload.body, { sql: 'SELECT pg_catalog.pg_reload_conf()::text', result: 'true' });
  assert.equal((await act({ action: 'restore_point' })).status, 400);
  const point = await act({ action: 'restore_point', name: "before the 'big' migration" });
  assert.equal(point.status, 200, point.raw);
  assert.match(point.body.result, /^[0-9A-F]+\/[0-9A-F]+$/);
  const pause = await act({ action: 'pause_replay' });
  assert.equal(pause.status, 409, pause.raw);
  assert.equal(pause.body.error.code, 'action_failed');
  assert.equal(pause.body.error.sqlstate, '55000');
  assert.match(pause.body.error.message, /recovery is not in progress/);
  const odd = await act({ action: 'shutdown' });
  assert.equal(odd.status, 400);
  assert.match(odd.body.error.message, /reload_configuration/);
});

test('a prepared transaction is listed and rolled back', async () => {
  psql("BEGIN; INSERT INTO mon_lock VALUES (2); PREPARE TRANSACTION 'tusk_gid';");
  const list = (await c.get(`api/v1/servers/${id}/prepared`)).body.prepared;
  const p = list.find((x) => x.gid === 'tusk_gid');
  assert.equal(p.database, 'postgres');
  const r = await c.post(`api/v1/servers/${id}/prepared/rollback`, { gid: 'tusk_gid', database: 'postgres' });
  assert.equal(r.status, 200, r.raw);
  assert.ok(!(await c.get(`api/v1/servers/${id}/prepared`)).body.prepared.some((x) => x.gid === 'tusk_gid'));
  assert.equal(psql('SELECT count(*) FROM mon_lock'), '1');
  assert.equal((await c.post(`api/v1/servers/${id}/prepared/commit`, { gid: 'tusk_gid', database: 'postgres' })).status, 404);
});

test('settings, replication slots, progress, top statements and table health', async () => {
  const s = (await c.get(`api/v1/servers/${id}/settings?q=wal_level`)).body.settings;
  const wl = s.find((x) => x.name === 'wal_level');
  assert.equal(wl.setting, 'logical');
  assert.equal(wl.changed, 't');
  assert.equal(wl.pending_restart, 'f');
  psql("SELECT pg_create_logical_replication_slot('tusk_slot', 'test_decoding') WHERE NOT EXISTS (SELECT FROM pg_replication_slots WHERE slot_name = 'tusk_slot')");
  const rep = (await c.get(`api/v1/servers/${id}/replication`)).body;
  const slot = rep.slots.find((x) => x.slot_name === 'tusk_slot');
  assert.equal(slot.plugin, 'test_decoding');
  assert.ok(Number(slot.retained_bytes) >= 0);
  assert.ok(Array.isArray(rep.standbys) && Array.isArray(rep.subscriptions));
  psql("SELECT pg_drop_replication_slot('tusk_slot')");
  assert.ok(Array.isArray((await c.get(`api/v1/servers/${id}/progress`)).body.progress));
  psql('SELECT count(*) FROM mon_lock');
  const st = await c.get(`api/v1/servers/${id}/statements?database=postgres`);
  assert.equal(st.status, 200, st.raw);
  assert.ok(st.body.statements.length > 0 && 'mean_ms' in st.body.statements[0]);
  assert.deepEqual([...new Set(st.body.statements.map((x) => x.database))], ['postgres'], 'a database sees its own statements');
  const all = await c.get(`api/v1/servers/${id}/statements`);
  assert.equal(all.status, 200, all.raw);
  assert.ok(all.body.statements.length >= st.body.statements.length);
  if (!psql("SELECT 1 FROM pg_database WHERE datname = 'mon_nostats'")) psql('CREATE DATABASE mon_nostats');
  const none = await c.get(`api/v1/servers/${id}/statements?database=mon_nostats`);
  assert.equal(none.status, 404);
  assert.equal(none.body.error.code, 'extension_missing');
  assert.match(none.body.error.message, /CREATE EXTENSION pg_stat_statements/);
  const health = (await c.get(`api/v1/servers/${id}/health?database=postgres`)).body.tables;
  const mon = health.find((x) => x.table === 'mon_lock');
  assert.ok(Number(mon.total_bytes) > 0);
  assert.ok('dead_tuples' in mon && 'unused_indexes' in mon);
});

test('a role without the right is refused with PostgreSQL\'s reason', async () => {
  const weak = (await c.post('api/v1/servers', { name: 'weak', host: pg.host, port: pg.port, username: 'mon_user' })).body.server.id;
  assert.equal((await c.post(`api/v1/servers/${weak}/connect`, { password: 'mon pw' })).status, 200);
  const s = session('tusk_protected');
  s.send('SELECT pg_sleep(30);');
  const b = (await backend('tusk_protected')).b;
  const r = await c.post(`api/v1/servers/${weak}/activity/${b.pid}/terminate`, {});
  assert.equal(r.status, 403);
  assert.equal(r.body.error.code, 'permission_denied');
  assert.match(r.body.error.message, /permission denied|must be a superuser/i);
  await c.post(`api/v1/servers/${id}/activity/${b.pid}/terminate`, {});
  await s.exited;
});
