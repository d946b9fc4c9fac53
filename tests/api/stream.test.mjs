// One event stream per browser window: GET /api/v1/stream names the stream
// in its first event; a window subscribes its query tabs, dashboards and job
// logs to it by CSRF-checked POSTs, each topic authorised as its own stream
// is, and every event comes tagged with the key the window gave the topic.
// A slow reader's queue is bounded: events are dropped and the window told.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { world, login, ATTACKER, startJob, finished, waitFor, token, psql, pg } from '../security/lib.mjs';
import { Client } from '../lib/http.mjs';

let w, serverId;
const METRICS = 'stream-test-metrics-token';

before(async () => {
  w = await world({ env: { TUSK_METRICS_TOKEN: METRICS } });
  const res = await w.admin.post('api/v1/servers', { name: 'team', host: pg.host, port: pg.port, username: pg.user, shared: true, shared_username: pg.user });
  assert.equal(res.status, 201, res.raw);
  serverId = res.body.server.id;
  for (const c of [w.admin, w.user]) assert.equal((await c.post(`api/v1/servers/${serverId}/connect`, { password: pg.password })).status, 200);
});

after(async () => assert.equal(await w.t.stop(), 0, w.t.output()));

/** Opens the window's stream: .id once the first event named it, .until(pred) for a tagged event. */
async function openStream(c) {
  const ctrl = new AbortController();
  const res = await fetch(new URL('api/v1/stream', w.t.url), { headers: { cookie: c.cookieHeader() }, signal: ctrl.signal });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /text\/event-stream/);
  const events = [];
  const waiting = [];
  let ended = false;
  const reader = res.body.getReader();
  const dec = new TextDecoder();
  let buf = '';
  const pump = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += dec.decode(value, { stream: true });
        let idx;
        while ((idx = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, idx);
          buf = buf.slice(idx + 2);
          const data = block.split('\n').find((l) => l.startsWith('data: '));
          if (data) events.push(JSON.parse(data.slice(6)));
        }
        for (const x of waiting) x.check();
      }
    } catch {
      // aborted
    }
    ended = true;
    for (const x of waiting) x.check();
  })();
  const s = {
    events,
    get ended() { return ended; },
    until(pred, what, ms = 20000) {
      return new Promise((resolve, reject) => {
        const x = {
          check() {
            const hit = events.find(pred);
            if (hit) resolve(hit);
            else if (ended) reject(new Error(`the stream ended before ${what}: ${JSON.stringify(events).slice(-2000)}`));
          },
        };
        waiting.push(x);
        x.check();
        setTimeout(() => reject(new Error(`no ${what} within ${ms} ms: ${JSON.stringify(events).slice(-2000)}`)), ms);
      });
    },
    close() {
      ctrl.abort();
      return pump;
    },
  };
  s.id = (await s.until((e) => e.event === 'stream', 'the stream id')).id;
  assert.match(s.id, /^[0-9a-f]{32}$/);
  return s;
}

const of = (key, event) => (e) => e.key === key && (!event || e.event === event);

async function metric(name) {
  const text = (await w.admin.get('metrics', { headers: { authorization: `Bearer ${METRICS}` } })).raw;
  const m = text.match(new RegExp(`^${name} (\\d+)$`, 'm'));
  assert.ok(m, `${name} in /metrics`);
  return Number(m[1]);
}

async function openSession(c) {
  const res = await c.post(`api/v1/servers/${serverId}/sessions`, { database: 'postgres' });
  assert.equal(res.status, 201, res.raw);
  return res.body.session_id;
}

