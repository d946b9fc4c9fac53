// Access that ends ends for what is already open: when a shared server is
// unshared or deleted, a user disabled, or a login session logged out, the
// user's running query tab (its PostgreSQL backend), dashboard stream and
// running job on it end at once and say why -- on this replica and, within
// the sweep's few seconds, on another replica sharing the store.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startTusk, storeUrlFor, tempDir, ADMIN } from '../lib/tusk.mjs';
import { world, login, ATTACKER, startJob, finished, waitFor, token, psql, pg } from './lib.mjs';

const running = [];
after(async () => {
  for (const t of running) await t.stop();
  psql('DROP TABLE IF EXISTS sec_locked');
});

/** Reads an SSE stream in the background; .until(re) resolves with the text once re matches. */
function stream(t, c, path) {
  const ctrl = new AbortController();
  let text = '';
  const waiting = [];
  const done = fetch(new URL(path, t.url), { headers: { cookie: c.cookieHeader() }, signal: ctrl.signal })
    .then(async (res) => {
      const reader = res.body.getReader();
      const dec = new TextDecoder();
      for (;;) {
        const { value, done: end } = await reader.read();
        if (end) break;
        text += dec.decode(value);
        for (const w of waiting) if (w.re.test(text)) w.resolve(text);
      }
    })
    .catch(() => {});
  return {
    until(re, ms = 15000) {
      if (re.test(text)) return Promise.resolve(text);
      return new Promise((resolve, reject) => {
        waiting.push({ re, resolve });
        setTimeout(() => reject(new Error(`no ${re} in the stream ${path} within ${ms} ms:\n${text}`)), ms);
      });
    },
    close() {
      ctrl.abort();
      // a stream the server already ended may never settle its reader after the abort
      return Promise.race([done, new Promise((r) => setTimeout(r, 1000))]);
    },
  };
}

/** What the user has open on a server: a running query, its event stream, a dashboard, a blocked job. */
async function openEverything(t, c, serverId) {
  const tok = token();
  const sid = (await c.post(`api/v1/servers/${serverId}/sessions`, { database: 'postgres' })).body.session_id;
  assert.ok(sid);
  const events = stream(t, c, `api/v1/sessions/${sid}/events`);
  assert.equal((await c.post(`api/v1/sessions/${sid}/execute`, { sql: `SELECT pg_sleep(60) /* ${tok} */` })).status, 202);
  await waitFor(() => psql(`SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%${tok}%' AND pid <> pg_backend_pid()`) === '1', 'the query to run');
  const dashboard = stream(t, c, `api/v1/servers/${serverId}/dashboard/events`);
  await dashboard.until(/event: sample/);
  const job = (await startJob(c, serverId, 'backup', 'postgres', { file: `${tok}.dump`, tables: [{ schema: 'public', name: 'sec_locked' }] })).body.job;
  await waitFor(async () => (await c.get(`api/v1/jobs/${job.id}`)).body.job.state === 'running', 'the job to run');
  return { tok, sid, events, dashboard, job };
}

