// Schema Diff's comparison kept for its user: POST /api/v1/schema-diff answers an id, and POST
// /api/v1/schema-diff/{id}/script plans the script of another choice of objects without reading either database
// again (the source is dropped before it is asked); another user's id is 404, one let go 410. And a comparison's
// progress: phases and counts as topic events of the window's stream (GET /api/v1/stream), and its cancel.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { world, ownServer, psql, pg } from '../security/lib.mjs';

let w, adminServer, userServer;
const dbs = [];

function fresh(name, source, target) {
  const pair = [`sdk_${name}_source`, `sdk_${name}_target`];
  for (const [db, sql] of [[pair[0], source], [pair[1], target]]) {
    psql(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    psql(`CREATE DATABASE ${db}`);
    dbs.push(db);
    psql(sql, { db });
  }
  return pair;
}

const body = (server, [src, tgt], extra = {}) => ({
  source: { server_id: server, database: src, schema: 'sd' },
  target: { server_id: server, database: tgt, schema: 'sd' },
  ...extra,
});

before(async () => {
  w = await world();
  adminServer = await ownServer(w.admin);
  userServer = await ownServer(w.user);
});

after(async () => {
  if (w) assert.equal(await w.t.stop(), 0, w.t.output());
  for (const db of dbs) psql(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
});

const SOURCE = `CREATE SCHEMA sd; CREATE TABLE sd.a (x int, y text); CREATE TABLE sd.b (y int);
  CREATE TABLE sd.c (z int); CREATE VIEW sd.v AS SELECT x FROM sd.a;`;
const TARGET = `CREATE SCHEMA sd; CREATE TABLE sd.a (x int); CREATE TABLE sd.gone (q int);`;

test('the script of another choice comes from the kept comparison, without reading the databases again', async () => {
  const pair = fresh('keep', SOURCE, TARGET);
  const full = await w.admin.post('api/v1/schema-diff', body(adminServer, pair));
  assert.equal(full.status, 200, full.raw);
  assert.match(full.body.id, /^[0-9a-f]{32}$/);
  assert.equal(full.body.expires_in, 600);
  // what a new comparison with the same choice writes
  const want = await w.admin.post('api/v1/schema-diff', body(adminServer, pair, { select: ['table/sd/c', 'table/sd/gone'] }));
  // the source is gone: only the kept comparison can still say what it held
  psql(`DROP DATABASE ${pair[0]} WITH (FORCE)`);
  const some = await w.admin.post(`api/v1/schema-diff/${full.body.id}/script`, { select: ['table/sd/c', 'table/sd/gone'] });
  assert.equal(some.status, 200, some.raw);
  assert.equal(some.body.id, full.body.id);
  assert.equal(some.body.script, want.body.script);
  assert.deepEqual(some.body.statements.map((s) => s.object), ['table/sd/gone', 'table/sd/c']);
  assert.deepEqual(some.body.warnings, []);
  const chosen = some.body.objects.filter((o) => o.selected).map((o) => o.id).sort();
  assert.deepEqual(chosen, ['table/sd/c', 'table/sd/gone']);
  assert.equal(some.body.objects[0].source_ddl, undefined, 'no DDL again');
  assert.deepEqual(some.body.summary, full.body.summary);
  // every difference again (select null), the same script as the first answer's
  const all = await w.admin.post(`api/v1/schema-diff/${full.body.id}/script`, { select: null });
  assert.equal(all.status, 200, all.raw);
  assert.equal(all.body.script, full.body.script);
  const none = await w.admin.post(`api/v1/schema-diff/${full.body.id}/script`, { select: [] });
  assert.equal(none.body.script, '');
  assert.deepEqual(none.body.statements, []);
  // a view over a table that is rebuilt comes along with it, as in a full comparison
  assert.ok(all.body.statements.some((s) => s.object === 'view/sd/v'));
});

test('an identical view rebuilt under a changed table: its DDL is read when a later choice needs it', async () => {
  const pair = fresh('rebuilt', `CREATE SCHEMA sd; CREATE TABLE sd.base (id int, amount numeric); CREATE VIEW sd.v AS SELECT id FROM sd.base;
    CREATE TABLE sd.other (z int);`,
  `CREATE SCHEMA sd; CREATE TABLE sd.base (id int, amount integer, old text); CREATE VIEW sd.v AS SELECT id FROM sd.base;`);
  // first only the new table: the view is not rebuilt, and its DDL not read (identical)
  const first = await w.admin.post('api/v1/schema-diff', body(adminServer, pair, { select: ['table/sd/other'] }));
  assert.equal(first.status, 200, first.raw);
  const v = first.body.objects.find((o) => o.id === 'view/sd/v');
  assert.deepEqual([v.state, v.recreate, v.source_ddl], ['identical', false, null]);
  const later = await w.admin.post(`api/v1/schema-diff/${first.body.id}/script`, { select: ['table/sd/base'] });
  assert.equal(later.status, 200, later.raw);
  assert.equal(later.body.objects.find((o) => o.id === 'view/sd/v').recreate, true);
  const want = await w.admin.post('api/v1/schema-diff', body(adminServer, pair, { select: ['table/sd/base'] }));
  assert.equal(later.body.script, want.body.script);
  assert.match(later.body.script, /DROP VIEW sd\.v;[\s\S]*CREATE (OR REPLACE )?VIEW sd\.v AS/);
});

test("another user's comparison is 404, an unknown one 404, one let go 410; bad bodies 400", async () => {
  const pair = fresh('owner', SOURCE, TARGET);
  const mine = await w.admin.post('api/v1/schema-diff', body(adminServer, pair));
  assert.equal(mine.status, 200, mine.raw);
  const theirs = await w.user.post(`api/v1/schema-diff/${mine.body.id}/script`, { select: null });
  assert.equal(theirs.status, 404, theirs.raw);
  assert.equal(theirs.body.error.code, 'diff_not_found');
  assert.doesNotMatch(theirs.raw, /CREATE TABLE/);
  const unknown = await w.admin.post(`api/v1/schema-diff/${'0'.repeat(32)}/script`, { select: null });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.error.code, 'diff_not_found');
  for (const bad of [[], { select: 'table/sd/c' }, { select: 3 }]) {
    const r = await w.admin.post(`api/v1/schema-diff/${mine.body.id}/script`, bad);
    assert.equal(r.status, 400, JSON.stringify(bad));
    assert.ok(['invalid_spec', 'invalid_json'].includes(r.body.error.code), r.raw);
  }
  // a user's 4 newest are kept: the 5th comparison lets the oldest go
  const ids = [mine.body.id];
  for (let i = 0; i < 4; i++) ids.push((await w.admin.post('api/v1/schema-diff', body(adminServer, pair))).body.id);
  const old = await w.admin.post(`api/v1/schema-diff/${ids[0]}/script`, { select: null });
  assert.equal(old.status, 410, old.raw);
  assert.equal(old.body.error.code, 'diff_expired');
  assert.match(old.body.error.message, /compare again/);
  // still unknown to the other user: 404, not 410
  assert.equal((await w.user.post(`api/v1/schema-diff/${ids[0]}/script`, { select: null })).status, 404);
  for (const id of ids.slice(1)) assert.equal((await w.admin.post(`api/v1/schema-diff/${id}/script`, { select: [] })).status, 200);
  // the other user's own comparisons do not count against the first's
  const pairU = fresh('owner_u', SOURCE, TARGET);
  const u = await w.user.post('api/v1/schema-diff', body(userServer, pairU));
  assert.equal(u.status, 200, u.raw);
  assert.equal((await w.admin.post(`api/v1/schema-diff/${ids[1]}/script`, { select: [] })).status, 200);
});

test('a server taken from the user since: the kept comparison is refused', async () => {
  const pair = fresh('revoked', SOURCE, TARGET);
  const own = await ownServer(w.user);
  const r = await w.user.post('api/v1/schema-diff', body(own, pair));
  assert.equal(r.status, 200, r.raw);
  assert.equal((await w.user.del(`api/v1/servers/${own}`)).status, 204);
  const again = await w.user.post(`api/v1/schema-diff/${r.body.id}/script`, { select: null });
  assert.equal(again.status, 404, again.raw);
  assert.equal(again.body.error.code, 'not_found');
});

/** The window's stream of c: .id, .until(pred) for an event. */
async function openStream(c) {
  const ctrl = new AbortController();
  const res = await fetch(new URL('api/v1/stream', w.t.url), { headers: { cookie: c.cookieHeader() }, signal: ctrl.signal });
  assert.equal(res.status, 200);
  const events = [];
  const waiting = new Set();
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
          const data = buf.slice(0, idx).split('\n').find((l) => l.startsWith('data: '));
          buf = buf.slice(idx + 2);
          if (data) events.push(JSON.parse(data.slice(6)));
        }
        for (const x of waiting) x();
      }
    } catch {
      // aborted
    }
  })();
  const s = {
    events,
    until(pred, what, ms = 30000) {
      return new Promise((resolve, reject) => {
        const x = () => {
          const hit = events.find(pred);
          if (hit) (waiting.delete(x), resolve(hit));
        };
        waiting.add(x);
        x();
        setTimeout(() => reject(new Error(`no ${what} within ${ms} ms: ${JSON.stringify(events).slice(-2000)}`)), ms);
      });
    },
    close() {
      ctrl.abort();
      return pump;
    },
  };
  s.id = (await s.until((e) => e.event === 'stream', 'the stream id')).id;
  return s;
}