test('the stream and its topics need a login; subscribing needs the CSRF token', async () => {
  const stranger = new Client(w.t.url);
  const open = await stranger.get('api/v1/stream');
  assert.equal(open.status, 401);
  assert.equal(open.body.error.code, 'unauthenticated');
  const s = await openStream(w.user);
  const sid = await openSession(w.user);
  const anon = await stranger.post(`api/v1/stream/${s.id}/sessions/${sid}`, { key: 'q1' });
  assert.equal(anon.status, 401);
  const noCsrf = await w.user.request('POST', `api/v1/stream/${s.id}/sessions/${sid}`, { json: { key: 'q1' }, csrf: false });
  assert.equal(noCsrf.status, 403);
  assert.equal(noCsrf.body.error.code, 'csrf_failed');
  const unsub = await w.user.request('POST', `api/v1/stream/${s.id}/unsubscribe`, { json: { key: 'q1' }, csrf: false });
  assert.equal(unsub.status, 403);
  assert.equal(await metric('tusk_event_stream_topics'), 0, 'nothing was subscribed');
  await s.close();
  await w.user.del(`api/v1/sessions/${sid}`);
});

test('a query tab subscribes, gets its statuses tagged with its key, and unsubscribes', async () => {
  const s = await openStream(w.user);
  const sid = await openSession(w.user);
  const bad = await w.user.post(`api/v1/stream/${s.id}/sessions/${sid}`, { key: 'no spaces' });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, 'invalid_field');
  const missing = await w.user.post(`api/v1/stream/${s.id}/sessions/${sid}`, {});
  assert.equal(missing.status, 400);
  assert.equal((await w.user.post(`api/v1/stream/${s.id}/sessions/${sid}`, { key: 'q1' })).status, 204);
  const first = await s.until(of('q1', 'status'), 'the current status');
  assert.equal(first.data.state, 'idle');
  const again = await w.user.post(`api/v1/stream/${s.id}/sessions/${sid}`, { key: 'q1' });
  assert.equal(again.status, 409);
  assert.equal(again.body.error.code, 'topic_taken');
  assert.equal((await w.user.post(`api/v1/sessions/${sid}/execute`, { sql: 'SELECT 41 + 1 AS answer' })).status, 202);
  const done = await s.until((e) => e.key === 'q1' && e.event === 'status' && e.data.state === 'done', 'the run done');
  assert.equal(done.data.results[0].columns[0].name, 'answer');
  // a second topic on the same stream, then the first one goes
  const sid2 = await openSession(w.user);
  assert.equal((await w.user.post(`api/v1/stream/${s.id}/sessions/${sid2}`, { key: 'q2' })).status, 204);
  await s.until(of('q2', 'status'), 'the second tab status');
  assert.equal((await w.user.post(`api/v1/stream/${s.id}/unsubscribe`, { key: 'q1' })).status, 204);
  assert.equal((await w.user.post(`api/v1/stream/${s.id}/unsubscribe`, { key: 'q1' })).status, 204, 'unsubscribing twice is no error');
  // the unsubscribed topic's pump ends (its wait is cut short by the next change)
  const seen = s.events.filter(of('q1')).length;
  await w.user.post(`api/v1/sessions/${sid}/execute`, { sql: 'SELECT 1' });
  await w.user.post(`api/v1/sessions/${sid2}/execute`, { sql: 'SELECT 2' });
  await s.until((e) => e.key === 'q2' && e.event === 'status' && e.data.state === 'done' && e.data.results[0]?.row_count === 1 && e !== undefined, 'the second tab run');
  await waitFor(async () => (await metric('tusk_event_stream_topics')) === 1, 'the unsubscribed topic to end');
  assert.equal(s.events.filter(of('q1')).length, seen, 'nothing more of the unsubscribed topic');
  // closing the session ends its topic with "closed"
  assert.equal((await w.user.del(`api/v1/sessions/${sid2}`)).status, 204);
  const closed = await s.until(of('q2', 'closed'), 'the closed event');
  assert.deepEqual(closed.data, {});
  await w.user.del(`api/v1/sessions/${sid}`);
  await s.close();
});

