// The query tool API: sessions, multi-statement results, notices, errors
// with position, cancel, transactions, 1M-row windows, exports, SSE.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startTusk, ADMIN } from '../lib/tusk.mjs';
import { Client } from '../lib/http.mjs';
import { pg, psql } from '../lib/pg.mjs';

let t, c, serverId;

before(async () => {
  t = await startTusk({});
  c = new Client(t.url);
  const res = await c.post('api/v1/auth/login', ADMIN);
  c.csrf = res.body.csrf_token;
  serverId = (await c.post('api/v1/servers', { name: 'pg', host: pg.host, port: pg.port, username: pg.user })).body.server.id;
});

after(async () => {
  const code = await t.stop();
  assert.equal(code, 0, t.output());
});

async function connect() {
  const r = await c.post(`api/v1/servers/${serverId}/connect`, { password: pg.password });
  assert.equal(r.status, 200, r.raw);
}

async function open(database = 'postgres') {
  const r = await c.post(`api/v1/servers/${serverId}/sessions`, { database });
  assert.equal(r.status, 201, r.raw);
  return r.body.session_id;
}

async function run(sid, sql, opts = {}, timeoutMs = 60000) {
  const r = await c.post(`api/v1/sessions/${sid}/execute`, { sql, ...opts });
  assert.equal(r.status, 202, r.raw);
  return waitDone(sid, timeoutMs);
}

