// Attack: an ordinary user registers a server without a password (or with
// service=, a Unix socket, another host) and hopes libpq fills in the Tusk
// process's own credentials: PGPASSWORD, a passfile, a service file, the
// ~/.pgpass of the OS user Tusk runs as. Every such connection is refused;
// where the operator allows a service file or lists hosts, exactly that is
// allowed. Tusk's own secrets are not readable in its environment block.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, tuskBin } from '../lib/tusk.mjs';
import { world, ownServer, startJob, finished, pg } from './lib.mjs';

const running = [];
after(async () => {
  for (const t of running) await t.stop();
});

async function tusk(opts) {
  const w = await world(opts);
  running.push(w.t);
  return w;
}

const noPassword = { username: pg.user, connect: false };

async function connect(c, id, body = {}) {
  return c.post(`api/v1/servers/${id}/connect`, body);
}

test('libpq variables in Tusk\'s environment give a user nothing: PGPASSWORD, PGPASSFILE, PGSERVICEFILE, PGSYSCONFDIR', async () => {
  const dir = tempDir('tusk-sec-env-');
  writeFileSync(join(dir, 'pgpass'), `*:*:*:*:${pg.password}\n`, { mode: 0o600 });
  const service = `[sec]\nhost=${pg.host}\nport=${pg.port}\nuser=${pg.user}\npassword=${pg.password}\n`;
  writeFileSync(join(dir, 'pg_service.conf'), service, { mode: 0o600 });
  const { t, user } = await tusk({
    env: {
      PGPASSWORD: pg.password, PGUSER: pg.user, PGHOST: pg.host, PGPORT: String(pg.port), PGDATABASE: 'postgres',
      PGPASSFILE: join(dir, 'pgpass'), PGSERVICEFILE: join(dir, 'pg_service.conf'), PGSYSCONFDIR: dir, PGSERVICE: 'sec',
    },
  });
  const id = await ownServer(user, noPassword);
  const res = await connect(user, id);
  assert.equal(res.status, 401, res.raw);
  assert.equal(res.body.error.code, 'password_required');
  // service= names the Tusk host's service files: refused unless the operator allows one
  const viaService = (await user.post('api/v1/servers', { name: 'svc', service: 'sec' })).body.server.id;
  const refused = await connect(user, viaService);
  assert.equal(refused.status, 422, refused.raw);
  assert.equal(refused.body.error.code, 'service_not_allowed');
  // and a server without any host would be libpq's default: from the environment, or the local socket
  const noHost = await user.post('api/v1/servers', { name: 'nohost' });
  assert.equal(noHost.status, 400, noHost.raw);
  const log = readFileSync(t.logPath, 'utf8');
  assert.match(log, /ignoring libpq environment variables in server mode names=.*PGPASSWORD/);
  assert.ok(!log.includes(pg.password), 'the password is in no log line');
});

test('the ~/.pgpass and ~/.pg_service.conf of the OS user Tusk runs as give a user nothing', async (ctx) => {
  const home = (() => {
    try {
      return execFileSync('getent', ['passwd', 'postgres'], { encoding: 'utf8' }).split(':')[5];
    } catch {
      return null;
    }
  })();
  if (process.getuid() !== 0 || !home || !existsSync(home)) {
    ctx.skip('needs root and the postgres OS user to run Tusk as another user');
    return;
  }
  const pgpass = join(home, '.pgpass'), services = join(home, '.pg_service.conf');
  const kept = [pgpass, services].filter((f) => existsSync(f));
  for (const f of kept) renameSync(f, `${f}.tusk-test-kept`);
  try {
    writeFileSync(pgpass, `*:*:*:*:${pg.password}\n`, { mode: 0o600 });
    writeFileSync(services, `[home]\nhost=${pg.host}\nport=${pg.port}\nuser=${pg.user}\npassword=${pg.password}\n`, { mode: 0o600 });
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
    for (const f of [pgpass, services]) chownSync(f, uid, gid);
    const base = tempDir('tusk-sec-home-');
    chmodSync(base, 0o755);
    const dataDir = join(base, 'data');
    mkdirSync(dataDir);
    chownSync(dataDir, uid, gid);
    // a copy the postgres user can run wherever the clone is (/root is not open to it)
    const bin = join(base, 'tusk');
    copyFileSync(tuskBin, bin);
    chmodSync(bin, 0o755);
    const { user } = await tusk({ dataDir, spawnWrap: (_, argv) => ['runuser', ['-u', 'postgres', '--', bin, ...argv]] });
    const id = await ownServer(user, noPassword);
    const res = await connect(user, id);
    assert.equal(res.status, 401, `${res.raw}: Tusk used its OS user's ~/.pgpass`);
    const svc = (await user.post('api/v1/servers', { name: 'home-svc', service: 'home' })).body.server.id;
    assert.equal((await connect(user, svc)).status, 422);
  } finally {
    rmSync(pgpass, { force: true });
    rmSync(services, { force: true });
    for (const f of kept) renameSync(`${f}.tusk-test-kept`, f);
  }
});