test("another user's stream, session, dashboard and job are refused", async () => {
  const mine = await openStream(w.user);
  const theirs = await openStream(w.admin);
  const adminSid = await openSession(w.admin);
  const r1 = await w.user.post(`api/v1/stream/${theirs.id}/sessions/${adminSid}`, { key: 'x' });
  assert.equal(r1.status, 404, 'their stream');
  assert.equal(r1.body.error.code, 'stream_not_found');
  const r2 = await w.user.post(`api/v1/stream/${mine.id}/sessions/${adminSid}`, { key: 'x' });
  assert.equal(r2.status, 404, 'their query session');
  assert.equal(r2.body.error.code, 'session_not_found');
  const own = await w.admin.post('api/v1/servers', { name: `own-${token()}`, host: pg.host, port: pg.port, username: pg.user });
  const r3 = await w.user.post(`api/v1/stream/${mine.id}/dashboards/${own.body.server.id}`, { key: 'x' });
  assert.equal(r3.status, 404, 'their server');
  const job = (await startJob(w.admin, serverId, 'backup', 'postgres', { file: `${token()}.dump` })).body.job;
  const r4 = await w.user.post(`api/v1/stream/${mine.id}/jobs/${job.id}`, { key: 'x' });
  assert.equal(r4.status, 404, 'their job');
  assert.equal(await metric('tusk_event_stream_topics'), 0);
  // the same login session of the same user in another login: still not theirs
  const other = await login(w.t, ATTACKER);
  const sid = await openSession(w.user);
  const r5 = await other.post(`api/v1/stream/${mine.id}/sessions/${sid}`, { key: 'x' });
  assert.equal(r5.status, 404, "another login session's stream");
  await finished(w.admin, job.id);
  await w.user.del(`api/v1/sessions/${sid}`);
  await w.admin.del(`api/v1/sessions/${adminSid}`);
  await mine.close();
  await theirs.close();
});

test('a dashboard and a job log share the stream with the query tabs', async () => {
  const s = await openStream(w.user);
  assert.equal((await w.user.post(`api/v1/stream/${s.id}/dashboards/${serverId}`, { key: 'd', database: 'postgres' })).status, 204);
  const sample = await s.until(of('d', 'sample'), 'a sample');
  assert.ok(sample.data.time > 0);
  const job = (await startJob(w.user, serverId, 'backup', 'postgres', { file: `${token()}.dump` })).body.job;
  assert.equal((await w.user.post(`api/v1/stream/${s.id}/jobs/${job.id}`, { key: 'j', offset: 0 })).status, 204);
  await s.until(of('j', 'end'), 'the job end');
  const states = s.events.filter(of('j', 'job')).map((e) => e.data.state);
  assert.equal(states[states.length - 1], 'succeeded');
  const log = s.events.filter(of('j', 'log')).map((e) => e.data.text).join('');
  assert.equal(log, (await w.user.get(`api/v1/jobs/${job.id}/log`)).raw, 'the whole log, in order');
  const neg = await w.user.post(`api/v1/stream/${s.id}/jobs/${job.id}`, { key: 'j2', offset: -1 });
  assert.equal(neg.status, 400);
  assert.equal((await w.user.post(`api/v1/stream/${s.id}/unsubscribe`, { key: 'd' })).status, 204);
  await s.close();
});

