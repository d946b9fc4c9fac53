// Two Tusk replicas sharing a PostgreSQL metadata store, behind HAProxy with
// a sticky cookie (as the chart does with Traefik): they start together on
// an empty store, a login made through one works on the other, and when the
// replica a user works with is killed, nothing is lost but that replica's
// query-tool sessions, which answer 409 session_elsewhere. SIGTERM drains.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startTusk, tempDir, ADMIN } from '../lib/tusk.mjs';
import { Client } from '../lib/http.mjs';
import { pg, psql } from '../lib/pg.mjs';

const haproxyMissing = spawnSync('haproxy', ['-v']).status !== 0
  ? 'haproxy is not installed (scripts/install-deps.sh installs the Debian package): the replica test needs it'
  : false;

const dbName = `tusk_replicas_${randomBytes(4).toString('hex')}`;
const storeUrl = `postgresql://${pg.user}:${encodeURIComponent(pg.password)}@${pg.host}:${pg.port}/${dbName}`;
const serversJson = {
  Servers: {
    1: { Name: 'from file one', Group: 'Imported', Host: 'db1.example', Port: 5432, MaintenanceDB: 'postgres', Username: 'app', SSLMode: 'prefer' },
    2: { Name: 'from file two', Group: 'Imported', Host: 'db2.example', Port: 5432, MaintenanceDB: 'postgres', Username: 'app', SSLMode: 'prefer' },
  },
};

let replicas = {}; // name -> tusk
let proxy = null; // { proc, url, exited }

function replicaEnv(file) {
  return { TUSK_STORE_URL: storeUrl, PGADMIN_SERVER_JSON_FILE: file, TUSK_SHUTDOWN_TIMEOUT: '5' };
}

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