async function waitDone(sid, timeoutMs = 60000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const s = (await c.get(`api/v1/sessions/${sid}/status`)).body;
    if (s.state !== 'running') return s;
    if (Date.now() > until) throw new Error(`still running: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a session needs a connected server', async () => {
  const r = await c.post(`api/v1/servers/${serverId}/sessions`, { database: 'postgres' });
  assert.equal(r.status, 409);
  assert.equal(r.body.error.code, 'not_connected');
  await connect();
});

test('a query tab\'s connection says what it is and whose; the tree\'s says its own', async () => {
  const sid = await open();
  const mine = () => psql(`SELECT string_agg(DISTINCT application_name, '|' ORDER BY application_name) FROM pg_stat_activity WHERE application_name LIKE 'Tusk - %'`);
  assert.match(mine(), /Tusk - Query Tool - admin@tusk\.local/);
  await c.get(`api/v1/servers/${serverId}/objects?path=/databases`);
  assert.match(mine(), /Tusk - Object Explorer - admin@tusk\.local/);
  await c.del(`api/v1/sessions/${sid}`);
});

test('every result set of a script, with columns, types, counts and command tags', async () => {
  const sid = await open();
  const s = await run(sid, "SELECT 1 AS a, 'x'::text AS b, NULL::int AS c, 12345678901234567890::numeric AS big; SELECT generate_series(1,5) AS n; CREATE TEMP TABLE tmp_x (x int); INSERT INTO tmp_x VALUES (1), (2)");
  assert.equal(s.state, 'done', JSON.stringify(s.error));
  assert.equal(s.results.length, 4);
  assert.deepEqual(s.results[0].columns.map((col) => [col.name, col.type]), [['a', 'integer'], ['b', 'text'], ['c', 'integer'], ['big', 'numeric']]);
  assert.deepEqual(s.results.map((r) => r.command), ['SELECT 1', 'SELECT 5', 'CREATE TABLE', 'INSERT 0 2']);
  assert.deepEqual(s.results.map((r) => r.row_count), [1, 5, 0, 0]);
  assert.ok(s.results.every((r) => r.complete));
  assert.ok(s.elapsed_ms >= 0);
  const first = (await c.get(`api/v1/sessions/${sid}/results/0/rows?offset=0&limit=10`)).body;
  assert.deepEqual(first.rows, [['1', 'x', null, '12345678901234567890']], 'NULL stays null, numeric stays exact text');
  const second = (await c.get(`api/v1/sessions/${sid}/results/1/rows?offset=2&limit=2`)).body;
  assert.deepEqual(second.rows, [['3'], ['4']]);
  assert.equal(second.row_count, 5);
  assert.equal((await c.get(`api/v1/sessions/${sid}/results/2/rows`)).status, 404, 'a command has no rows');
  assert.equal((await c.get(`api/v1/sessions/${sid}/results/9/rows`)).status, 404);
  assert.equal((await c.get(`api/v1/sessions/${sid}/results/1/rows?limit=100000`)).status, 400);
});

test('notices arrive in order; errors carry SQLSTATE, position, detail and hint', async () => {
  const sid = await open();
  const n = await run(sid, "DO $$ BEGIN RAISE NOTICE 'hello %', 42; RAISE WARNING 'careful'; END $$");
  assert.deepEqual(n.notices.map((x) => [x.severity, x.message]), [['NOTICE', 'hello 42'], ['WARNING', 'careful']]);
  const e = await run(sid, 'SELECT 1 AS ok;\nSELECT * FROM no_such_table_here');
  assert.equal(e.state, 'error');
  assert.equal(e.error.sqlstate, '42P01');
  assert.match(e.error.message, /relation "no_such_table_here" does not exist/);
  assert.equal(e.error.position, 31, 'position counts characters within the whole script, for the editor');
  assert.equal(e.results.length, 1, 'results before the error are kept');
  const h = await run(sid, "SELECT 'a'::text + 1");
  assert.equal(h.error.sqlstate, '42883');
  assert.match(h.error.hint, /No operator matches/);
  const d = await run(sid, "DO $$ BEGIN RAISE EXCEPTION 'boom' USING DETAIL = 'the detail', HINT = 'the hint'; END $$");
  assert.equal(d.error.detail, 'the detail');
  assert.equal(d.error.hint, 'the hint');
  assert.match(d.error.where, /PL\/pgSQL/);
});

test('a running pg_sleep can be cancelled', async () => {
  const sid = await open();
  const r = await c.post(`api/v1/sessions/${sid}/execute`, { sql: 'SELECT pg_sleep(30)' });
  assert.equal(r.status, 202);
  await new Promise((res) => setTimeout(res, 300));
  assert.equal((await c.get(`api/v1/sessions/${sid}/status`)).body.state, 'running');
  const busy = await c.post(`api/v1/sessions/${sid}/execute`, { sql: 'SELECT 1' });
  assert.equal(busy.status, 409);
  assert.equal(busy.body.error.code, 'busy');
  const started = Date.now();
  assert.equal((await c.post(`api/v1/sessions/${sid}/cancel`, {})).status, 202);
  const s = await waitDone(sid, 10000);
  assert.ok(Date.now() - started < 5000);
  assert.equal(s.state, 'cancelled');
  assert.equal(s.error.sqlstate, '57014');
  assert.equal((await run(sid, 'SELECT 2')).state, 'done', 'the tab goes on after a cancel');
});

test('rows and column types can be read while the query still runs', async () => {
  const sid = await open();
  const sql = "SELECT g, repeat('x', 100) AS pad, CASE WHEN g = 3000 THEN pg_sleep(30)::text END AS slow FROM generate_series(1, 3000) g";
  assert.equal((await c.post(`api/v1/sessions/${sid}/execute`, { sql })).status, 202);
  let st;
  for (let i = 0; i < 100; i++) {
    st = (await c.get(`api/v1/sessions/${sid}/status`)).body;
    if (st.results[0]?.row_count > 0) break;
    await new Promise((res) => setTimeout(res, 50));
  }
  assert.equal(st.state, 'running');
  assert.deepEqual(st.results[0].columns.map((col) => col.type), ['integer', 'text', 'text']);
  const w = await c.get(`api/v1/sessions/${sid}/results/0/rows?offset=0&limit=2`);
  assert.equal(w.status, 200, w.raw);
  assert.deepEqual(w.body.rows, [['1', 'x'.repeat(100), null], ['2', 'x'.repeat(100), null]]);
  await c.post(`api/v1/sessions/${sid}/cancel`, {});
  assert.equal((await waitDone(sid, 10000)).state, 'cancelled');
});

test('transactions: auto-commit off, commit, rollback, auto-rollback on error', async () => {
  psql('DROP TABLE IF EXISTS qt_txn; CREATE TABLE qt_txn (x int)');
  const sid = await open();
  let s = await run(sid, 'INSERT INTO qt_txn VALUES (1)', { autocommit: false });
  assert.equal(s.transaction, 'in_transaction');
  assert.equal(psql('SELECT count(*) FROM qt_txn'), '0', 'not visible before commit');
  assert.equal((await c.post(`api/v1/sessions/${sid}/commit`, {})).status, 202);
  s = await waitDone(sid);
  assert.equal(s.transaction, 'idle');
  assert.equal(psql('SELECT count(*) FROM qt_txn'), '1');
  await run(sid, 'INSERT INTO qt_txn VALUES (2)', { autocommit: false });
  await c.post(`api/v1/sessions/${sid}/rollback`, {});
  s = await waitDone(sid);
  assert.equal(s.transaction, 'idle');
  assert.equal(psql('SELECT count(*) FROM qt_txn'), '1');
  s = await run(sid, 'INSERT INTO qt_txn VALUES (3); SELECT 1/0', { autocommit: false, autorollback: true });
  assert.equal(s.state, 'error');
  assert.equal(s.transaction, 'idle');
  assert.ok(s.notices.some((n) => /rolled back/.test(n.message)));
  s = await run(sid, 'INSERT INTO qt_txn VALUES (4); SELECT 1/0', { autocommit: false });
  assert.equal(s.transaction, 'in_error', 'without auto-rollback the failed transaction stays for the user to end');
  await c.post(`api/v1/sessions/${sid}/rollback`, {});
  await waitDone(sid);
  assert.equal(psql('SELECT count(*) FROM qt_txn'), '1');
});

test('a 1,000,000-row result: exact count, windows at the start, middle and end', async () => {
  const sid = await open();
  const s = await run(sid, "SELECT g AS n, md5(g::text) AS h, g * 2 AS twice, now() AS at FROM generate_series(1, 1000000) g", {}, 180000);
  assert.equal(s.state, 'done', JSON.stringify(s.error));
  assert.equal(s.results[0].row_count, 1000000);
  for (const offset of [0, 500000, 999900]) {
    const w = (await c.get(`api/v1/sessions/${sid}/results/0/rows?offset=${offset}&limit=100`)).body;
    assert.equal(w.rows.length, 100);
    assert.equal(w.rows[0][0], String(offset + 1));
    assert.equal(w.rows[99][2], String((offset + 100) * 2));
  }
  const past = (await c.get(`api/v1/sessions/${sid}/results/0/rows?offset=999990&limit=100`)).body;
  assert.equal(past.rows.length, 10);
});

const rssKb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${t.proc.pid}/status`, 'utf8'))[1]);

