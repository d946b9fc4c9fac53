// Tusk stays up for everyone when one client misbehaves (issue 15's findings,
// replayed): bodies are not read before login and CSRF pass, slow clients
// cannot fill the connection table, descriptors past 1,024 work, per-user
// caps answer 429/503 with Retry-After, a PostgreSQL server that stops
// answering gets 504 in seconds and the pool recovers, HTTP framing tricks
// are refused at once, and forwarded headers count only from trusted proxies.
// Loopback only; every loop is bounded in count and time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import { startTusk, runTusk, tuskBin, ADMIN } from '../lib/tusk.mjs';
import { Client } from '../lib/http.mjs';
import { pg, psql, startCluster } from '../lib/pg.mjs';

async function withTusk(opts, fn) {
  const t = await startTusk(opts);
  try {
    await fn(t);
  } finally {
    const code = await t.stop();
    assert.equal(code, 0, `tusk exited with ${code}:\n${t.output().slice(-4000)}`);
  }
}

async function login(t, email = ADMIN.email, password = ADMIN.password) {
  const c = new Client(t.url);
  const res = await c.post('api/v1/auth/login', { email, password });
  if (res.status === 200) c.csrf = res.body.csrf_token;
  return { c, res };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Waits until cond() is true, checking every 50 ms, for at most ms.
async function until(cond, ms, what) {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) assert.fail(`not within ${ms} ms: ${what}`);
    await sleep(50);
  }
}

// A raw connection (from a chosen loopback address) that collects what comes back.
function rawConn(port, { from = '127.0.0.1' } = {}) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ port, host: '127.0.0.1', localAddress: from });
    const c = { sock, data: '', closed: false };
    sock.on('data', (d) => (c.data += d.toString('latin1')));
    sock.on('close', () => (c.closed = true));
    sock.on('error', () => {});
    sock.once('connect', () => resolve(c));
    sock.once('error', reject);
  });
}

// Sends text and resolves with the first status line and the time it took, without sending more.
async function statusOf(port, text, { from } = {}) {
  const c = await rawConn(port, { from });
  const started = Date.now();
  c.sock.write(text);
  await until(() => /\r\n\r\n/.test(c.data) || c.closed, 10000, 'an answer');
  c.sock.destroy();
  return { line: c.data.split('\r\n')[0], ms: Date.now() - started, raw: c.data };
}

function rssKiB(pid) {
  return Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]);
}

test('1: a body is never read before login and CSRF pass; each route has a small body cap', async () => {
  await withTusk({}, async (t) => {
    const { c } = await login(t);
    const cookie = c.cookieHeader();
    // answers arrive while the 10 MiB body is still unsent
    const anon = await statusOf(t.port, 'POST /api/v1/servers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10485760\r\n\r\n');
    assert.match(anon.line, / 401 /);
    const nocsrf = await statusOf(t.port, `POST /api/v1/servers HTTP/1.1\r\nHost: x\r\nCookie: ${cookie}\r\nContent-Type: application/json\r\nContent-Length: 10485760\r\n\r\n`);
    assert.match(nocsrf.line, / 403 /);
    assert.match(nocsrf.raw, /csrf_failed/);
    const json = await statusOf(t.port, `POST /api/v1/servers HTTP/1.1\r\nHost: x\r\nCookie: ${cookie}\r\nX-CSRF-Token: ${c.csrf}\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\r\n`);
    assert.match(json.line, / 413 /);
    assert.match(json.raw, /1048576 bytes/);
    const loginBig = await statusOf(t.port, 'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n');
    assert.match(loginBig.line, / 413 /);
    assert.match(loginBig.raw, /16384 bytes/);
    // a SQL script may be larger than 1 MiB (up to TUSK_MAX_BODY_BYTES): the request is taken
    const script = JSON.stringify({ sql: 'x'.repeat(2000000) });
    const sqlBig = await statusOf(t.port, `POST /api/v1/sessions/none/execute HTTP/1.1\r\nHost: x\r\nCookie: ${cookie}\r\nX-CSRF-Token: ${c.csrf}\r\nContent-Type: application/json\r\nContent-Length: ${script.length}\r\n\r\n${script}`);
    assert.match(sqlBig.line, / 409 /, 'read whole, then: no such tab here');

    // 60 strangers pushing 4 MiB each: memory stays put
    const before = rssKiB(t.proc.pid);
    const chunk = Buffer.alloc(256 * 1024, 120);
    await Promise.all(Array.from({ length: 60 }, async (_, i) => {
      const s = await rawConn(t.port, { from: `127.0.0.${2 + (i % 5)}` });
      s.sock.write('POST /api/v1/servers/import HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n');
      for (let k = 0; k < 16 && !s.closed; k++) s.sock.write(`40000\r\n${chunk.toString('latin1')}\r\n`);
      await until(() => s.closed || /\r\n\r\n/.test(s.data), 10000, 'an answer to a stranger');
      // a 401, or a reset when the unread body made the close abortive: either way not read
      if (s.data) assert.match(s.data.split('\r\n')[0], / 401 /);
      s.sock.destroy();
    }));
    const grown = rssKiB(t.proc.pid) - before;
    assert.ok(grown < 64 * 1024, `RSS grew by ${grown} KiB`);
  });
});

