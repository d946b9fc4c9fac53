// A query tab's role: a session opened with {role} runs as that role (SET ROLE, the name quoted
// by libpq), the roles offered are the login's memberships, a role the login is not a member of
// (or one that does not exist) is refused, and the role is set again when the session's
// connection is lost and reconnects.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connectedAdmin } from '../lib/admin.mjs';
import { pg, psql } from '../lib/pg.mjs';

// hostile names: quotes, spaces, a semicolon, a backslash
const MEMBER = 'qr "Reader"; DROP ROLE x --';
const PLAIN = 'qr_plain';
const OUTSIDER = "qr outsider's";
const LOGIN = 'qr login';
const LOGIN_PASSWORD = 'qr-login-pass-1';
const ALL = [MEMBER, PLAIN, OUTSIDER, LOGIN];

let t, c, id;

const lit = (s) => `'${s.replace(/'/g, "''")}'`;
function dropRoles() {
  psql(`DO $$ DECLARE r text; BEGIN FOR r IN SELECT rolname FROM pg_roles WHERE rolname IN (${ALL.map(lit).join(', ')})
    LOOP EXECUTE format('DROP ROLE %I', r); END LOOP; END $$`);
}

before(async () => {
  dropRoles();
  psql(`CREATE ROLE ${ident(MEMBER)}; CREATE ROLE ${PLAIN}; CREATE ROLE ${ident(OUTSIDER)};
    CREATE ROLE ${ident(LOGIN)} LOGIN PASSWORD ${lit(LOGIN_PASSWORD)} IN ROLE ${ident(MEMBER)}, ${PLAIN}`);
  ({ t, c, id } = await connectedAdmin());
});

after(async () => {
  const code = await t.stop();
  dropRoles();
  assert.equal(code, 0, t.output());
});

function ident(s) {
  return `"${s.replace(/"/g, '""')}"`;
}

async function open(server, body) {
  return c.post(`api/v1/servers/${server}/sessions`, { database: 'postgres', ...body });
}

async function run(sid, sql) {
  const r = await c.post(`api/v1/sessions/${sid}/execute`, { sql });
  assert.equal(r.status, 202, r.raw);
  const until = Date.now() + 30000;
  for (;;) {
    const s = (await c.get(`api/v1/sessions/${sid}/status`)).body;
    if (s.state !== 'running') return s;
    assert.ok(Date.now() < until, 'the run ends');
    await new Promise((res) => setTimeout(res, 50));
  }
}

async function firstValue(sid, sql) {
  const st = await run(sid, sql);
  assert.equal(st.state, 'done', JSON.stringify(st.error));
  return (await c.get(`api/v1/sessions/${sid}/results/0/rows?offset=0&limit=1`)).body.rows[0][0];
}

/** A server registered as the non-superuser LOGIN, connected. */
async function loginServer() {
  const r = await c.post('api/v1/servers', { name: 'qr login', host: pg.host, port: pg.port, username: LOGIN });
  assert.equal(r.status, 201, r.raw);
  const sid = r.body.server.id;
  assert.equal((await c.post(`api/v1/servers/${sid}/connect`, { password: LOGIN_PASSWORD })).status, 200);
  return sid;
}

test('a session opened with a role runs as it; without one as the login', async () => {
  const plain = (await open(id, {})).body.session_id;
  assert.equal(await firstValue(plain, 'SELECT current_user'), pg.user);
  assert.equal((await c.get(`api/v1/sessions/${plain}/status`)).body.role, null);
  const r = await open(id, { role: MEMBER });
  assert.equal(r.status, 201, r.raw);
  const sid = r.body.session_id;
  assert.equal(await firstValue(sid, 'SELECT current_user'), MEMBER);
  assert.equal(await firstValue(sid, 'SELECT session_user'), pg.user);
  assert.equal((await c.get(`api/v1/sessions/${sid}/status`)).body.role, MEMBER);
  assert.ok(psql(`SELECT count(*) FROM pg_roles WHERE rolname = 'x'`) === '0');
  assert.equal(psql(`SELECT count(*) FROM pg_roles WHERE rolname = ${lit(MEMBER)}`), '1', 'the hostile name stayed a name');
  await c.del(`api/v1/sessions/${plain}`);
  await c.del(`api/v1/sessions/${sid}`);
});