test('big values: a window shows their first 8 KB (whole characters) and says so; the whole value is one request away', async () => {
  const sid = await open();
  const s = await run(sid, "SELECT g AS n, repeat(chr(64 + g), 5000000) AS big, 'x' || repeat('é', 5000) AS accents, 'small' AS s FROM generate_series(1, 20) g", {}, 120000);
  assert.equal(s.state, 'done', JSON.stringify(s.error));
  const before = rssKb();
  for (let i = 0; i < 3; i++) {
    const r = await c.get(`api/v1/sessions/${sid}/results/0/rows?offset=0&limit=20`);
    assert.equal(r.status, 200);
    assert.ok(r.raw.length < 400_000, `a window of 20 rows of 5 MB values is ${r.raw.length} bytes`);
    const w = r.body;
    assert.equal(w.rows.length, 20);
    assert.equal(w.rows[2][1], 'C'.repeat(8192));
    // 8192 bytes would end inside an é: the cut keeps whole characters
    assert.equal(w.rows[2][2], 'x' + 'é'.repeat(4095));
    assert.equal(w.rows[2][3], 'small');
    assert.equal(w.cut.length, 40);
    assert.deepEqual(w.cut.slice(0, 2), [[0, 1, 5000000], [0, 2, 10001]]);
  }
  const grown = rssKb() - before;
  assert.ok(grown < 40_000, `reading windows of 100 MB of values grew the server by ${grown} kB`);
  const whole = await c.get(`api/v1/sessions/${sid}/results/0/rows/2/1`);
  assert.equal(whole.status, 200);
  assert.equal(whole.body.bytes, 5000000);
  assert.equal(whole.body.value, 'C'.repeat(5000000));
  assert.deepEqual((await c.get(`api/v1/sessions/${sid}/results/0/rows/19/2`)).body, { value: 'x' + 'é'.repeat(5000), bytes: 10001 });
  // cell_limit=0 asks for whole values; a smaller one cuts sooner
  const all = (await c.get(`api/v1/sessions/${sid}/results/0/rows?offset=19&limit=1&cell_limit=0`)).body;
  assert.equal(all.rows[0][1].length, 5000000);
  assert.deepEqual(all.cut, []);
  const tiny = (await c.get(`api/v1/sessions/${sid}/results/0/rows?offset=0&limit=1&cell_limit=3`)).body;
  assert.deepEqual(tiny.rows[0], ['1', 'AAA', 'xé', 'sma']);
  assert.deepEqual(tiny.cut, [[0, 1, 5000000], [0, 2, 10001], [0, 3, 5]]);
  const nulls = await run(sid, 'SELECT NULL::text AS v');
  assert.equal(nulls.state, 'done');
  assert.deepEqual((await c.get(`api/v1/sessions/${sid}/results/0/rows/0/0`)).body, { value: null, bytes: 0 });
  for (const path of ['rows/1/0', 'rows/0/1', 'rows/-1/0', 'rows/x/0', 'rows/0/99999']) {
    const r = await c.get(`api/v1/sessions/${sid}/results/0/${path}`);
    assert.equal(r.status, 404, path);
    assert.equal(r.body.error.code, 'not_found', path);
  }
  assert.equal((await c.get(`api/v1/sessions/${sid}/results/0/rows?cell_limit=-1`)).status, 400);
});