test('an operator\'s TUSK_PG_SERVICE_FILE is the one service file users may name', async () => {
  const dir = tempDir('tusk-sec-svc-');
  writeFileSync(join(dir, 'services.conf'), `[app]\nhost=${pg.host}\nport=${pg.port}\nuser=${pg.user}\n`, { mode: 0o600 });
  const { user } = await tusk({ env: { TUSK_PG_SERVICE_FILE: join(dir, 'services.conf') } });
  const id = (await user.post('api/v1/servers', { name: 'app', service: 'app' })).body.server.id;
  assert.equal((await connect(user, id)).status, 401, 'the service gives the host, not the password');
  const ok = await connect(user, id, { password: pg.password });
  assert.equal(ok.status, 200, ok.raw);
});

test('TUSK_ALLOWED_HOSTS: only listed addresses, names, ports and socket directories; names are pinned to the address checked', async () => {
  const socketDir = pg.dir ? join(pg.dir, 'socket') : null;
  // nothing listed: any TCP host, but no Unix socket
  {
    const { user } = await tusk();
    if (socketDir) {
      const id = await ownServer(user, { host: socketDir, connect: false });
      const res = await connect(user, id, { password: pg.password });
      assert.equal(res.status, 422, res.raw);
      assert.equal(res.body.error.code, 'host_not_allowed');
    }
  }
  // a range that does not hold the cluster
  {
    const { user } = await tusk({ env: { TUSK_ALLOWED_HOSTS: '10.0.0.0/8, db.example.com' } });
    for (const host of [pg.host, 'localhost']) {
      const id = await ownServer(user, { host, connect: false });
      const res = await connect(user, id, { password: pg.password });
      assert.equal(res.status, 422, `${host}: ${res.raw}`);
      assert.equal(res.body.error.code, 'host_not_allowed');
    }
    // an allowed name with a hostaddr elsewhere: the address decides
    const id = await ownServer(user, { host: 'db.example.com', params: { hostaddr: pg.host }, connect: false });
    assert.equal((await connect(user, id, { password: pg.password })).status, 422);
    // probing a port answers the same as any refused host, before a packet is sent
    const probe = await ownServer(user, { host: pg.host, port: 22, connect: false });
    const answer = await connect(user, probe, { password: 'x' });
    assert.equal(answer.status, 422);
    assert.match(answer.body.error.message, /is not among the servers this Tusk may connect to/);
  }
  // the cluster's address and port listed; a name resolving there is pinned
  {
    const list = `127.0.0.0/8:${pg.port}${socketDir ? `, ${socketDir}` : ''}`;
    const { user } = await tusk({ env: { TUSK_ALLOWED_HOSTS: list } });
    const byName = await ownServer(user, { host: 'localhost' });
    const job = await startJob(user, byName, 'backup', 'postgres', { file: 'p.sql', format: 'plain', schema_only: true });
    const done = await finished(user, job.body.job.id);
    assert.equal(done.state, 'succeeded', done.reason);
    assert.match(done.command, /host=localhost .*hostaddr=127\.0\.0\.1/, 'pg_dump connects to the address Tusk checked');
    const otherPort = await ownServer(user, { host: pg.host, port: pg.port + 1, connect: false });
    assert.equal((await connect(user, otherPort, { password: pg.password })).status, 422);
    if (socketDir) {
      const id = await ownServer(user, { host: socketDir, connect: false });
      const res = await connect(user, id, { password: pg.password });
      assert.equal(res.status, 200, res.raw);
    }
  }
  // a malformed list stops Tusk at start with the reason
  await assert.rejects(world({ env: { TUSK_ALLOWED_HOSTS: 'not a host!' } }), /TUSK_ALLOWED_HOSTS: 'host!' is not/);
});

test('libpq\'s file defaults point nowhere for users\' connections; the children\'s home is empty', async () => {
  const { t, user } = await tusk();
  const id = await ownServer(user);
  const job = await startJob(user, id, 'backup', 'postgres', { file: 'x.sql', format: 'plain', schema_only: true });
  const done = await finished(user, job.body.job.id);
  assert.equal(done.state, 'succeeded', done.reason);
  const home = join(t.dataDir, 'child-home');
  for (const key of ['sslcert', 'sslkey', 'sslrootcert', 'sslcrl']) assert.match(done.command, new RegExp(`${key}=${home}/none`));
  assert.deepEqual(readdirSync(home), []);
  assert.equal(statSync(home).mode & 0o777, 0o500);
});

test('Tusk\'s own secrets are blanked in its environment block once read', async () => {
  const token = 'metrics-token-sec-0123456789';
  const { t } = await tusk({ env: { TUSK_METRICS_TOKEN: token } });
  const environ = readFileSync(`/proc/${t.proc.pid}/environ`, 'utf8');
  assert.ok(!environ.includes(token), 'the metrics token');
  assert.ok(!environ.includes('admin-test-password-1'), 'the first administrator\'s password');
  // the token still works: it was read before it was blanked
  const res = await fetch(new URL('metrics', t.url), { headers: { authorization: `Bearer ${token}` } });
  assert.equal(res.status, 200);
});
