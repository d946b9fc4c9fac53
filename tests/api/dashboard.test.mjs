// The dashboard stream: a sample a second over SSE with rates over the
// measured interval; watchers of the same server share one sampler, which
// stops when the last one leaves.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTusk, ADMIN } from '../lib/tusk.mjs';
import { Client } from '../lib/http.mjs';
import { pg, psql } from '../lib/pg.mjs';

let t, c, id;

before(async () => {
  psql('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  t = await startTusk({});
  c = new Client(t.url);
  c.csrf = (await c.post('api/v1/auth/login', ADMIN)).body.csrf_token;
  id = (await c.post('api/v1/servers', { name: 'pg', host: pg.host, port: pg.port, username: pg.user })).body.server.id;
});

after(async () => assert.equal(await t.stop(), 0, t.output()));

// Opens the stream and returns a reader of parsed samples.
async function watch(database = 'postgres') {
  const ctrl = new AbortController();
  const res = await fetch(new URL(`api/v1/servers/${id}/dashboard/events?database=${database}`, t.url), { headers: { cookie: c.cookieHeader() }, signal: ctrl.signal });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /text\/event-stream/);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  return {
    async next() {
      for (;;) {
        const idx = buf.indexOf('\n\n');
        if (idx >= 0) {
          const ev = buf.slice(0, idx);
          buf = buf.slice(idx + 2);
          const data = ev.split('\n').find((l) => l.startsWith('data: '));
          if (ev.startsWith('event: sample')) return JSON.parse(data.slice(6));
          if (ev.startsWith('event: error')) throw new Error(data);
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buf += decoder.decode(value, { stream: true });
      }
    },
    close: () => ctrl.abort(),
  };
}

const samplerCalls = () => Number(psql("SELECT COALESCE(sum(calls), 0) FROM pg_stat_statements WHERE query LIKE '%pg_database_size%' AND query LIKE '%pg_is_in_recovery%'"));

test('the stream needs a connected server', async () => {
  const r = await c.get(`api/v1/servers/${id}/dashboard/events`);
  assert.equal(r.status, 409);
  assert.equal((await c.post(`api/v1/servers/${id}/connect`, { password: pg.password })).status, 200);
});

test('samples arrive each second with sessions, counters and rates over the measured interval', async () => {
  const w = await watch();
  const first = await w.next();
  assert.ok(first.sessions.total >= 1);
  assert.ok(first.counters.commits > 0);
  for (let i = 0; i < 20; i++) psql('SELECT 1');
  // samples taken while the commits ran (and buffered meanwhile) may not count them all yet
  let second = await w.next();
  for (let i = 0; i < 5 && second.counters.commits < first.counters.commits + 20; i++) second = await w.next();
  const third = await w.next();
  w.close();
  assert.ok(second.time > first.time && third.time > second.time);
  assert.ok(third.time - second.time > 0.5 && third.time - second.time < 2.5, 'about a second apart');
  assert.ok(second.counters.commits >= first.counters.commits + 20, 'commits counted');
  const rate = third.rates.commits;
  const expected = (third.counters.commits - second.counters.commits) / (third.time - second.time);
  assert.ok(Math.abs(rate - expected) < 1e-6, `rate ${rate} = delta / measured interval ${expected}`);
  assert.ok(third.database_size > 0);
  assert.ok('hit_ratio' in third.rates && 'wal_bytes' in third.counters);
});

test('two watchers share one sampler, which stops when they leave', async () => {
  await new Promise((r) => setTimeout(r, 1500)); // the previous test's sampler stops
  const before = samplerCalls();
  const a = await watch(), b = await watch();
  const start = Date.now();
  for (let i = 0; i < 3; i++) await Promise.all([a.next(), b.next()]);
  const seconds = (Date.now() - start) / 1000;
  a.close();
  b.close();
  const during = samplerCalls() - before;
  assert.ok(during <= seconds + 2, `${during} samples in ${seconds.toFixed(1)} s for two watchers: one sampler`);
  await new Promise((r) => setTimeout(r, 2500));
  const stopped = samplerCalls();
  await new Promise((r) => setTimeout(r, 2000));
  assert.equal(samplerCalls(), stopped, 'no sampling once nobody watches');
});