test('exports: CSV parses back to the same values, with options; JSON too', async () => {
  const sid = await open();
  const values = [['1', 'plain'], ['2', 'with, comma'], ['3', 'with "quotes"'], ['4', 'line\nbreak'], ['5', ''], ['6', null]];
  const sql = 'SELECT * FROM (VALUES ' + values.map(([a, b]) => `(${a}, ${b === null ? 'NULL' : `'${b.replace(/'/g, "''")}'`})`).join(', ') + ') v(id, txt) ORDER BY id';
  const s = await run(sid, sql);
  assert.equal(s.state, 'done', JSON.stringify(s.error));
  const csv = await c.get(`api/v1/sessions/${sid}/results/0/export?format=csv`);
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-disposition'), /attachment; filename="result-1.csv"/);
  assert.deepEqual(parseCsv(csv.raw, ',', '"'), [['id', 'txt'], ...values]);
  const semi = await c.get(`api/v1/sessions/${sid}/results/0/export?format=csv&delimiter=;&quote='&header=false`);
  assert.deepEqual(parseCsv(semi.raw, ';', "'"), values);
  const json = await c.get(`api/v1/sessions/${sid}/results/0/export?format=json`);
  assert.deepEqual(JSON.parse(json.raw), values.map(([id, txt]) => ({ id, txt })));
  assert.equal((await c.get(`api/v1/sessions/${sid}/results/0/export?format=xml`)).status, 400);

  // SQL INSERTs load back into a table with the same rows
  const ins = await c.get(`api/v1/sessions/${sid}/results/0/export?format=sql&table=${encodeURIComponent('public.Export "Back"')}`);
  assert.equal(ins.status, 200);
  assert.match(ins.raw, /^INSERT INTO "public"\."Export ""Back""" \("id", "txt"\) VALUES \('1', 'plain'\);$/m);
  // with schema, a table name with dots is taken whole
  const dotted = await c.get(`api/v1/sessions/${sid}/results/0/export?format=sql&schema=${encodeURIComponent('s.x')}&table=${encodeURIComponent('a.b')}`);
  assert.match(dotted.raw, /^INSERT INTO "s\.x"\."a\.b" \("id", "txt"\) VALUES \('1', 'plain'\);$/m);
  psql('DROP TABLE IF EXISTS public."Export ""Back"""; CREATE TABLE public."Export ""Back""" (id int, txt text);');
  psql(ins.raw);
  const back = await run(sid, 'SELECT id::text, txt FROM public."Export ""Back""" ORDER BY id');
  assert.equal(back.results[0].row_count, values.length);
  assert.deepEqual((await c.get(`api/v1/sessions/${sid}/results/0/rows?limit=10`)).body.rows, values);
});