test('progress: the phases and counts as events of the window stream, then the end', async () => {
  const pair = fresh('progress', SOURCE, TARGET);
  const s = await openStream(w.admin);
  try {
    const sub = await w.admin.post(`api/v1/stream/${s.id}/schema-diffs/run-1`, { key: 'sd1' });
    assert.equal(sub.status, 204, sub.raw);
    const r = await w.admin.post('api/v1/schema-diff', body(adminServer, pair, { progress: 'run-1' }));
    assert.equal(r.status, 200, r.raw);
    const end = await s.until((e) => e.key === 'sd1' && e.event === 'end', 'the end');
    assert.deepEqual(end.data, { state: 'done' });
    const phases = s.events.filter((e) => e.key === 'sd1' && e.event === 'progress').map((e) => e.data);
    assert.deepEqual([...new Set(phases.map((p) => p.phase))].filter((p) => p !== 'waiting'), ['reading', 'ddl', 'script']);
    const ddl = phases.find((p) => p.phase === 'ddl');
    const objects = r.body.objects.length;
    assert.equal(ddl.identical + ddl.different + ddl.source_only + ddl.target_only, objects);
    assert.deepEqual({ ...ddl, phase: undefined, source: undefined, target: undefined, ddl: undefined }, { phase: undefined, source: undefined, target: undefined, ddl: undefined, ...r.body.summary });
    assert.equal(ddl.source, 4);
    assert.equal(ddl.target, 2);
    assert.equal(ddl.ddl, objects - r.body.summary.identical);
    // another user cannot watch or cancel it
    const us = await openStream(w.user);
    try {
      const theirs = await w.user.post(`api/v1/stream/${us.id}/schema-diffs/run-1`, { key: 'x' });
      assert.equal(theirs.status, 204); // a topic of their own token space: nothing of the admin's comes
      await new Promise((res) => setTimeout(res, 300));
      assert.deepEqual(us.events.filter((e) => e.key === 'x' && e.event !== 'progress'), []);
      assert.deepEqual(us.events.filter((e) => e.key === 'x').map((e) => e.data.phase), ['waiting']);
    } finally {
      await us.close();
    }
    for (const bad of [{ progress: 'a b' }, { progress: 7 }, { progress: 'x'.repeat(65) }]) {
      const b = await w.admin.post('api/v1/schema-diff', body(adminServer, pair, bad));
      assert.equal(b.status, 400, JSON.stringify(bad));
    }
  } finally {
    await s.close();
  }
});

