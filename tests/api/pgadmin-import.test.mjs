// Taking over a pgAdmin volume: pgadmin4.db is left byte for byte as it was,
// Tusk's own store starts beside it, pgAdmin's users (e-mail, role) and
// servers (groups, shared, connection parameters) are imported once, and an
// imported user logs in only after an administrator sets a password.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startTusk, tempDir, ADMIN } from '../lib/tusk.mjs';
import { Client } from '../lib/http.mjs';

const fixture = resolve(new URL('../fixtures/pgadmin4-v8.sql', import.meta.url).pathname);
const running = [];

after(async () => {
  for (const t of running) await t.stop();
});

function pgadminVolume() {
  const dataDir = join(tempDir(), 'data');
  mkdirSync(dataDir, { recursive: true });
  execFileSync('sqlite3', [join(dataDir, 'pgadmin4.db')], { input: readFileSync(fixture) });
  return dataDir;
}

const digest = (path) => createHash('sha256').update(readFileSync(path)).digest('hex');

async function login(t, email, password) {
  const c = new Client(t.url);
  const r = await c.post('api/v1/auth/login', { email, password });
  c.csrf = r.body.csrf_token;
  return { c, r };
}

test('a pgAdmin volume: users and servers come over once, pgadmin4.db stays untouched', async () => {
  const dataDir = pgadminVolume();
  const before = digest(join(dataDir, 'pgadmin4.db'));
  // the chart's PGADMIN_DEFAULT_EMAIL is pgAdmin's first user
  const t = await startTusk({ dataDir, env: { PGADMIN_DEFAULT_EMAIL: 'ops@example.com', PGADMIN_DEFAULT_PASSWORD: ADMIN.password } });
  running.push(t);
  assert.match(t.output(), /pgAdmin's users and servers imported; pgadmin4\.db is left untouched users=2 servers=4/);
  // a tunnel pgAdmin kept without its user comes without it, and the log says so
  assert.match(t.output(), /SSH tunnels without their host or user/);
  assert.equal(digest(join(dataDir, 'pgadmin4.db')), before, 'pgadmin4.db is byte for byte the same');
  assert.deepEqual(readdirSync(dataDir).filter((f) => f.startsWith('pgadmin4.db')), ['pgadmin4.db'], 'no -wal or -shm beside it');
  assert.ok(existsSync(join(dataDir, 'tusk.db')), "Tusk's own store beside it");

  const { c: admin, r } = await login(t, 'ops@example.com', ADMIN.password);
  assert.equal(r.status, 200, r.raw);
  const servers = (await admin.get('api/v1/servers')).body.servers;
  const main = servers.find((s) => s.name === 'cnpg-main');
  assert.ok(main, JSON.stringify(servers));
  assert.equal(main.host, 'main-rw.db.svc');
  assert.equal(main.username, 'app');
  assert.equal(main.shared, true);
  assert.equal(main.comment, 'the primary, read-write');
  const groups = (await admin.get('api/v1/server-groups')).body.groups.map((g) => g.name);
  assert.ok(groups.includes('Production'), JSON.stringify(groups));
  const full = (await admin.get(`api/v1/servers/${main.id}`)).body.server;
  assert.equal(JSON.stringify(full).includes('require'), true, 'sslmode came over');
  assert.ok(servers.some((s) => s.name === 'local' && s.port === 5433 && s.role === 'pg_monitor'));

  const users = (await admin.get('api/v1/users')).body.users;
  const dana = users.find((u) => u.email === 'dana.dev@example.com');
  assert.equal(dana.role, 'user');
  assert.equal(dana.password_set, false);
  assert.equal(users.find((u) => u.email === 'ops@example.com').password_set, true);
  assert.equal(users.find((u) => u.email === 'gone@example.com').active, false);

  // an imported user has no password until an administrator sets one; the answer is the one any
  // wrong password gets (it must not tell which addresses have accounts), with a hint for everyone
  const refused = await login(t, 'dana.dev@example.com', 'anything-at-all-1');
  assert.equal(refused.r.status, 401);
  assert.equal(refused.r.body.error.code, 'invalid_credentials');
  assert.match(refused.r.body.error.message, /pgAdmin.*administrator/);
  assert.equal((await admin.put(`api/v1/users/${dana.id}`, { password: 'Dana-new-password-1' })).status, 200);
  const { c: dc, r: dr } = await login(t, 'dana.dev@example.com', 'Dana-new-password-1');
  assert.equal(dr.status, 200, dr.raw);
  const mine = (await dc.get('api/v1/servers')).body.servers;
  assert.ok(mine.some((s) => s.name === 'dev db' && s.maintenance_db === 'app_dev' && !s.use_ssh_tunnel), JSON.stringify(mine));
  // pgAdmin's SSH tunnel comes over (its password, encrypted with pgAdmin's key, does not)
  const via = mine.find((s) => s.name === 'dev via bastion');
  const tunnel = (await dc.get(`api/v1/servers/${via.id}`)).body.server;
  assert.deepEqual(
    [tunnel.use_ssh_tunnel, tunnel.tunnel_host, tunnel.tunnel_port, tunnel.tunnel_username, tunnel.tunnel_authentication, tunnel.tunnel_identity_file, tunnel.tunnel_keepalive, tunnel.has_tunnel_password],
    [true, 'bastion.example.com', 2222, 'dana', 1, '/keys/id_ed25519', 30, false],
  );

  // a restart imports nothing twice
  await t.stop();
  running.pop();
  const again = await startTusk({ dataDir, env: { PGADMIN_DEFAULT_EMAIL: 'ops@example.com', PGADMIN_DEFAULT_PASSWORD: ADMIN.password } });
  running.push(again);
  assert.doesNotMatch(again.output(), /pgAdmin's users and servers imported/);
  const { c: a2 } = await login(again, 'ops@example.com', ADMIN.password);
  assert.equal((await a2.get('api/v1/servers')).body.servers.filter((s) => s.name === 'cnpg-main').length, 1);
  assert.equal(digest(join(dataDir, 'pgadmin4.db')), before);
});

test("each user's pgAdmin storage folder comes over as hard links; pgAdmin's files stay as they were", async () => {
  const dataDir = pgadminVolume();
  const ops = join(dataDir, 'storage', 'ops_example.com');
  mkdirSync(join(ops, 'backups'), { recursive: true });
  writeFileSync(join(ops, 'backups', 'nightly.dump'), 'PGDMP nightly');
  writeFileSync(join(ops, 'pgpass'), 'db:5432:*:app:secret\n', { mode: 0o600 });
  writeFileSync(join(ops, '.tusk-upload-stale'), 'x');
  symlinkSync('/etc/passwd', join(ops, 'escape'));
  // pgAdmin keeps the login name's case in the folder name
  const dana = join(dataDir, 'storage', 'Dana.Dev_Example.com', 'certs');
  mkdirSync(dana, { recursive: true });
  writeFileSync(join(dana, 'ca.crt'), 'CERT');

  const t = await startTusk({ dataDir, env: { PGADMIN_DEFAULT_EMAIL: 'ops@example.com', PGADMIN_DEFAULT_PASSWORD: ADMIN.password } });
  running.push(t);
  assert.match(t.output(), /pgAdmin storage brought over.*email=ops@example\.com.*files=2 left=2/);
  assert.match(t.output(), /pgAdmin's users and servers imported.*files=3/);
  const { c } = await login(t, 'ops@example.com', ADMIN.password);
  const top = (await c.get('api/v1/files?path=')).body.entries.map((e) => e.name).sort();
  assert.deepEqual(top, ['backups', 'pgpass'], 'no link, no partial upload');
  const dl = await fetch(new URL('api/v1/files/download?path=backups%2Fnightly.dump', t.url), { headers: { cookie: c.cookieHeader() } });
  assert.equal(await dl.text(), 'PGDMP nightly');
  assert.equal(statSync(join(ops, 'backups', 'nightly.dump')).nlink, 2, 'a hard link, no copy');
  // replacing the file in Tusk leaves pgAdmin's as it was
  const up = await c.request('PUT', 'api/v1/files/upload?path=pgpass&overwrite=true', { body: 'changed' });
  assert.equal(up.status, 201, up.raw);
  assert.equal(readFileSync(join(ops, 'pgpass'), 'utf8'), 'db:5432:*:app:secret\n');
  assert.equal(readlinkSync(join(ops, 'escape')), '/etc/passwd');

  const users = (await c.get('api/v1/users')).body.users;
  const d = users.find((u) => u.email === 'dana.dev@example.com');
  assert.equal((await c.put(`api/v1/users/${d.id}`, { password: 'Dana-new-password-1' })).status, 200);
  const { c: dc } = await login(t, 'dana.dev@example.com', 'Dana-new-password-1');
  assert.deepEqual((await dc.get('api/v1/files?path=certs')).body.entries.map((e) => e.name), ['ca.crt']);
});

test('a file that is not pgAdmin’s is reported and Tusk starts anyway', async () => {
  const dataDir = join(tempDir(), 'data');
  mkdirSync(dataDir, { recursive: true });
  execFileSync('sqlite3', [join(dataDir, 'pgadmin4.db')], { input: 'CREATE TABLE other (x int);' });
  const t = await startTusk({ dataDir });
  running.push(t);
  assert.match(t.output(), /pgAdmin's database found but not read; nothing imported/);
  const { r } = await login(t, ADMIN.email, ADMIN.password);
  assert.equal(r.status, 200);
});
