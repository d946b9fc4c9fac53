// GET /metrics: Prometheus text behind a bearer token, 404 when unset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTusk } from '../lib/tusk.mjs';

async function withTusk(opts, fn) {
  const t = await startTusk(opts);
  try {
    await fn(t);
  } finally {
    assert.equal(await t.stop(), 0, t.output());
  }
}

test('without TUSK_METRICS_TOKEN there is no /metrics', async () => {
  await withTusk({}, async (t) => assert.equal((await fetch(t.url + 'metrics')).status, 404));
});

test('with a token: 401 without it, Prometheus counters with it', async () => {
  await withTusk({ env: { TUSK_METRICS_TOKEN: 'scrape-me-please' } }, async (t) => {
    const none = await fetch(t.url + 'metrics');
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate'), /^Bearer/);
    assert.equal((await fetch(t.url + 'metrics', { headers: { authorization: 'Bearer wrong' } })).status, 401);
    await fetch(t.url + 'misc/ping');
    await fetch(t.url + 'api/v1/nothing');
    const res = await fetch(t.url + 'metrics', { headers: { authorization: 'Bearer scrape-me-please' } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /text\/plain; version=0\.0\.4/);
    const text = await res.text();
    assert.match(text, /^tusk_http_requests_total\{status="200"\} [1-9]\d*$/m);
    assert.match(text, /^tusk_http_requests_total\{status="404"\} [1-9]\d*$/m);
    assert.match(text, /^tusk_http_requests_total\{status="401"\} 2$/m);
    assert.match(text, /^tusk_http_request_duration_seconds_bucket\{le="\+Inf"\} \d+$/m);
    assert.match(text, /^tusk_http_request_duration_seconds_count \d+$/m);
    for (const name of ['tusk_query_sessions', 'tusk_pg_connections', 'tusk_dashboard_samplers', 'tusk_jobs', 'tusk_store_errors_total', 'tusk_start_time_seconds']) {
      assert.match(text, new RegExp(`^${name} \\d+$`, 'm'), name);
    }
    // buckets are cumulative
    const buckets = [...text.matchAll(/_bucket\{le="[^"]+"\} (\d+)/g)].map((m) => Number(m[1]));
    assert.ok(buckets.every((v, i) => i === 0 || v >= buckets[i - 1]));
  });
});