test('cancel: the comparison stops at its next phase, answers 409 cancelled, and its topic ends so', async () => {
  // enough tables that reading them takes a while
  const tables = Array.from({ length: 1500 }, (_, i) => `CREATE TABLE sd.t${i} (id int PRIMARY KEY, v text);`).join('\n');
  const pair = fresh('cancel', `CREATE SCHEMA sd; ${tables}`, 'CREATE SCHEMA sd;');
  const s = await openStream(w.admin);
  try {
    assert.equal((await w.admin.post(`api/v1/stream/${s.id}/schema-diffs/run-c`, { key: 'c' })).status, 204);
    const running = w.admin.post('api/v1/schema-diff', body(adminServer, pair, { progress: 'run-c' }));
    await s.until((e) => e.key === 'c' && e.data?.phase === 'reading', 'the reading phase');
    const cancel = await w.admin.post('api/v1/schema-diff/runs/run-c/cancel', {});
    assert.equal(cancel.status, 204, cancel.raw);
    // the other user cannot cancel it
    assert.equal((await w.user.post('api/v1/schema-diff/runs/run-c/cancel', {})).status, 404);
    const r = await running;
    assert.equal(r.status, 409, r.raw.slice(0, 300));
    assert.equal(r.body.error.code, 'cancelled');
    const end = await s.until((e) => e.key === 'c' && e.event === 'end', 'the end');
    assert.equal(end.data.state, 'cancelled');
    assert.ok(!s.events.some((e) => e.key === 'c' && e.data?.phase === 'script'), 'no script was planned');
    const gone = await w.admin.post('api/v1/schema-diff/runs/run-c/cancel', {});
    assert.equal(gone.status, 404);
    assert.equal(gone.body.error.code, 'diff_not_found');
  } finally {
    await s.close();
  }
});