test('the roles offered are the login\'s memberships; others are refused with a clear error', async () => {
  const server = await loginServer();
  const roles = await c.get(`api/v1/servers/${server}/session-roles`);
  assert.equal(roles.status, 200, roles.raw);
  assert.equal(roles.body.roles.login, LOGIN);
  assert.deepEqual(roles.body.roles.roles.filter((n) => ALL.includes(n)), [PLAIN, MEMBER].sort());

  const ok = await open(server, { role: MEMBER });
  assert.equal(ok.status, 201, ok.raw);
  assert.equal(await firstValue(ok.body.session_id, 'SELECT current_user'), MEMBER);
  await c.del(`api/v1/sessions/${ok.body.session_id}`);

  const refused = await open(server, { role: OUTSIDER });
  assert.equal(refused.status, 403, refused.raw);
  assert.equal(refused.body.error.code, 'permission_denied');
  assert.match(refused.body.error.message, /"qr login" is not a member of role "qr outsider's"/);

  const missing = await open(server, { role: 'qr no such "role"' });
  assert.equal(missing.status, 404, missing.raw);
  assert.equal(missing.body.error.code, 'role_not_found');

  // a refused open leaves no connection behind
  const tabs = () => psql(`SELECT count(*) FROM pg_stat_activity WHERE usename = ${lit(LOGIN)} AND application_name LIKE 'Tusk - Query Tool%'`);
  for (let i = 0; i < 50 && tabs() !== '0'; i++) await new Promise((res) => setTimeout(res, 100));
  assert.equal(tabs(), '0');
  // an empty role is none: the login's own
  const empty = await open(server, { role: '' });
  assert.equal(empty.status, 201, empty.raw);
  assert.equal(await firstValue(empty.body.session_id, 'SELECT current_user'), LOGIN);
  await c.del(`api/v1/sessions/${empty.body.session_id}`);
  const wrong = await open(server, { role: 7 });
  assert.equal(wrong.status, 400, wrong.raw);
  assert.equal(wrong.body.error.code, 'invalid_field');

  assert.equal((await c.del(`api/v1/servers/${server}`)).status, 204);
});

test('a reconnect of the session sets its role again', async () => {
  const sid = (await open(id, { role: MEMBER })).body.session_id;
  const pid = await firstValue(sid, 'SELECT pg_backend_pid()');
  psql(`SELECT pg_terminate_backend(${Number(pid)})`);
  // the first run after the loss may fail on the dead connection; the next one reconnects
  let user = null;
  for (let i = 0; i < 5 && user === null; i++) {
    const st = await run(sid, 'SELECT current_user, pg_backend_pid()');
    if (st.state === 'done') {
      const row = (await c.get(`api/v1/sessions/${sid}/results/0/rows?offset=0&limit=1`)).body.rows[0];
      assert.notEqual(row[1], pid, 'a new backend');
      user = row[0];
    }
  }
  assert.equal(user, MEMBER);
  await c.del(`api/v1/sessions/${sid}`);
});

test("a reconnect sets the server entry's own Role again when the tab chose none", async () => {
  const r = await c.post('api/v1/servers', { name: 'qr entry role', host: pg.host, port: pg.port, username: LOGIN, role: PLAIN });
  assert.equal(r.status, 201, r.raw);
  const server = r.body.server.id;
  assert.equal((await c.post(`api/v1/servers/${server}/connect`, { password: LOGIN_PASSWORD })).status, 200);
  const sid = (await open(server, {})).body.session_id;
  assert.equal(await firstValue(sid, 'SELECT current_user'), PLAIN);
  const pid = await firstValue(sid, 'SELECT pg_backend_pid()');
  psql(`SELECT pg_terminate_backend(${Number(pid)})`);
  let user = null;
  for (let i = 0; i < 5 && user === null; i++) {
    const st = await run(sid, 'SELECT current_user, pg_backend_pid()');
    if (st.state === 'done') user = (await c.get(`api/v1/sessions/${sid}/results/0/rows?offset=0&limit=1`)).body.rows[0][0];
  }
  assert.equal(user, PLAIN, 'still the entry’s role after the reconnect, not the login');
  await c.del(`api/v1/sessions/${sid}`);
  await c.del(`api/v1/servers/${server}`);
});