test('2: slow clients cannot fill the connection table: probes and logins go on, stragglers are closed', async () => {
  await withTusk({ env: { TUSK_HTTP_HEADER_TIMEOUT: '3', TUSK_MAX_SLOW_CONNECTIONS_PER_IP: '16', TUSK_MAX_CONNECTIONS: '200', TUSK_METRICS_TOKEN: 'm' } }, async (t) => {
    // 300 connections from 5 addresses that never finish their headers (more than the whole table)
    const slow = [];
    for (let i = 0; i < 300; i++) {
      const c = await rawConn(t.port, { from: `127.0.0.${2 + (i % 5)}` }).catch(() => null);
      if (!c) continue;
      c.sock.write('GET /misc/ping HTTP/1.1\r\nHost: x\r\n');
      slow.push(c);
    }
    // everyone else is served at once
    for (let k = 0; k < 5; k++) {
      const ping = await statusOf(t.port, 'GET /misc/ping HTTP/1.1\r\nHost: x\r\n\r\n');
      assert.match(ping.line, / 200 /);
      assert.ok(ping.ms < 2000, `ping took ${ping.ms} ms`);
    }
    const { res } = await login(t);
    assert.equal(res.status, 200);
    // after a second, each address keeps at most 16 slow connections
    await until(() => slow.filter((c) => !c.closed).length <= 5 * 16, 5000, 'slow connections capped per address');
    // and after the header deadline none is left
    await until(() => slow.every((c) => c.closed), 8000, 'slow connections closed at the header deadline');
    // one that drips a byte at a time is closed too: the deadline is not an idle timeout
    const drip = await rawConn(t.port, { from: '127.0.0.9' });
    const started = Date.now();
    const timer = setInterval(() => !drip.closed && drip.sock.write('X'), 200);
    drip.sock.write('GET /misc/ping HTTP/1.1\r\nX-Slow: ');
    await until(() => drip.closed, 8000, 'the dripping connection closed');
    clearInterval(timer);
    assert.ok(Date.now() - started < 6000, `closed after ${Date.now() - started} ms`);
    // the guard's work shows in /metrics
    const metrics = await (await fetch(t.url + 'metrics', { headers: { authorization: 'Bearer m' } })).text();
    const closed = (reason) => Number(metrics.match(new RegExp(`tusk_http_connections_closed_total\\{reason="${reason}"\\} (\\d+)`))[1]);
    assert.match(metrics, /tusk_http_connections_closed_total/, metrics.slice(0, 300));
    assert.ok(closed('timed_out') >= 1, metrics);
    assert.ok(closed('evicted') >= 1, metrics);
  });
});