test('revocation ends the topics with their reason, and logging out ends the stream', async () => {
  const id = (await w.admin.post('api/v1/servers', { name: `team-${token()}`, host: pg.host, port: pg.port, username: pg.user, shared: true, shared_username: pg.user })).body.server.id;
  const c = await login(w.t, ATTACKER);
  assert.equal((await c.post(`api/v1/servers/${id}/connect`, { password: pg.password })).status, 200);
  const s = await openStream(c);
  const sid = (await c.post(`api/v1/servers/${id}/sessions`, { database: 'postgres' })).body.session_id;
  assert.equal((await c.post(`api/v1/stream/${s.id}/sessions/${sid}`, { key: 'q' })).status, 204);
  assert.equal((await c.post(`api/v1/stream/${s.id}/dashboards/${id}`, { key: 'd' })).status, 204);
  await s.until(of('d', 'sample'), 'a sample');
  const tok = token();
  await c.post(`api/v1/sessions/${sid}/execute`, { sql: `SELECT pg_sleep(60) /* ${tok} */` });
  await waitFor(() => psql(`SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%${tok}%' AND pid <> pg_backend_pid()`) === '1', 'the query to run');
  assert.equal((await w.admin.put(`api/v1/servers/${id}`, { shared: false })).status, 200);
  const q = await s.until(of('q', 'closed'), 'the tab closed');
  assert.equal(q.data.reason, 'revoked');
  assert.match(q.data.message, /no longer shared with you/);
  const d = await s.until(of('d', 'closed'), 'the dashboard closed');
  assert.equal(d.data.reason, 'revoked');
  await waitFor(() => psql(`SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%${tok}%' AND pid <> pg_backend_pid()`) === '0', 'the backend to go');
  assert.ok(!s.ended, 'the stream itself goes on: only that server went');
  // logging out ends the window's stream, and a new one needs a login
  assert.equal((await c.post('api/v1/auth/logout', {})).status, 200);
  const end = await s.until((e) => !e.key && e.event === 'closed', 'the stream closed');
  assert.equal(end.reason, 'revoked');
  await waitFor(() => s.ended, 'the stream to end');
  assert.equal((await c.get('api/v1/stream')).status, 401);
});

test('a slow reader is bounded: events are dropped, not queued without end, and the window is told', async () => {
  const sid = await openSession(w.user);
  // a stream opened with a reader that does not read
  let res;
  const req = http.get(new URL('api/v1/stream', w.t.url), { headers: { cookie: w.user.cookieHeader() } });
  const opened = new Promise((resolve, reject) => {
    req.on('response', (r) => { res = r; resolve(); });
    req.on('error', reject);
  });
  await opened;
  assert.equal(res.statusCode, 200);
  let text = '';
  res.setEncoding('utf8');
  const firstChunk = await new Promise((resolve) => res.once('data', resolve));
  text += firstChunk;
  res.pause();
  const id = JSON.parse(text.match(/data: (.*)\n/)[1]).id;
  assert.equal((await w.user.post(`api/v1/stream/${id}/sessions/${sid}`, { key: 'big' })).status, 204);
  // every notice changes the tab's status, and each status carries the notices so far (up to 1000)
  const sql = "DO $$ BEGIN FOR i IN 1..1000 LOOP RAISE NOTICE '%', repeat('x', 900); PERFORM pg_sleep(0.01); END LOOP; END $$";
  const dropped0 = await metric('tusk_event_stream_dropped_total');
  assert.equal((await w.user.post(`api/v1/sessions/${sid}/execute`, { sql })).status, 202);
  let most = 0;
  await waitFor(async () => {
    most = Math.max(most, await metric('tusk_event_stream_queued_bytes'));
    return (await metric('tusk_event_stream_dropped_total')) > dropped0;
  }, 'events to be dropped', 60000);
  most = Math.max(most, await metric('tusk_event_stream_queued_bytes'));
  assert.ok(most <= 1 << 20, `at most 1 MiB waits for the reader (${most})`);
  // reading again: the window learns it lost events (and refetches the status, as the web app does)
  const lost = new Promise((resolve) => {
    res.on('data', (chunk) => {
      text += chunk;
      if (/"event":"lost"/.test(text)) resolve();
    });
  });
  res.resume();
  await lost;
  assert.match(text, /data: \{"key":"big","event":"lost"\}/);
  await waitFor(async () => (await w.user.get(`api/v1/sessions/${sid}/status`)).body.state === 'done', 'the run to end', 60000);
  assert.ok((await metric('tusk_event_stream_queued_bytes')) <= 1 << 20);
  req.destroy();
  await w.user.del(`api/v1/sessions/${sid}`);
});