// RFC 4180 with a chosen delimiter and quote; unquoted empty = NULL, quoted empty = ''.
function parseCsv(text, delim, quote) {
  const rows = [];
  let row = [], field = '', quoted = false, inQuotes = false, i = 0;
  const end = () => { row.push(field === '' && !quoted ? null : field); field = ''; quoted = false; };
  while (i < text.length) {
    const ch = text[i];
    if (inQuotes) {
      if (ch === quote && text[i + 1] === quote) { field += quote; i += 2; continue; }
      if (ch === quote) { inQuotes = false; i++; continue; }
      field += ch; i++; continue;
    }
    if (ch === quote) { inQuotes = true; quoted = true; i++; continue; }
    if (ch === delim) { end(); i++; continue; }
    if (ch === '\r' && text[i + 1] === '\n') { end(); rows.push(row); row = []; i += 2; continue; }
    field += ch; i++;
  }
  return rows;
}

test('status changes stream as server-sent events', async () => {
  const sid = await open();
  const ctrl = new AbortController();
  const res = await fetch(new URL(`api/v1/sessions/${sid}/events`, t.url), { headers: { cookie: c.cookieHeader() }, signal: ctrl.signal });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /text\/event-stream/);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  const states = [];
  await c.post(`api/v1/sessions/${sid}/execute`, { sql: 'SELECT pg_sleep(0.3), 42 AS answer' });
  const until = Date.now() + 10000;
  while (!states.includes('done') && Date.now() < until) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += decoder.decode(value, { stream: true });
    let idx;
    while ((idx = buf.indexOf('\n\n')) >= 0) {
      const ev = buf.slice(0, idx);
      buf = buf.slice(idx + 2);
      const data = ev.split('\n').find((l) => l.startsWith('data: '));
      if (ev.startsWith('event: status') && data) states.push(JSON.parse(data.slice(6)).state);
    }
  }
  ctrl.abort();
  assert.ok(states.includes('running'), states.join());
  assert.equal(states.at(-1), 'done');
});

test('LISTEN in a tab receives NOTIFY while idle', async () => {
  const sid = await open();
  await run(sid, 'LISTEN tusk_chan');
  psql("NOTIFY tusk_chan, 'hello there'");
  const until = Date.now() + 5000;
  let s;
  do {
    await new Promise((r) => setTimeout(r, 100));
    s = (await c.get(`api/v1/sessions/${sid}/status`)).body;
  } while (!s.notices.some((n) => n.severity === 'NOTIFY') && Date.now() < until);
  const note = s.notices.find((n) => n.severity === 'NOTIFY');
  assert.ok(note, JSON.stringify(s.notices));
  assert.match(note.message, /tusk_chan.*hello there/);
});

test('a session belongs to its login session; closing ends it', async () => {
  const sid = await open();
  const other = new Client(t.url);
  other.csrf = (await other.post('api/v1/auth/login', ADMIN)).body.csrf_token;
  assert.equal((await other.get(`api/v1/sessions/${sid}/status`)).status, 404, 'another login of the same user');
  assert.equal((await other.post(`api/v1/sessions/${sid}/execute`, { sql: 'SELECT 1' })).status, 404);
  assert.equal((await c.del(`api/v1/sessions/${sid}`)).status, 204);
  const gone = await c.get(`api/v1/sessions/${sid}/status`);
  assert.equal(gone.status, 404);
  assert.equal(gone.body.error.code, 'session_not_found');
});

