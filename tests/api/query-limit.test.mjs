// A script's row limit (the Preferences dialog's "rows kept"): each result keeps its first
// max_rows rows, the rest are read and dropped (a DML statement's rows are all changed), the
// status says how many were dropped, and a notice says so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connectedAdmin } from '../lib/admin.mjs';
import { psql } from '../lib/pg.mjs';

let t, c, id, sid;

before(async () => {
  ({ t, c, id } = await connectedAdmin());
  psql('DROP TABLE IF EXISTS qlimit_items; CREATE TABLE qlimit_items (n int)');
  sid = (await c.post(`api/v1/servers/${id}/sessions`, { database: 'postgres' })).body.session_id;
});

after(async () => {
  const code = await t.stop();
  psql('DROP TABLE IF EXISTS qlimit_items');
  assert.equal(code, 0, t.output());
});

async function run(body) {
  const r = await c.post(`api/v1/sessions/${sid}/execute`, body);
  assert.equal(r.status, 202, r.raw);
  for (let i = 0; i < 600; i++) {
    const s = (await c.get(`api/v1/sessions/${sid}/status`)).body;
    if (s.state !== 'running') return s;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error('the run did not end');
}

test('each result keeps its first max_rows rows; the status and a notice say how many were dropped', async () => {
  const st = await run({
    sql: 'SELECT g FROM generate_series(1, 25000) g ORDER BY g; SELECT 1 AS one; INSERT INTO qlimit_items SELECT generate_series(1, 500) RETURNING n',
    max_rows: 100,
  });
  assert.equal(st.state, 'done', JSON.stringify(st.error));
  assert.deepEqual(st.results.map((r) => [r.row_count, r.rows_dropped, r.complete]), [[100, 24900, true], [1, 0, true], [100, 400, true]]);
  const rows = (await c.get(`api/v1/sessions/${sid}/results/0/rows?offset=0&limit=1000`)).body;
  assert.equal(rows.rows.length, 100);
  assert.deepEqual(rows.rows.at(-1), ['100']);
  assert.equal(psql('SELECT count(*) FROM qlimit_items'), '500', 'every row was inserted');
  const notices = st.notices.map((n) => n.message);
  assert.ok(notices.includes('Result 1: the first 100 of 25000 rows are kept (the row limit of your preferences); the others were read and dropped.'), notices.join('\n'));
  assert.ok(notices.some((m) => m.startsWith('Result 3: the first 100 of 500 rows')));
  assert.equal(notices.filter((m) => m.startsWith('Result 2')).length, 0);
});

test('no limit keeps every row; a negative one is refused', async () => {
  const st = await run({ sql: 'SELECT generate_series(1, 3000)', max_rows: 0 });
  assert.equal(st.results[0].row_count, 3000);
  assert.equal(st.results[0].rows_dropped, 0);
  const bad = await c.post(`api/v1/sessions/${sid}/execute`, { sql: 'SELECT 1', max_rows: -5 });
  assert.equal(bad.status, 400, bad.raw);
  assert.equal(bad.body.error.code, 'invalid_field');
  const wrong = await c.post(`api/v1/sessions/${sid}/execute`, { sql: 'SELECT 1', max_rows: 'ten' });
  assert.equal(wrong.status, 400, wrong.raw);
});