test('2: a kept-alive connection idle between requests is not taken for a slow one: its next request is answered', async () => {
  await withTusk({ env: { TUSK_HTTP_HEADER_TIMEOUT: '2', TUSK_MAX_SLOW_CONNECTIONS_PER_IP: '2' } }, async (t) => {
    // five connections of one address each answered once (no login), then idle past the header deadline
    const conns = [];
    for (let i = 0; i < 5; i++) {
      const c = await rawConn(t.port, { from: '127.0.0.30' });
      c.sock.write('GET /misc/ping HTTP/1.1\r\nHost: x\r\n\r\n');
      await until(() => / 200 /.test(c.data), 10000, 'the first answer');
      c.data = '';
      conns.push(c);
    }
    await sleep(3500);
    // a client reusing them (as browsers and fetch do) is answered on each, not cut off
    for (const c of conns) {
      assert.equal(c.closed, false, 'an idle kept-alive connection stays open until the idle timeout');
      c.sock.write('GET /misc/ping HTTP/1.1\r\nHost: x\r\n\r\n');
      await until(() => / 200 /.test(c.data) || c.closed, 10000, 'the second answer');
      assert.match(c.data.split('\r\n')[0], / 200 /);
      c.sock.destroy();
    }
  });
});

test('3: descriptors past 1,024 work (poll, not select) and the connection table answers 503 past its size', async () => {
  await withTusk({ env: { TUSK_MAX_CONNECTIONS: '1200' } }, async (t) => {
    // 1,100 connections each in the middle of a request body (not evictable: they are not waiting for headers)
    const open = [];
    const partial = (c) => c.sock.write('POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"email":');
    for (let i = 0; i < 1100; i++) {
      const c = await rawConn(t.port, { from: `127.0.1.${1 + (i % 200)}` });
      partial(c);
      open.push(c);
    }
    // the process now has descriptors above 1,024: new connections still work
    await until(() => Number(execFileSync('sh', ['-c', `ls /proc/${t.proc.pid}/fd | wc -l`], { encoding: 'utf8' })) > 1100, 10000, 'tusk holds 1,100 connections');
    const ping = await statusOf(t.port, 'GET /misc/ping HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.match(ping.line, / 200 /);
    const { res } = await login(t);
    assert.equal(res.status, 200);
    // fill the table: past TUSK_MAX_CONNECTIONS a clear 503 with Retry-After, not a reset
    for (let i = 0; i < 100; i++) {
      const c = await rawConn(t.port, { from: '127.0.2.1' });
      partial(c);
      open.push(c);
    }
    await sleep(200);
    const over = await statusOf(t.port, 'GET /misc/ping HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.match(over.line, / 503 /, over.raw);
    assert.match(over.raw, /Retry-After: \d+/i);
    assert.match(over.raw, /"overloaded"/);
    for (const c of open) c.sock.destroy();
    // once they are gone, everyone is served again
    await until(async () => / 200 /.test((await statusOf(t.port, 'GET /misc/ping HTTP/1.1\r\nHost: x\r\n\r\n')).line), 10000, 'served again');
  });
});

test('3: per-user caps: query tabs (429), connections per server (429), jobs (429), each with Retry-After', async () => {
  await withTusk({ env: { TUSK_MAX_QUERY_SESSIONS_PER_USER: '3', TUSK_PG_MAX_CONNECTIONS_PER_SERVER: '5', TUSK_MAX_JOBS_PER_USER: '1' } }, async (t) => {
    const { c } = await login(t);
    const id = (await c.post('api/v1/servers', { name: 'pg', host: pg.host, port: pg.port, username: pg.user })).body.server.id;
    assert.equal((await c.post(`api/v1/servers/${id}/connect`, { password: pg.password })).status, 200);
    const tabs = [];
    for (let i = 0; i < 3; i++) {
      const s = await c.post(`api/v1/servers/${id}/sessions`, { database: 'postgres' });
      assert.equal(s.status, 201, s.raw);
      tabs.push(s.body.session_id);
    }
    const fourth = await c.post(`api/v1/servers/${id}/sessions`, { database: 'postgres' });
    assert.equal(fourth.status, 429);
    assert.equal(fourth.body.error.code, 'too_many_sessions');
    assert.ok(Number(fourth.headers.get('retry-after')) > 0);
    assert.equal((await c.del(`api/v1/sessions/${tabs.pop()}`)).status, 204);
    await until(async () => (await c.post(`api/v1/servers/${id}/sessions`, { database: 'postgres' })).status === 201, 5000, 'a tab opens once one closed');
    // jobs: one queued or running at a time here; a lock keeps the first one running
    const DB = 'limits_jobs';
    if (!psql(`SELECT 1 FROM pg_database WHERE datname = '${DB}'`)) psql(`CREATE DATABASE ${DB}`);
    psql('DROP TABLE IF EXISTS held; CREATE TABLE held (id int)', { db: DB });
    const holder = spawn('psql', ['-X', '-q', '-d', DB, '-c', 'BEGIN; LOCK TABLE held IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(30);'], {
      env: { ...process.env, PGHOST: pg.host, PGPORT: String(pg.port), PGUSER: pg.user, PGPASSWORD: pg.password }, stdio: 'ignore' });
    try {
      await until(() => psql(`SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'held' AND l.granted`, { db: DB }) !== '0', 5000, 'the lock is held');
      const first = await c.post(`api/v1/servers/${id}/jobs`, { kind: 'backup', database: DB, spec: { file: 'one.dump' } });
      assert.equal(first.status, 201, first.raw);
      const second = await c.post(`api/v1/servers/${id}/jobs`, { kind: 'backup', database: DB, spec: { file: 'two.dump' } });
      assert.equal(second.status, 429, second.raw);
      assert.equal(second.body.error.code, 'too_many_jobs');
      assert.ok(Number(second.headers.get('retry-after')) > 0);
      assert.equal((await c.post(`api/v1/jobs/${first.body.job.id}/cancel`, {})).status, 202);
      await until(async () => !['queued', 'running'].includes((await c.get(`api/v1/jobs/${first.body.job.id}`)).body.job.state), 15000, 'the job ends');
      const third = await c.post(`api/v1/servers/${id}/jobs`, { kind: 'backup', database: DB, spec: { file: 'three.dump' } });
      assert.equal(third.status, 201, 'once it ended, the next one starts');
      assert.equal((await c.post(`api/v1/jobs/${third.body.job.id}/cancel`, {})).status, 202);
      await until(async () => !['queued', 'running'].includes((await c.get(`api/v1/jobs/${third.body.job.id}`)).body.job.state), 15000, 'the job ends');
    } finally {
      holder.kill();
    }
  });
  await withTusk({ env: { TUSK_PG_MAX_CONNECTIONS_PER_SERVER: '2' } }, async (t) => {
    const { c } = await login(t);
    const id = (await c.post('api/v1/servers', { name: 'pg', host: pg.host, port: pg.port, username: pg.user })).body.server.id;
    assert.equal((await c.post(`api/v1/servers/${id}/connect`, { password: pg.password })).status, 200);
    // connect keeps one browsing connection; one tab makes two; the idle browsing one gives way to a second tab
    assert.equal((await c.post(`api/v1/servers/${id}/sessions`, { database: 'postgres' })).status, 201);
    assert.equal((await c.post(`api/v1/servers/${id}/sessions`, { database: 'postgres' })).status, 201);
    const third = await c.post(`api/v1/servers/${id}/sessions`, { database: 'postgres' });
    assert.equal(third.status, 429, third.raw);
    assert.equal(third.body.error.code, 'too_many_server_connections');
    assert.ok(third.headers.get('retry-after'));
  });
});

test('4: a PostgreSQL server that stops answering gets 504 in seconds, and the pool recovers', async () => {
  const cl = startCluster();
  try {
    await withTusk({ env: { TUSK_PG_STATEMENT_TIMEOUT: '1000', TUSK_PG_CONNECT_TIMEOUT: '2' } }, async (t) => {
      const { c } = await login(t);
      const id = (await c.post('api/v1/servers', { name: 'stopped', host: cl.host, port: cl.port, username: cl.user })).body.server.id;
      assert.equal((await c.post(`api/v1/servers/${id}/connect`, { password: cl.password })).status, 200);
      const tree = () => c.get(`api/v1/servers/${id}/objects?path=${encodeURIComponent('/databases/postgres/schemas')}`);
      assert.equal((await tree()).status, 200);
      const pids = [Number(readFileSync(`${cl.dir}/data/postmaster.pid`, 'utf8').split('\n')[0])];
      pids.push(...execFileSync('ps', ['-o', 'pid=', '--ppid', String(pids[0])], { encoding: 'utf8' }).trim().split(/\s+/).map(Number));
      for (const p of pids) process.kill(p, 'SIGSTOP');
      let stopped;
      try {
        const started = Date.now();
        stopped = await tree();
        const ms = Date.now() - started;
        assert.equal(stopped.status, 504, stopped.raw);
        assert.equal(stopped.body.error.code, 'server_timeout');
        assert.ok(ms < 8000, `answered after ${ms} ms`);
        // a new connection meets the connect timeout
        const other = await c.get(`api/v1/servers/${id}/objects?path=${encodeURIComponent('/databases/template1/schemas')}`);
        assert.ok([502, 504].includes(other.status), other.raw);
      } finally {
        for (const p of pids) process.kill(p, 'SIGCONT');
      }
      // the pool recovers: the broken connection was dropped, a new one works
      await until(async () => (await tree()).status === 200, 10000, 'the tree answers again');
    });
  } finally {
    cl.destroy();
  }
});

test('5: logins pause with back-off for known and unknown addresses alike; tusk user unlock keeps saved passwords', async () => {
  await withTusk({ env: { TUSK_MAX_LOGIN_ATTEMPTS: '3', TUSK_LOGIN_LOCKOUT_SECONDS: '6', TUSK_LOGIN_RATE_LIMIT: '0' } }, async (t) => {
    const { c: admin } = await login(t);
    // a saved server password, to see that unlock keeps it
    const id = (await admin.post('api/v1/servers', { name: 'pg', host: pg.host, port: pg.port, username: pg.user })).body.server.id;
    assert.equal((await admin.post(`api/v1/servers/${id}/connect`, { password: pg.password, save_password: true })).status, 200);
    const sequence = async (email) => {
      const seen = [];
      for (let i = 0; i < 4; i++) {
        const { res } = await login(t, email, 'not the password');
        seen.push({ status: res.status, code: res.body.error.code, message: res.body.error.message.replace(/\d+ s/, 'N s'),
          retry: res.headers.get('retry-after') });
      }
      return seen;
    };
    const known = await sequence(ADMIN.email);
    const unknown = await sequence('nobody-here@tusk.local');
    const shape = (s) => s.map(({ status, code, message }) => ({ status, code, message }));
    assert.deepEqual(shape(known), shape(unknown));
    assert.deepEqual(known.map((s) => s.status), [401, 401, 401, 429]);
    assert.ok(Number(known[3].retry) >= 1 && Number(unknown[3].retry) >= 1);
    // even the right password waits out the pause, which ends by itself (6 s: eight argon2 hashes
    // of a loaded machine fit well within it)
    assert.equal((await login(t)).res.status, 429);
    await until(async () => (await login(t)).res.status === 200, 15000, 'the pause ends by itself');
    // the count starts again after a right password; three more wrong ones pause again
    for (let i = 0; i < 3; i++) assert.equal((await login(t, ADMIN.email, 'wrong')).res.status, 401);
    assert.equal((await login(t)).res.status, 429);
    // an unknown address pauses with back-off too: a fourth wrong password after the pause doubles it
    await sleep(6100);
    const again = (await login(t, 'nobody-here@tusk.local', 'wrong')).res;
    assert.equal(again.status, 401);
    const longer = (await login(t, 'nobody-here@tusk.local', 'wrong')).res;
    assert.equal(longer.status, 429);
    assert.ok(Number(longer.headers.get('retry-after')) >= 7, `back-off: ${longer.headers.get('retry-after')}`);
    // the CLI lifts a pause at once, and nothing else changes
    const out = await runTusk({ args: ['user', 'unlock', ADMIN.email, '--data-dir', t.dataDir] });
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /may log in again/);
    const { c, res } = await login(t);
    assert.equal(res.status, 200, res.raw);
    const sv = await c.get(`api/v1/servers/${id}`);
    assert.equal(sv.body.server.has_saved_password, true, 'the saved password survived the unlock');
    assert.equal((await c.post(`api/v1/servers/${id}/connect`, {})).status, 200, 'and still connects');
    const audit = (await c.get('api/v1/audit?event=user_unlocked')).body;
    assert.equal(audit.total, 1);
  });
});

test('5: a wrong password costs the same whether the address has an account or not', async () => {
  await withTusk({ env: { TUSK_MAX_LOGIN_ATTEMPTS: '0', TUSK_LOGIN_RATE_LIMIT: '0' } }, async (t) => {
    const ms = { known: [], unknown: [] };
    for (let i = 0; i < 9; i++) {
      for (const [k, email] of [['known', ADMIN.email], ['unknown', `nobody${i}@tusk.local`]]) {
        const started = process.hrtime.bigint();
        assert.equal((await login(t, email, 'not the password')).res.status, 401);
        ms[k].push(Number(process.hrtime.bigint() - started) / 1e6);
      }
    }
    // both hash a password (argon2id, same parameters): medians within a factor of 3 even on a busy machine
    const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
    const ratio = median(ms.known) / median(ms.unknown);
    assert.ok(ratio > 1 / 3 && ratio < 3, `known ${median(ms.known)} ms, unknown ${median(ms.unknown)} ms`);
  });
});

test('6: forwarded headers count only from TUSK_TRUSTED_PROXIES; a forwarded prefix must be a clean path', async () => {
  const help = execFileSync(tuskBin, ['--help'], { encoding: 'utf8' });
  assert.match(help, /127\.0\.0\.0\/8,::1\/128/);
  assert.doesNotMatch(help, /10\.0\.0\.0\/8/, 'private ranges are not trusted by default');
  await withTusk({ env: { TUSK_TRUSTED_PROXIES: '127.0.0.1/32', TUSK_LOGIN_RATE_LIMIT: '3' } }, async (t) => {
    // a client on the same network (127.0.0.2) cannot pick its address or dodge the rate limit
    const tries = [];
    for (let i = 0; i < 4; i++) {
      const body = JSON.stringify({ email: 'x@tusk.local', password: 'wrong password' });
      tries.push(await statusOf(t.port, `POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 203.0.113.${i}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`, { from: '127.0.0.2' }));
    }
    assert.match(tries[3].line, / 429 /, 'the fourth from one address is limited whatever X-Forwarded-For says');
    // the proxy (127.0.0.1) is believed
    const body = JSON.stringify({ email: 'x@tusk.local', password: 'wrong password' });
    const viaProxy = await statusOf(t.port, `POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 198.51.100.7\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    assert.match(viaProxy.line, / 401 /);
    const { c } = await login(t);
    const addrs = (await c.get('api/v1/audit?event=login_failed')).body.entries.map((e) => e.client_addr);
    assert.ok(addrs.includes('198.51.100.7'), addrs.join(','));
    assert.ok(addrs.includes('127.0.0.2'));
    assert.ok(!addrs.some((a) => a.startsWith('203.0.113.')), 'forged addresses never reach the audit log');
    // prefixes: a clean one is used, anything else ignored
    const page = async (prefix) => (await statusOf(t.port, `GET /index.html HTTP/1.1\r\nHost: x\r\nX-Forwarded-Prefix: ${prefix}\r\nConnection: close\r\n\r\n`)).raw;
    assert.match(await page('/tools/pgadmin'), /<base href="\/tools\/pgadmin\/">/);
    for (const bad of ['/a;b', '//evil.example', '/a//b', '/a/../b', '/a/./b', '/"x', '/a%2fb', 'relative']) {
      const html = await page(bad);
      assert.match(html, /<base href="\/">/, `prefix ${bad}`);
    }
    const loginVia = await statusOf(t.port, `POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nX-Forwarded-Prefix: /x;Domain=evil\r\nContent-Type: application/json\r\nContent-Length: ${JSON.stringify(ADMIN).length}\r\n\r\n${JSON.stringify(ADMIN)}`);
    assert.match(loginVia.raw, /Set-Cookie: tusk_session=[^\r]*Path=\/;/i);
  });
});

test('7: ambiguous framing is answered at once: two Content-Lengths 400, unknown Transfer-Encoding 501', async () => {
  await withTusk({}, async (t) => {
    const two = await statusOf(t.port, 'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nabcde');
    assert.match(two.line, / 400 /);
    assert.match(two.raw, /two different Content-Length/);
    const te = await statusOf(t.port, 'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\nabcde');
    assert.match(te.line, / 501 /);
    assert.ok(te.ms < 2000, `${te.ms} ms`);
    const both = await statusOf(t.port, 'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n');
    assert.match(both.line, / 400 /);
    const notnum = await statusOf(t.port, 'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 5x\r\n\r\nabcde');
    assert.match(notnum.line, / 400 /);
    // and the server is fine afterwards
    assert.match((await statusOf(t.port, 'GET /misc/ping HTTP/1.1\r\nHost: x\r\n\r\n')).line, / 200 /);
  });
});

test('8: a full per-user pool queues, then answers 503 with Retry-After (not 502)', async () => {
  const DB = 'limits_pool';
  if (!psql(`SELECT 1 FROM pg_database WHERE datname = '${DB}'`)) psql(`CREATE DATABASE ${DB}`);
  psql('DROP TABLE IF EXISTS held; CREATE TABLE held (id int)', { db: DB });
  await withTusk({ env: { TUSK_PG_MAX_CONNECTIONS_PER_USER: '1', TUSK_PG_POOL_WAIT: '1' } }, async (t) => {
    const { c } = await login(t);
    const id = (await c.post('api/v1/servers', { name: 'pg', host: pg.host, port: pg.port, username: pg.user, maintenance_db: DB })).body.server.id;
    assert.equal((await c.post(`api/v1/servers/${id}/connect`, { password: pg.password })).status, 200);
    const path = (p) => encodeURIComponent(`/databases/${DB}${p}`);
    // a session holds a lock on the table: counting its rows waits, holding the user's only connection
    const holder = spawn('psql', ['-X', '-q', '-d', DB, '-c', 'BEGIN; LOCK TABLE held IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(4); COMMIT;'], {
      env: { ...process.env, PGHOST: pg.host, PGPORT: String(pg.port), PGUSER: pg.user, PGPASSWORD: pg.password }, stdio: 'ignore' });
    const held = new Promise((r) => holder.on('exit', r));
    await until(() => psql(`SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'held' AND l.granted`, { db: DB }) !== '0', 5000, 'the lock is held');
    const slow = c.get(`api/v1/servers/${id}/objects/count?path=${path('/schemas/public/tables/held')}`);
    await until(() => psql("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND application_name LIKE 'Tusk - Object Explorer - %'") !== '0', 5000, 'the count waits on the lock');
    const busy = await c.get(`api/v1/servers/${id}/objects?path=${path('/schemas')}`);
    assert.equal(busy.status, 503, busy.raw);
    assert.equal(busy.body.error.code, 'pool_busy');
    assert.ok(Number(busy.headers.get('retry-after')) > 0);
    assert.equal((await slow).status, 200);
    await held;
    assert.equal((await c.get(`api/v1/servers/${id}/objects?path=${path('/schemas')}`)).status, 200);
  });
  // with time to wait, the same requests queue and all succeed
  await withTusk({ env: { TUSK_PG_MAX_CONNECTIONS_PER_USER: '2' } }, async (t) => {
    const { c } = await login(t);
    const id = (await c.post('api/v1/servers', { name: 'pg', host: pg.host, port: pg.port, username: pg.user, maintenance_db: DB })).body.server.id;
    assert.equal((await c.post(`api/v1/servers/${id}/connect`, { password: pg.password })).status, 200);
    const all = await Promise.all(Array.from({ length: 30 }, () => c.get(`api/v1/servers/${id}/objects?path=${encodeURIComponent(`/databases/${DB}/schemas`)}`)));
    assert.deepEqual([...new Set(all.map((r) => r.status))], [200]);
  });
});

test('the cache of checked sessions: logout, password change and disabling end sessions at once, in every process', async () => {
  // two processes on one PostgreSQL store (replicas), each caching what it checked
  const db = `tusk_limits_${process.pid}_${Date.now() % 100000}`;
  psql(`CREATE DATABASE ${db}`);
  const storeUrl = `postgresql://${pg.user}:${encodeURIComponent(pg.password)}@${pg.host}:${pg.port}/${db}`;
  const a = await startTusk({ env: { TUSK_STORE_URL: storeUrl, TUSK_SESSION_CACHE_SECONDS: '60' } });
  const b = await startTusk({ env: { TUSK_STORE_URL: storeUrl, TUSK_SESSION_CACHE_SECONDS: '60' } });
  try {
    const { c: admin } = await login(a);
    for (const email of ['u1@tusk.local', 'u2@tusk.local'])
      assert.equal((await admin.post('api/v1/users', { email, password: 'user password 1', role: 'user' })).status, 201);
    const on = (t, c) => Object.assign(new Client(t.url), { cookies: new Map(c.cookies), csrf: c.csrf });
    // a session used on both replicas (each has it cached), then ended on a
    const one = (await login(a, 'u1@tusk.local', 'user password 1')).c;
    const oneOnB = on(b, one);
    for (const c of [one, oneOnB]) for (let i = 0; i < 3; i++) assert.equal((await c.get('api/v1/auth/me')).status, 200);
    assert.equal((await one.post('api/v1/auth/logout', {})).status, 200);
    assert.equal((await oneOnB.get('api/v1/auth/me')).status, 401, 'logout on a ends the session on b at once');
    // a password change on b ends the user's other sessions on a at once
    const keep = (await login(b, 'u1@tusk.local', 'user password 1')).c;
    const other = (await login(a, 'u1@tusk.local', 'user password 1')).c;
    for (const t of [a, b]) assert.equal((await on(t, other).get('api/v1/servers')).status, 200);
    assert.equal((await keep.put('api/v1/auth/password', { current_password: 'user password 1', new_password: 'user password 2' })).status, 200);
    for (const t of [a, b]) assert.equal((await on(t, other).get('api/v1/servers')).status, 401, 'the other session ended');
    // disabling a user on a ends their sessions on b at once
    const two = (await login(b, 'u2@tusk.local', 'user password 1')).c;
    for (const t of [a, b]) assert.equal((await on(t, two).get('api/v1/auth/me')).status, 200);
    const u2 = (await admin.get('api/v1/users')).body.users.find((u) => u.email === 'u2@tusk.local');
    assert.equal((await admin.put(`api/v1/users/${u2.id}`, { active: false })).status, 200);
    for (const t of [b, a]) assert.equal((await on(t, two).get('api/v1/auth/me')).status, 401, 'disabled: ended');
  } finally {
    assert.equal(await a.stop(), 0, a.output());
    assert.equal(await b.stop(), 0, b.output());
    psql(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  }
  // SQLite: the command line is another process writing the same file
  await withTusk({ env: { TUSK_SESSION_CACHE_SECONDS: '60' } }, async (t) => {
    const { c } = await login(t);
    for (let i = 0; i < 3; i++) assert.equal((await c.get('api/v1/auth/me')).status, 200);
    const out = await runTusk({ args: ['user', 'set-password', ADMIN.email, '--data-dir', t.dataDir], input: 'a brand new password\n' });
    assert.equal(out.code, 0, out.stderr);
    assert.equal((await c.get('api/v1/auth/me')).status, 401, 'a password set from the command line ends cached sessions');
  });
});