test('history records every script (searchable, per user); the audit log has the statements', async () => {
  const sid = await open();
  await run(sid, "SELECT 'history marker' AS m");
  await run(sid, 'SELECT * FROM history_missing_table');
  const h = (await c.get('api/v1/history?q=history')).body;
  assert.ok(h.total >= 2);
  const [err, ok] = h.entries;
  assert.equal(err.status, 'error');
  assert.match(err.error, /history_missing_table/);
  assert.equal(ok.status, 'done');
  assert.equal(ok.row_count, 1);
  assert.equal(ok.database, 'postgres');
  assert.equal(ok.server_id, serverId);
  assert.ok(ok.duration_ms >= 0);
  assert.equal((await c.get(`api/v1/history?server_id=${serverId + 1000}`)).body.total, 0);
  const audit = (await c.get('api/v1/audit?event=query&q=history%20marker')).body;
  assert.equal(audit.total, 1);
  assert.match(audit.entries[0].detail, /done in \d+ ms, 1 rows: SELECT 'history marker'/);
  assert.equal(audit.entries[0].user_email, ADMIN.email);

  // another user sees none of it
  await c.post('api/v1/users', { email: 'hist@tusk.local', password: 'hist password' });
  const other = new Client(t.url);
  other.csrf = (await other.post('api/v1/auth/login', { email: 'hist@tusk.local', password: 'hist password' })).body.csrf_token;
  assert.equal((await other.get('api/v1/history')).body.total, 0);
  assert.equal((await c.del('api/v1/history')).status, 204);
  assert.equal((await c.get('api/v1/history')).body.total, 0);
});

test('completion is read on a pooled connection: columns and functions, and no history or audit entry', async () => {
  psql('DROP TABLE IF EXISTS completion_probe; CREATE TABLE completion_probe (a int, "B c" text); ' +
    "CREATE OR REPLACE FUNCTION completion_fn(x int) RETURNS int LANGUAGE sql AS 'SELECT x'");
  const history = (await c.get('api/v1/history')).body.total;
  const audit = (await c.get('api/v1/audit')).body.total;
  const r = await c.get(`api/v1/servers/${serverId}/completion?database=postgres`);
  assert.equal(r.status, 200, r.raw);
  assert.deepEqual(r.body.tables.public.completion_probe, ['a', 'B c']);
  assert.equal(r.body.tables.pg_catalog, undefined);
  assert.deepEqual(r.body.functions.find((f) => f.name === 'completion_fn'),
    { schema: 'public', name: 'completion_fn', args: 'x integer', on_search_path: true });
  assert.equal((await c.get('api/v1/history')).body.total, history, 'no history entry');
  assert.equal((await c.get('api/v1/audit')).body.total, audit, 'no audit entry');
  assert.equal((await c.get(`api/v1/servers/${serverId + 1000}/completion`)).status, 409);
  psql('DROP TABLE completion_probe; DROP FUNCTION completion_fn(int)');
});

test('saved queries and the workspace (open tabs) are kept per user', async () => {
  const made = await c.post('api/v1/queries', { name: 'active sessions', sql: 'SELECT * FROM pg_stat_activity' });
  assert.equal(made.status, 201, made.raw);
  assert.equal((await c.post('api/v1/queries', { name: 'active sessions', sql: 'x' })).status, 409);
  const id = made.body.query.id;
  assert.equal((await c.put(`api/v1/queries/${id}`, { sql: 'SELECT 1' })).body.query.sql, 'SELECT 1');
  assert.deepEqual((await c.get('api/v1/queries')).body.queries.map((q) => q.name), ['active sessions']);
  assert.equal((await c.del(`api/v1/queries/${id}`)).status, 204);
  assert.equal((await c.del(`api/v1/queries/${id}`)).status, 404);

  assert.equal((await c.get('api/v1/workspace')).body.workspace, null);
  const ws = { tabs: [{ server_id: serverId, database: 'postgres', sql: 'SELECT 42 -- unsaved' }], active: 0 };
  assert.equal((await c.put('api/v1/workspace', { workspace: ws })).status, 204);
  assert.deepEqual((await c.get('api/v1/workspace')).body.workspace, ws);
  assert.equal((await c.put('api/v1/workspace', { workspace: 'nope' })).status, 400);
});
