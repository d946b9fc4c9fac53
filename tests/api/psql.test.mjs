// The PSQL tool's API: off in server mode unless the operator turns it on
// (TUSK_ENABLE_PSQL or pgAdmin's PGADMIN_CONFIG_ENABLE_PSQL), a real psql of
// the server's major version in a terminal, resize, no pager, output replayed
// to a window that re-attaches, psql's exit reported, sessions limited per
// user, ended by logout, audited without the password.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { startTusk, ADMIN } from '../lib/tusk.mjs';
import { Client } from '../lib/http.mjs';
import { connectedAdmin } from '../lib/admin.mjs';
import { pg, psql, serverVersion } from '../lib/pg.mjs';
import { Terminal } from '../lib/psqltool.mjs';

const DB = 'api_psql';
let t, c, id;

before(async () => {
  psql(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  psql(`CREATE DATABASE ${DB}`);
  psql('CREATE TABLE gadgets (id int PRIMARY KEY, name text); INSERT INTO gadgets VALUES (1, \'sprocket\');', { db: DB });
  ({ t, c, id } = await connectedAdmin({ env: { TUSK_ENABLE_PSQL: 'true', TUSK_MAX_PSQL_SESSIONS_PER_USER: '2' } }));
});

after(async () => {
  assert.equal(await t.stop(), 0, t.output());
  psql(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
});

test('server mode: the tool is off unless the operator turns it on, and says how', async () => {
  const off = await connectedAdmin();
  try {
    const info = (await off.c.get('api/v1/psql')).body;
    assert.equal(info.available, false);
    assert.match(info.reason, /TUSK_ENABLE_PSQL/);
    const res = await off.c.post(`api/v1/servers/${off.id}/psql`, { database: DB });
    assert.equal(res.status, 403, res.raw);
    assert.match(res.body.error.message, /TUSK_ENABLE_PSQL/);
  } finally {
    assert.equal(await off.t.stop(), 0, off.t.output());
  }
});

test('where the sandbox cannot run, the tool is refused and says why and what the operator can do; psql never runs unconfined', async () => {
  // user namespaces refused, as a node with user.max_user_namespaces=0 does (Tusk in a namespace of its own)
  const spawnWrap = (bin, argv) => ['unshare', ['--user', '--map-root-user', 'sh', '-c', 'echo 0 > /proc/sys/user/max_user_namespaces && exec "$0" "$@"', bin, ...argv]];
  const t2 = await startTusk({ env: { TUSK_ENABLE_PSQL: 'true' }, spawnWrap });
  try {
    const c2 = new Client(t2.url);
    c2.csrf = (await c2.post('api/v1/auth/login', ADMIN)).body.csrf_token;
    const info = (await c2.get('api/v1/psql')).body;
    assert.equal(info.available, false);
    assert.match(info.reason, /sandbox/);
    assert.match(info.reason, /user namespace/);
    assert.match(info.reason, /max_user_namespaces/);
    assert.match(info.reason, /seccompProfile/, 'what the operator can do');
    assert.match(info.reason, /does not run psql unconfined/);
    const id2 = (await c2.post('api/v1/servers', { name: 'pg', host: pg.host, port: pg.port, username: pg.user })).body.server.id;
    assert.equal((await c2.post(`api/v1/servers/${id2}/connect`, { password: pg.password })).status, 200);
    const res = await c2.post(`api/v1/servers/${id2}/psql`, { database: DB });
    assert.equal(res.status, 403, res.raw);
    assert.match(res.body.error.message, /user namespace/);
    // the operator learned it at start, in the log
    assert.match(t2.output(), /PSQL tool is unavailable/);
    assert.deepEqual(children(t2.proc.pid, 'bwrap'), [], 'no sandbox, and no psql, was left running');
  } finally {
    assert.equal(await t2.stop(), 0, t2.output());
  }
});

test("pgAdmin's PGADMIN_CONFIG_ENABLE_PSQL turns it on too", async () => {
  const on = await connectedAdmin({ env: { PGADMIN_CONFIG_ENABLE_PSQL: 'True' } });
  try {
    assert.equal((await on.c.get('api/v1/psql')).body.available, true);
    const term = await Terminal.open(on.c, on.id, DB);
    await term.waitFor(new RegExp(`${DB}=#`));
    await term.close();
  } finally {
    assert.equal(await on.t.stop(), 0, on.t.output());
  }
});

test("psql of the server's version: \\dt lists the tables, queries run, no pager", async () => {
  const term = await Terminal.open(c, id, DB);
  try {
    await term.waitFor(new RegExp(`${DB}=#`));
    const major = Math.floor(serverVersion() / 10000);
    await term.run('\\echo :VERSION_NUM', new RegExp(`\\b${major}\\d{4}\\b`));
    await term.run('\\dt', /public\s*\|\s*gadgets\s*\|\s*table/);
    await term.run('SELECT name FROM gadgets;', /sprocket[\s\S]*\(1 row\)/);
    await term.run('\\pset', /^pager\s+0\s*$/m); // 0: off
    await term.run('SELECT 1/0;', /ERROR:\s+division by zero/);
  } finally {
    await term.close();
  }
});

test('a large output (several MiB, more than the 256 KiB kept) streams through to a reader that keeps up', async () => {
  const term = await Terminal.open(c, id, DB);
  try {
    await term.waitFor(/=#/);
    const t0 = Date.now();
    await term.run("SELECT n, repeat('x', 20) FROM generate_series(1, 200000) n;", /\(200000 rows\)/, 60000);
    assert.ok(term.offset > 4 * 1024 * 1024, `${term.offset} bytes`);
    assert.match(term.text, /\b199999 \| x{20}/);
    assert.ok(Date.now() - t0 < 60000);
  } finally {
    await term.close();
  }
});

test('resize reaches the terminal; colours are on (TERM=xterm-256color)', async () => {
  const term = await Terminal.open(c, id, DB, { cols: 100, rows: 30 });
  try {
    await term.waitFor(/=#/);
    await term.run('\\! stty size', /\b30 100\b/);
    const res = await c.post(`api/v1/psql/${term.sid}/resize`, { cols: 132, rows: 43 });
    assert.equal(res.status, 204, res.raw);
    await term.run('\\! stty size', /\b43 132\b/);
    await term.run('\\! echo "term=$TERM"', /term=xterm-256color/);
    const bad = await c.post(`api/v1/psql/${term.sid}/resize`, { cols: 100000, rows: 2 });
    assert.equal(bad.status, 400, bad.raw);
  } finally {
    await term.close();
  }
});

test('a window that re-attaches is replayed what it missed, from its offset', async () => {
  const term = await Terminal.open(c, id, DB);
  await term.waitFor(/=#/);
  term.stop(); // the network blips
  assert.equal((await term.type("SELECT 'while-away' AS w;\n")).status, 204);
  await new Promise((r) => setTimeout(r, 500));
  const again = new Terminal(c, term.sid); // from offset 0: everything
  try {
    await again.waitFor(/while-away[\s\S]*\(1 row\)/);
    assert.match(again.text, new RegExp(`${DB}=#`), 'the replay starts at the beginning');
    const seen = again.offset;
    again.stop();
    // from a later offset only what came after
    const res = await fetch(new URL(`api/v1/psql/${term.sid}/events?offset=${seen}`, c.base), { headers: { cookie: c.cookieHeader() } });
    assert.equal(res.status, 200);
    const reader = res.body.getReader();
    assert.equal((await c.post(`api/v1/psql/${term.sid}/input`, { data: "SELECT 'after' AS a;\n" })).status, 204);
    let text = '';
    const until = Date.now() + 10000;
    while (!/\(1 row\)/.test(text) && Date.now() < until) {
      const { value } = await reader.read();
      for (const m of new TextDecoder().decode(value).matchAll(/"offset":(\d+),"end":\d+,"data":"([^"]*)"/g)) {
        assert.ok(Number(m[1]) >= seen, 'nothing before the offset asked for');
        text += Buffer.from(m[2], 'base64').toString();
      }
    }
    await reader.cancel();
    assert.match(text, /after/);
    assert.doesNotMatch(text, /while-away/);
  } finally {
    await term.close();
  }
});

test('psql exiting is reported with its code; input after it is refused', async () => {
  const term = await Terminal.open(c, id, DB);
  await term.waitFor(/=#/);
  await term.type('\\q\n');
  await term.until(() => term.exitCode !== null, 'the exit event');
  assert.equal(term.exitCode, 0);
  await term.waitFor(/psql exited with code 0/);
  const res = await term.type('SELECT 1;\n');
  assert.equal(res.status, 409, res.raw);
  assert.equal((await term.close()).status, 204);
  assert.equal((await c.post(`api/v1/psql/${term.sid}/input`, { data: 'x' })).status, 404);
});

test('a failed connection shows psql\'s own message and its exit code', async () => {
  const term = await Terminal.open(c, id, 'no_such_database_here');
  try {
    await term.waitFor(/database "no_such_database_here" does not exist/);
    await term.until(() => term.exitCode !== null, 'the exit event');
    assert.equal(term.exitCode, 2);
  } finally {
    await term.close();
  }
});

test('sessions are limited per user (TUSK_MAX_PSQL_SESSIONS_PER_USER)', async () => {
  const a = await Terminal.open(c, id, DB);
  const b = await Terminal.open(c, id, DB);
  try {
    const third = await c.post(`api/v1/servers/${id}/psql`, { database: DB });
    assert.equal(third.status, 429, third.raw);
    assert.match(third.body.error.message, /TUSK_MAX_PSQL_SESSIONS_PER_USER/);
  } finally {
    await a.close();
    await b.close();
  }
  const again = await Terminal.open(c, id, DB);
  await again.close();
});

test('input is checked: CSRF, size, and another login session cannot use the tab', async () => {
  const term = await Terminal.open(c, id, DB);
  try {
    await term.waitFor(/=#/);
    const noCsrf = await c.request('POST', `api/v1/psql/${term.sid}/input`, { json: { data: 'x' }, csrf: false });
    assert.equal(noCsrf.status, 403, noCsrf.raw);
    const big = await c.post(`api/v1/psql/${term.sid}/input`, { data: 'x'.repeat(70 * 1024) });
    assert.ok([400, 413].includes(big.status), big.raw);
    const other = new Client(t.url);
    other.csrf = (await other.post('api/v1/auth/login', ADMIN)).body.csrf_token;
    assert.equal((await other.post(`api/v1/psql/${term.sid}/input`, { data: 'x' })).status, 404);
    assert.equal((await other.get(`api/v1/psql/${term.sid}/events`)).status, 404);
  } finally {
    await term.close();
  }
});

test('logout ends the login session\'s PSQL tabs; start and end are audited without the password', async () => {
  const me = new Client(t.url);
  me.csrf = (await me.post('api/v1/auth/login', ADMIN)).body.csrf_token;
  const term = await Terminal.open(me, id, DB);
  await term.waitFor(/=#/);
  assert.equal((await me.post('api/v1/auth/logout', {})).status, 200);
  await term.until(() => term.closed !== null, 'the stream to end');
  const audit = (await c.get('api/v1/audit?event=psql_start')).body;
  assert.ok(audit.total >= 1);
  assert.match(audit.entries[0].detail, new RegExp(`database ${DB}`));
  const until = Date.now() + 10000;
  let ends;
  while (Date.now() < until) {
    ends = (await c.get('api/v1/audit?event=psql_end')).body;
    if (ends.entries.some((e) => /logged out/.test(e.detail))) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(ends.entries.some((e) => /logged out/.test(e.detail)), JSON.stringify(ends.entries));
  const all = JSON.stringify([(await c.get('api/v1/audit?limit=500')).body]);
  if (pg.password) assert.ok(!all.includes(pg.password), 'the password is never audited');
});

/** The pids of pid's children named comm. */
function children(pid, comm) {
  const out = [];
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const m = /^\d+ \((.*)\) \S+ (\d+)/.exec(stat);
      if (m && m[1] === comm && Number(m[2]) === pid) out.push(Number(p));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

test('stopping Tusk with a session open and watched ends psql cleanly (exit 0, no leak, no sandbox left)', async () => {
  const other = await connectedAdmin({ env: { TUSK_ENABLE_PSQL: 'true' } });
  const term = await Terminal.open(other.c, other.id, DB);
  await term.waitFor(/=#/);
  const sandboxes = children(other.t.proc.pid, 'bwrap');
  assert.equal(sandboxes.length, 1, 'psql runs in a bwrap of its own');
  assert.equal(await other.t.stop(), 0, other.t.output());
  await term.done; // the event stream ended with Tusk
  assert.ok(term.closed !== null || term.exitCode !== null, 'the stream said the session ended');
  for (const pid of sandboxes) assert.equal(existsSync(`/proc/${pid}`), false, `sandbox ${pid} outlived Tusk`);
});