async function startProxy() {
  const port = await freePort();
  const cfg = join(tempDir(), 'haproxy.cfg');
  // loopback only; the sticky cookie names the replica; a dead one's users go to the other
  writeFileSync(cfg, `global
  maxconn 200
defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  retries 2
  option redispatch
frontend tusk
  bind 127.0.0.1:${port}
  default_backend replicas
backend replicas
  balance roundrobin
  cookie TUSKSRV insert indirect nocache httponly
  option httpchk GET /misc/ping
  server a 127.0.0.1:${replicas.a.port} cookie a check inter 1s fall 1 rise 1
  server b 127.0.0.1:${replicas.b.port} cookie b check inter 1s fall 1 rise 1
`);
  const proc = spawn('haproxy', ['-db', '-f', cfg], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout.on('data', (c) => (output += c));
  proc.stderr.on('data', (c) => (output += c));
  const exited = new Promise((res) => proc.on('exit', (code, signal) => res(code ?? signal)));
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; ; i++) {
    if (proc.exitCode !== null) throw new Error(`haproxy exited:\n${output}`);
    const ok = await fetch(url + 'misc/ping').then((r) => r.status === 200, () => false);
    if (ok) break;
    if (i > 100) throw new Error(`haproxy did not answer:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { proc, url, exited, output: () => output };
}

before(async () => {
  if (haproxyMissing) return;
  psql(`CREATE DATABASE ${dbName}`);
  const file = join(tempDir(), 'servers.json');
  writeFileSync(file, JSON.stringify(serversJson));
  // both replicas start at once on the empty store
  const [a, b] = await Promise.all([startTusk({ env: replicaEnv(file) }), startTusk({ env: replicaEnv(file) })]);
  replicas = { a, b };
  proxy = await startProxy();
});

after(async () => {
  if (proxy) {
    proxy.proc.kill('SIGTERM');
    await proxy.exited;
  }
  for (const r of Object.values(replicas)) await r.stop('SIGKILL');
  if (!haproxyMissing) psql(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
});

async function login(base) {
  const c = new Client(base);
  const res = await c.post('api/v1/auth/login', ADMIN);
  assert.equal(res.status, 200, res.raw);
  c.csrf = res.body.csrf_token;
  return c;
}

// A client of replica `to` holding the cookie and CSRF token of `from`.
function sameLogin(from, to) {
  const c = new Client(to.url);
  for (const [k, v] of from.cookies) c.cookies.set(k, v);
  c.csrf = from.csrf;
  return c;
}

async function waitDone(c, sid) {
  for (let i = 0; i < 1200; i++) {
    const s = await c.get(`api/v1/sessions/${sid}/status`);
    assert.equal(s.status, 200, s.raw);
    if (s.body.state !== 'running') return s.body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the script did not finish');
}

/** Opens GET /api/v1/stream; resolves once its first event named it: {id, ended, close}. */
async function windowStream(c, base) {
  const ctrl = new AbortController();
  const res = await fetch(new URL('api/v1/stream', base), { headers: { cookie: c.cookieHeader() }, signal: ctrl.signal });
  assert.equal(res.status, 200);
  const reader = res.body.getReader();
  let text = '';
  while (!/\n\n/.test(text)) text += Buffer.from((await reader.read()).value ?? []).toString();
  const id = JSON.parse(text.match(/data: (.*)\n/)[1]).id;
  const ended = (async () => {
    try {
      while (!(await reader.read()).done);
    } catch {
      // reset by the proxy, or aborted
    }
  })();
  return { id, ended, close: () => ctrl.abort() };
}

test('replicas starting together on an empty store: one administrator, servers.json loaded once', { skip: haproxyMissing }, async () => {
  for (const r of Object.values(replicas)) assert.match(r.output(), /store=postgresql:\/\/[^ ]*@/, 'the log names the store');
  for (const r of Object.values(replicas)) assert.ok(!r.output().includes(pg.password), 'the store password is never logged');
  const created = Object.values(replicas).filter((r) => /administrator created/.test(r.output()));
  assert.equal(created.length, 1, 'exactly one replica created the administrator');
  const c = await login(replicas.a.url);
  const users = (await c.get('api/v1/users')).body.users;
  assert.equal(users.length, 1);
  const servers = (await c.get('api/v1/servers')).body.servers;
  assert.deepEqual(servers.map((s) => s.name).sort(), ['from file one', 'from file two'], 'loaded once, not twice');
});

test('a login made through one replica works on the other; data written on one is read on the other', { skip: haproxyMissing }, async () => {
  const viaA = await login(replicas.a.url);
  const viaB = sameLogin(viaA, replicas.b);
  const me = await viaB.get('api/v1/auth/me');
  assert.equal(me.status, 200, me.raw);
  assert.equal(me.body.user.email, ADMIN.email);
  const made = await viaB.post('api/v1/servers', { name: 'made on b', host: pg.host, port: pg.port, username: pg.user });
  assert.equal(made.status, 201, made.raw);
  assert.ok((await viaA.get('api/v1/servers')).body.servers.some((s) => s.name === 'made on b'));
  assert.equal((await viaA.del(`api/v1/servers/${made.body.server.id}`)).status, 204);
  assert.ok(!(await viaB.get('api/v1/servers')).body.servers.some((s) => s.name === 'made on b'));
  const out = await viaB.post('api/v1/auth/logout');
  assert.ok(out.status < 300, out.raw);
  assert.equal((await viaA.get('api/v1/auth/me')).status, 401, 'logged out everywhere');
});

test('behind HAProxy: the replica a user works with is killed; login, servers and history stay, the query tab reopens', { skip: haproxyMissing }, async () => {
  const c = await login(proxy.url);
  const sticky = c.cookies.get('TUSKSRV');
  assert.ok(['a', 'b'].includes(sticky), `HAProxy set its cookie: ${[...c.cookies.keys()]}`);
  const other = sticky === 'a' ? 'b' : 'a';

  const server = await c.post('api/v1/servers', { name: 'replicated', host: pg.host, port: pg.port, username: pg.user });
  assert.equal(server.status, 201, server.raw);
  const id = server.body.server.id;
  const conn = await c.post(`api/v1/servers/${id}/connect`, { password: pg.password, save_password: true });
  assert.equal(conn.status, 200, conn.raw);
  const opened = await c.post(`api/v1/servers/${id}/sessions`, { database: 'postgres' });
  assert.equal(opened.status, 201, opened.raw);
  const sid = opened.body.session_id;
  assert.equal((await c.post(`api/v1/sessions/${sid}/execute`, { sql: "SELECT 'before the kill' AS marker" })).status, 202);
  assert.equal((await waitDone(c, sid)).state, 'done');
  // the window's event stream carries the tab (through the proxy, so on the same replica)
  const before = await windowStream(c, proxy.url);
  assert.equal((await c.post(`api/v1/stream/${before.id}/sessions/${sid}`, { key: 'q' })).status, 204);
  // a long statement is running when the replica dies
  assert.equal((await c.post(`api/v1/sessions/${sid}/execute`, { sql: 'SELECT pg_sleep(30)' })).status, 202);

  await replicas[sticky].stop('SIGKILL');
  delete replicas[sticky];

  const me = await c.get('api/v1/auth/me');
  assert.equal(me.status, 200, `still logged in: ${me.raw}`);
  assert.equal(c.cookies.get('TUSKSRV'), other, 'HAProxy moved the user to the other replica');
  assert.ok((await c.get('api/v1/servers')).body.servers.some((s) => s.id === id), 'the servers are there');
  const history = (await c.get('api/v1/history?q=before%20the%20kill')).body;
  assert.equal(history.total, 1, 'the history is there');

  const gone = await c.get(`api/v1/sessions/${sid}/status`);
  assert.equal(gone.status, 409, gone.raw);
  assert.equal(gone.body.error.code, 'session_elsewhere');
  assert.match(gone.body.error.message, /open the tab again/);
  assert.equal((await c.post(`api/v1/sessions/${sid}/execute`, { sql: 'SELECT 1' })).body.error.code, 'session_elsewhere');
  assert.equal((await c.get(`api/v1/sessions/${sid}/results/0/rows`)).status, 409);
  // the window's stream died with its replica: the old id is unknown here, and the tab
  // subscribed to the new stream learns its session is elsewhere (the web app reopens it)
  await before.ended;
  assert.equal((await c.post(`api/v1/stream/${before.id}/sessions/${sid}`, { key: 'q' })).body.error.code, 'stream_not_found');
  const after = await windowStream(c, proxy.url);
  const moved = await c.post(`api/v1/stream/${after.id}/sessions/${sid}`, { key: 'q' });
  assert.equal(moved.status, 409, moved.raw);
  assert.equal(moved.body.error.code, 'session_elsewhere');
  after.close();

  // what the web app does: open the tab again (the saved password connects this replica)
  let again = await c.post(`api/v1/servers/${id}/sessions`, { database: 'postgres' });
  if (again.status === 409 && again.body.error.code === 'not_connected') {
    assert.equal((await c.post(`api/v1/servers/${id}/connect`, {})).status, 200);
    again = await c.post(`api/v1/servers/${id}/sessions`, { database: 'postgres' });
  }
  assert.equal(again.status, 201, again.raw);
  const sid2 = again.body.session_id;
  assert.equal((await c.post(`api/v1/sessions/${sid2}/execute`, { sql: "SELECT 'after' AS marker" })).status, 202);
  const done = await waitDone(c, sid2);
  assert.equal(done.state, 'done');
  assert.deepEqual((await c.get(`api/v1/sessions/${sid2}/results/0/rows`)).body.rows, [['after']]);
  assert.equal((await c.del(`api/v1/sessions/${sid2}`)).status, 204);
  assert.equal((await c.get(`api/v1/sessions/${sid2}/status`)).body.error.code, 'session_not_found',
    'a session this replica closed is gone, not elsewhere');
});

test('SIGTERM: a replica on the PostgreSQL store drains (running query cancelled, streams ended) and exits 0', { skip: haproxyMissing }, async () => {
  const [name, r] = Object.entries(replicas)[0];
  const c = await login(r.url);
  const server = await c.post('api/v1/servers', { name: 'drain', host: pg.host, port: pg.port, username: pg.user });
  const id = server.body.server.id;
  assert.equal((await c.post(`api/v1/servers/${id}/connect`, { password: pg.password })).status, 200);
  const sid = (await c.post(`api/v1/servers/${id}/sessions`, {})).body.session_id;
  assert.equal((await c.post(`api/v1/sessions/${sid}/execute`, { sql: 'SELECT pg_sleep(60)' })).status, 202);
  const events = await fetch(new URL(`api/v1/sessions/${sid}/events`, r.url), { headers: { cookie: c.cookieHeader() } });
  assert.equal(events.status, 200);
  // the stop comes once the stream has said something: before its first event it proves nothing
  let text = '';
  let live;
  const first = new Promise((resolve) => (live = resolve));
  const reading = (async () => {
    for await (const chunk of events.body) {
      text += Buffer.from(chunk).toString();
      if (/event: status/.test(text)) live();
    }
    live();
    return text;
  })();
  await first;
  r.proc.kill('SIGTERM');
  const code = await r.stop();
  delete replicas[name];
  assert.equal(code, 0, r.output());
  const stream = await reading;
  assert.match(stream, /event: status/, 'the stream was live until the stop');
  assert.match(stream, /event: closed\ndata: \{"reason":"shutdown"\}/, 'the stream says the session ended because Tusk stops');
  assert.doesNotMatch(r.output(), /requests still running at the shutdown deadline/, 'drained within the grace period');
  assert.match(r.output(), /stopped/);
});