test('a stopping Tusk ends the topics (shutdown), then the stream, and exits cleanly', async () => {
  const other = await world();
  const saved = w;
  w = other; // openStream reads w.t
  try {
    const c = other.user;
    const own = await c.post('api/v1/servers', { name: 'mine', host: pg.host, port: pg.port, username: pg.user });
    const id = own.body.server.id;
    assert.equal((await c.post(`api/v1/servers/${id}/connect`, { password: pg.password })).status, 200);
    const s = await openStream(c);
    const sid = (await c.post(`api/v1/servers/${id}/sessions`, { database: 'postgres' })).body.session_id;
    assert.equal((await c.post(`api/v1/stream/${s.id}/sessions/${sid}`, { key: 'q' })).status, 204);
    assert.equal((await c.post(`api/v1/stream/${s.id}/dashboards/${id}`, { key: 'd' })).status, 204);
    await s.until(of('d', 'sample'), 'a sample');
    await c.post(`api/v1/sessions/${sid}/execute`, { sql: 'SELECT pg_sleep(60)' });
    await s.until((e) => e.key === 'q' && e.data?.state === 'running', 'the run');
    const code = other.t.stop();
    const q = await s.until(of('q', 'closed'), 'the tab closed');
    assert.equal(q.data.reason, 'shutdown');
    const end = await s.until((e) => !e.key && e.event === 'closed', 'the stream closed');
    assert.equal(end.reason, 'shutdown');
    assert.equal(await code, 0, other.t.output());
    await s.close();
  } finally {
    w = saved;
  }
});

test('a dashboard topic names a real-sized database, and one user samples at most 16 at once', async () => {
  const s = await openStream(w.user);
  try {
    // a name PostgreSQL could not hold is refused before anything samples it (a 1 MiB name cost 2 MB a topic)
    const long = await w.user.post(`api/v1/stream/${s.id}/dashboards/${serverId}`, { key: 'long', database: 'x'.repeat(64) });
    assert.equal(long.status, 400, long.raw);
    assert.match(long.body.error.message, /63 bytes/);
    // distinct databases each start a sampler: the 17th is refused, the ones already watched still join
    for (let i = 0; i < 16; i++) {
      const r = await w.user.post(`api/v1/stream/${s.id}/dashboards/${serverId}`, { key: `d${i}`, database: `nodb_${i}` });
      assert.equal(r.status, 204, `${i}: ${r.raw}`);
    }
    const over = await w.user.post(`api/v1/stream/${s.id}/dashboards/${serverId}`, { key: 'd16', database: 'nodb_16' });
    assert.equal(over.status, 429, over.raw);
    assert.equal(over.body.error.code, 'too_many_dashboards');
    assert.equal((await w.user.post(`api/v1/stream/${s.id}/dashboards/${serverId}`, { key: 'again', database: 'nodb_3' })).status, 204);
    // another user is not held back by this one
    const other = await openStream(w.admin);
    try {
      assert.equal((await w.admin.post(`api/v1/stream/${other.id}/dashboards/${serverId}`, { key: 'mine', database: 'nodb_x' })).status, 204);
    } finally {
      await other.close();
    }
  } finally {
    await s.close();
  }
});

test('a closed window frees its stream slot at once, not at the next keep-alive (16 streams a user)', async () => {
  const open = [];
  try {
    await new Promise((r) => setTimeout(r, 2000)); // the earlier tests' windows are gone by now
    for (let i = 0; i < 16; i++) open.push(await openStream(w.user));
    const over = await fetch(new URL('api/v1/stream', w.t.url), { headers: { cookie: w.user.cookieHeader() } });
    assert.equal(over.status, 429);
    assert.equal((await over.json()).error.code, 'too_many_streams');
  } finally {
    await Promise.all(open.map((s) => s.close()));
  }
  // a reloaded window opens its new stream while the old one's slot is still counted: the
  // server sees the closed socket within a second or two (keep-alives come every 15 s)
  const started = Date.now();
  let s = null;
  while (!s && Date.now() - started < 5000) {
    const ctrl = new AbortController();
    const res = await fetch(new URL('api/v1/stream', w.t.url), { headers: { cookie: w.user.cookieHeader() }, signal: ctrl.signal });
    if (res.status === 200) s = ctrl;
    else {
      assert.equal(res.status, 429);
      await res.body?.cancel();
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  assert.ok(s, 'a new stream opens within 5 s of the 16 others closing');
  s.abort();
});