async function assertClosed(c, open, reason) {
  const text = await open.events.until(/event: closed\ndata: \{"reason":"revoked"/);
  assert.match(text, new RegExp(reason));
  await waitFor(() => psql(`SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%${open.tok}%' AND pid <> pg_backend_pid()`) === '0', 'the backend to go');
  const status = await c.get(`api/v1/sessions/${open.sid}/status`);
  assert.equal(status.status, 403, status.raw);
  assert.equal(status.body.error.code, 'access_revoked');
  const dash = await open.dashboard.until(/event: closed/);
  assert.match(dash, /"reason":"revoked"/);
  const job = await finished(c, open.job.id);
  assert.equal(job.state, 'cancelled');
  assert.match(job.reason, new RegExp(reason));
  await open.events.close();
  await open.dashboard.close();
}

/** A table a lock holder keeps busy, so a backup of it waits. */
async function lockHolder() {
  psql('CREATE TABLE IF NOT EXISTS sec_locked (n int)');
  const holder = spawn('psql', ['-X', '-d', 'postgres', '-c', 'BEGIN; LOCK TABLE sec_locked IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(120);'], {
    env: { ...process.env, PGHOST: pg.host, PGPORT: String(pg.port), PGUSER: pg.user, PGPASSWORD: pg.password },
    stdio: 'ignore',
  });
  await waitFor(() => psql("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'sec_locked' AND l.mode = 'AccessExclusiveLock' AND l.granted") === '1', 'the lock');
  return () => {
    holder.kill('SIGKILL');
    psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%LOCK TABLE sec_locked%' AND pid <> pg_backend_pid()");
  };
}

async function sharedServer(admin) {
  const res = await admin.post('api/v1/servers', { name: `team-${token()}`, host: pg.host, port: pg.port, username: pg.user, shared: true, shared_username: pg.user });
  assert.equal(res.status, 201, res.raw);
  return res.body.server.id;
}

test('unsharing or deleting a server ends what others have open on it, and says why', async () => {
  const w = await world();
  running.push(w.t);
  const release = await lockHolder();
  try {
    for (const change of ['unshare', 'delete']) {
      const id = await sharedServer(w.admin);
      assert.equal((await w.user.post(`api/v1/servers/${id}/connect`, { password: pg.password })).status, 200);
      const open = await openEverything(w.t, w.user, id);
      const res = change === 'unshare' ? await w.admin.put(`api/v1/servers/${id}`, { shared: false }) : await w.admin.del(`api/v1/servers/${id}`);
      assert.ok(res.status < 300, res.raw);
      await assertClosed(w.user, open, 'no longer shared with you');
      assert.equal((await w.user.get(`api/v1/servers/${id}`)).status, 404);
    }
  } finally {
    release();
  }
});

test('disabling a user, and logging out, end their query tabs, dashboards and jobs', async () => {
  const w = await world();
  running.push(w.t);
  const release = await lockHolder();
  try {
    const id = await sharedServer(w.admin);
    // logging out ends this login session's tabs
    assert.equal((await w.user.post(`api/v1/servers/${id}/connect`, { password: pg.password })).status, 200);
    const tok = token();
    const sid = (await w.user.post(`api/v1/servers/${id}/sessions`, { database: 'postgres' })).body.session_id;
    await w.user.post(`api/v1/sessions/${sid}/execute`, { sql: `SELECT pg_sleep(60) /* ${tok} */` });
    await waitFor(() => psql(`SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%${tok}%' AND pid <> pg_backend_pid()`) === '1', 'the query');
    assert.equal((await w.user.post('api/v1/auth/logout', {})).status, 200);
    await waitFor(() => psql(`SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%${tok}%' AND pid <> pg_backend_pid()`) === '0', 'the logged-out tab to end');
    // disabling ends everything the user has open
    const again = await login(w.t, ATTACKER);
    assert.equal((await again.post(`api/v1/servers/${id}/connect`, { password: pg.password })).status, 200);
    const open = await openEverything(w.t, again, id);
    assert.equal((await w.admin.put(`api/v1/users/${again.userId}`, { active: false })).status, 200);
    const text = await open.events.until(/event: closed/);
    assert.match(text, /"reason":"revoked","message":"Your Tusk account was disabled\."/);
    await waitFor(() => psql(`SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%${open.tok}%' AND pid <> pg_backend_pid()`) === '0', 'the backend to go');
    const job = await finished(w.admin, open.job.id).catch(() => null);
    assert.ok(!job || job.state === 'cancelled');
    await open.events.close();
    await open.dashboard.close();
  } finally {
    release();
  }
});

test('a change made on one replica ends what another replica holds (shared PostgreSQL store)', async () => {
  const storeUrl = storeUrlFor(join(tempDir('tusk-sec-replicas-'), 'store'));
  const a = await startTusk({ env: { TUSK_STORE_URL: storeUrl } });
  running.push(a);
  const b = await startTusk({ env: { TUSK_STORE_URL: storeUrl } });
  running.push(b);
  const admin = await login(a, ADMIN);
  assert.equal((await admin.post('api/v1/users', { ...ATTACKER, role: 'user' })).status, 201);
  const user = await login(b, ATTACKER);
  const release = await lockHolder();
  try {
    const id = await sharedServer(admin);
    assert.equal((await user.post(`api/v1/servers/${id}/connect`, { password: pg.password })).status, 200);
    const open = await openEverything(b, user, id);
    assert.equal((await admin.put(`api/v1/servers/${id}`, { shared: false })).status, 200);
    await assertClosed(user, open, 'no longer shared with you');
  } finally {
    release();
  }
});

test('a query tab ends when its login session runs out of lifetime, with no request after it', async () => {
  const w = await world({ env: { TUSK_SESSION_LIFETIME: '5' } });
  running.push(w.t);
  const serverId = (await w.user.post('api/v1/servers', { name: 'expiring', host: pg.host, port: pg.port, username: pg.user })).body.server.id;
  assert.equal((await w.user.post(`api/v1/servers/${serverId}/connect`, { password: pg.password })).status, 200);
  const sid = (await w.user.post(`api/v1/servers/${serverId}/sessions`, { database: 'postgres' })).body.session_id;
  const events = stream(w.t, w.user, `api/v1/sessions/${sid}/events`);
  const window = stream(w.t, w.user, 'api/v1/stream');
  // nothing is asked with the cookie from here: the sweep alone must notice the session is over
  const text = await events.until(/event: closed\ndata: \{"reason":"revoked"/, 20000);
  assert.match(text, /login session ended/);
  assert.match(await window.until(/"event":"closed"/, 20000), /revoked/);
  events.close();
  window.close();
});

test("a user's own-topic event streams count with their window streams: one user cannot hold every connection", async () => {
  const w = await world({ env: { TUSK_MAX_CONNECTIONS: '100' } }); // a quarter (25) per account: more than the 16 streams
  running.push(w.t);
  const serverId = (await w.user.post('api/v1/servers', { name: 'streams', host: pg.host, port: pg.port, username: pg.user })).body.server.id;
  assert.equal((await w.user.post(`api/v1/servers/${serverId}/connect`, { password: pg.password })).status, 200);
  const sid = (await w.user.post(`api/v1/servers/${serverId}/sessions`, { database: 'postgres' })).body.session_id;
  const open = [stream(w.t, w.user, 'api/v1/stream')];
  for (let i = 0; i < 15; i++) open.push(stream(w.t, w.user, `api/v1/sessions/${sid}/events`));
  await Promise.all(open.map((s) => s.until(/event: |^:/m).catch(() => {})));
  for (const path of [`api/v1/sessions/${sid}/events`, `api/v1/servers/${serverId}/dashboard/events`, 'api/v1/stream']) {
    const more = await w.user.get(path);
    assert.equal(more.status, 429, `${path}: ${more.raw}`);
    assert.equal(more.body.error.code, 'too_many_streams');
  }
  // others are served
  assert.equal((await w.admin.get('api/v1/auth/me')).status, 200);
  // a closed stream frees its place
  await open.pop().close();
  let again;
  await waitFor(async () => {
    again = stream(w.t, w.user, `api/v1/sessions/${sid}/events`);
    const ok = await again.until(/event: |^:/m, 3000).then(() => true, () => false);
    if (!ok) await again.close();
    return ok;
  }, 'a place to free');
  await again.close();
  for (const s of open) await s.close();
});
