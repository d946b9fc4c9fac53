// Attack: fill the disk through jobs. With a 1 MiB storage quota, a backup
// (a file or a directory) or an export of several MiB stops at the quota,
// its partial output is removed and the job says so; what fits still works.
// Uploads a crashed Tusk left half-written are removed at the next start and
// never counted against the quota.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTusk, storeUrlFor, tempDir } from '../lib/tusk.mjs';
import { world, login, ATTACKER, ownServer, startJob, finished, waitFor, psql, pg } from './lib.mjs';

const DB = 'sec_quota';
let w, server, area;

before(async () => {
  psql(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  psql(`CREATE DATABASE ${DB}`);
  // about 8 MB that no compression shrinks much
  psql("CREATE TABLE big AS SELECT g, md5(g::text) || md5((g * 7)::text) || md5((g * 13)::text) AS v FROM generate_series(1, 80000) g", { db: DB });
  w = await world({ env: { TUSK_STORAGE_QUOTA_MB: '1' } });
  server = await ownServer(w.user, { database: DB });
  area = join(w.t.dataDir, 'storage', String(w.user.userId));
});

after(async () => {
  await w.t.stop();
  psql(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
});

async function usage() {
  return (await w.user.get('api/v1/files?path=')).body.usage_bytes;
}

test('a backup or export that passes the quota stops there, its partial output removed', async () => {
  for (const [kind, spec, name] of [
    ['backup', { file: 'big.sql', format: 'plain' }, 'big.sql'],
    ['backup', { file: 'big.dir', format: 'directory', compress: 0 }, 'big.dir'],
    ['backup', { file: 'big.tar', format: 'tar' }, 'big.tar'],
    ['export', { schema: 'public', table: 'big', file: 'big.csv' }, 'big.csv'],
  ]) {
    const res = await startJob(w.user, server, kind, DB, spec);
    assert.equal(res.status, 201, res.raw);
    const job = await finished(w.user, res.body.job.id);
    assert.equal(job.state, 'failed', `${kind} ${name}: ${JSON.stringify(job)}`);
    assert.match(job.reason, /stopped at your storage quota.*the partial output was removed/);
    assert.ok(!existsSync(join(area, name)), `${name} is gone`);
    assert.ok((await usage()) <= 1 << 20, 'the area is within its quota');
  }
  // what fits is written
  const small = await startJob(w.user, server, 'backup', DB, { file: 'schema.sql', format: 'plain', schema_only: true });
  assert.equal((await finished(w.user, small.body.job.id)).state, 'succeeded');
});

test('a running backup\'s output cannot be moved, deleted or replaced away from the quota\'s watch', async () => {
  const holder = spawn('psql', ['-X', '-d', DB, '-c', 'BEGIN; LOCK TABLE big IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(60);'], {
    env: { ...process.env, PGHOST: pg.host, PGPORT: String(pg.port), PGUSER: pg.user, PGPASSWORD: pg.password },
    stdio: 'ignore',
  });
  try {
    await waitFor(() => psql("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'big' AND l.granted AND l.mode = 'AccessExclusiveLock'", { db: DB }) === '1', 'the lock');
    await w.user.post('api/v1/files/folders', { path: 'out' });
    const res = await startJob(w.user, server, 'backup', DB, { file: 'out/held.dump', format: 'custom' });
    assert.equal(res.status, 201, res.raw);
    await waitFor(() => existsSync(join(area, 'out', 'held.dump')), 'the output file');
    for (const [what, answer] of [
      ['move', await w.user.post('api/v1/files/move', { from: 'out/held.dump', to: 'elsewhere.dump' })],
      ['move its folder', await w.user.post('api/v1/files/move', { from: 'out', to: 'out2' })],
      ['delete', await w.user.del('api/v1/files?path=out%2Fheld.dump')],
      ['delete its folder', await w.user.del('api/v1/files?path=out&recursive=true')],
      ['replace by upload', await w.user.request('PUT', 'api/v1/files/upload?path=out%2Fheld.dump&overwrite=true', { body: 'x' })],
      ['replace by another job', await startJob(w.user, server, 'backup', DB, { file: 'out/held.dump', format: 'custom', overwrite: true })],
    ]) {
      assert.equal(answer.status, 409, `${what}: ${answer.raw}`);
      assert.equal(answer.body.error.code, 'in_use', what);
    }
    assert.equal((await w.user.post(`api/v1/jobs/${res.body.job.id}/cancel`, {})).status, 202);
    await finished(w.user, res.body.job.id);
  } finally {
    holder.kill('SIGKILL');
    psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%LOCK TABLE big%' AND pid <> pg_backend_pid()");
  }
});

test('a full area refuses a new backup at once', async () => {
  writeFileSync(join(area, 'filler.bin'), Buffer.alloc(1 << 20, 1));
  const res = await startJob(w.user, server, 'backup', DB, { file: 'more.sql', format: 'plain', schema_only: true });
  assert.equal(res.status, 507, res.raw);
  assert.equal(res.body.error.code, 'quota_exceeded');
});

test('uploads a crash left unfinished are removed at start, and never counted', async () => {
  const dataDir = join(tempDir('tusk-sec-partials-'), 'data');
  let t = await startTusk({ dataDir, env: { TUSK_STORAGE_QUOTA_MB: '1' } });
  const admin = await login(t, { email: 'admin@tusk.local', password: 'admin-test-password-1' });
  await admin.post('api/v1/users', { ...ATTACKER, role: 'user' });
  const user = await login(t, ATTACKER);
  await user.get('api/v1/files?path=');
  await t.stop();
  const mine = join(dataDir, 'storage', String(user.userId));
  mkdirSync(join(mine, 'sub'), { recursive: true });
  writeFileSync(join(mine, '.tusk-upload-crash01'), Buffer.alloc(900 << 10));
  writeFileSync(join(mine, 'sub', '.tusk-upload-crash02'), Buffer.alloc(900 << 10));
  // a pgAdmin folder beside Tusk's is not Tusk's to clean
  mkdirSync(join(dataDir, 'storage', 'ops_example.com'), { recursive: true });
  writeFileSync(join(dataDir, 'storage', 'ops_example.com', '.tusk-upload-theirs'), 'x');
  t = await startTusk({ dataDir, env: { TUSK_STORAGE_QUOTA_MB: '1' } });
  try {
    assert.match(t.output(), /removed uploads a previous run left unfinished files=2/);
    assert.deepEqual(readdirSync(mine).filter((f) => f.startsWith('.tusk-upload-')), []);
    assert.ok(existsSync(join(dataDir, 'storage', 'ops_example.com', '.tusk-upload-theirs')));
    // a leftover older than an hour (another replica's crash) is not counted while it waits for a start
    writeFileSync(join(mine, '.tusk-upload-stale'), Buffer.alloc(900 << 10));
    const past = new Date(Date.now() - 2 * 3600 * 1000);
    utimesSync(join(mine, '.tusk-upload-stale'), past, past);
    const again = await login(t, ATTACKER);
    assert.equal((await again.get('api/v1/files?path=')).body.usage_bytes, 0);
    const up = await again.request('PUT', 'api/v1/files/upload?path=fits.bin', { body: Buffer.alloc(800 << 10) });
    assert.equal(up.status, 201, up.raw);
  } finally {
    await t.stop();
  }
});

test('with a shared PostgreSQL store, a start removes only leftovers old enough to be dead', async () => {
  const dataDir = join(tempDir('tusk-sec-partials-pg-'), 'data');
  const env = { TUSK_STORE_URL: storeUrlFor(dataDir) };
  let t = await startTusk({ dataDir, env });
  await t.stop();
  const area1 = join(dataDir, 'storage', '1');
  mkdirSync(area1, { recursive: true });
  writeFileSync(join(area1, '.tusk-upload-live'), 'another replica is writing this');
  writeFileSync(join(area1, '.tusk-upload-dead'), 'x');
  const past = new Date(Date.now() - 2 * 3600 * 1000);
  utimesSync(join(area1, '.tusk-upload-dead'), past, past);
  t = await startTusk({ dataDir, env });
  await t.stop();
  assert.ok(existsSync(join(area1, '.tusk-upload-live')), 'a fresh one may be another replica\'s upload in progress');
  assert.ok(!existsSync(join(area1, '.tusk-upload-dead')));
});
