// Accounts, sessions and security: bootstrap, login, lockout, rate limit,
// CSRF, expiry, cookies, users, audit, desktop mode, the set-password tool.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, statSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTusk, runTusk, tempDir, ADMIN } from '../lib/tusk.mjs';
import { Client } from '../lib/http.mjs';
import { totp, steadyStep } from '../lib/totp.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function withTusk(opts, fn) {
  const t = await startTusk(opts);
  try {
    await fn(t);
  } finally {
    const code = await t.stop();
    assert.equal(code, 0, `tusk exited with ${code}:\n${t.output()}`);
  }
}

async function login(t, email = ADMIN.email, password = ADMIN.password, headers = {}) {
  const c = new Client(t.url);
  const res = await c.post('api/v1/auth/login', { email, password }, { headers });
  if (res.status === 200) c.csrf = res.body.csrf_token;
  return { c, res };
}

test('first start creates the administrator from PGADMIN_DEFAULT_EMAIL and _PASSWORD', async () => {
  await withTusk({ env: { PGADMIN_DEFAULT_EMAIL: 'admin@pgadmin.local', PGADMIN_DEFAULT_PASSWORD: 'correct horse' } }, async (t) => {
    const { c, res } = await login(t, 'admin@pgadmin.local', 'correct horse');
    assert.equal(res.status, 200, res.raw);
    assert.equal(res.body.user.email, 'admin@pgadmin.local');
    assert.equal(res.body.user.role, 'admin');
    assert.match(res.body.csrf_token, /^[A-Za-z0-9_-]{43}$/);
    const me = await c.get('api/v1/auth/me');
    assert.equal(me.status, 200);
    assert.equal(me.body.user.email, 'admin@pgadmin.local');
    assert.equal(me.body.csrf_token, res.body.csrf_token);
  });
});

test('the bootstrap password can come from PGADMIN_DEFAULT_PASSWORD_FILE, trailing newline stripped', async () => {
  const file = join(tempDir(), 'pw');
  writeFileSync(file, 'from a file 123\n');
  await withTusk({ env: { PGADMIN_DEFAULT_PASSWORD: undefined, PGADMIN_DEFAULT_PASSWORD_FILE: file } }, async (t) => {
    assert.equal((await login(t, ADMIN.email, 'from a file 123')).res.status, 200);
    assert.equal((await login(t, ADMIN.email, 'from a file 123\n')).res.status, 401);
  });
});

test('missing or invalid bootstrap values stop the first start with a clear message', async () => {
  const cases = [
    [{ PGADMIN_DEFAULT_EMAIL: undefined, PGADMIN_DEFAULT_PASSWORD: undefined }, /set PGADMIN_DEFAULT_EMAIL and PGADMIN_DEFAULT_PASSWORD/],
    [{ PGADMIN_DEFAULT_PASSWORD: undefined }, /set PGADMIN_DEFAULT_EMAIL and PGADMIN_DEFAULT_PASSWORD/],
    [{ PGADMIN_DEFAULT_EMAIL: 'not-an-email' }, /PGADMIN_DEFAULT_EMAIL: 'not-an-email' is not a valid e-mail address/],
    [{ PGADMIN_DEFAULT_PASSWORD: undefined, PGADMIN_DEFAULT_PASSWORD_FILE: '/nonexistent/pw' }, /cannot read secret file \/nonexistent\/pw/],
  ];
  for (const [env, message] of cases) {
    const res = await runTusk({ env, args: ['--listen', '127.0.0.1', '--port', '0', '--data-dir', join(tempDir(), 'd')] });
    assert.equal(res.code, 78, `${JSON.stringify(env)}: ${res.stderr}`);
    assert.match(res.stderr, message);
  }
});

test('a bootstrap password shorter than the minimum is taken, as pgAdmin takes it, logged as weak, and must change at first login', async () => {
  const dataDir = join(tempDir(), 'data');
  const weak = 'pw123';
  const t = await startTusk({ dataDir, env: { PGADMIN_DEFAULT_EMAIL: 'admin@pgadmin.local', PGADMIN_DEFAULT_PASSWORD: weak } });
  let strong;
  try {
    assert.match(t.output(), /warn +WEAK ADMINISTRATOR PASSWORD: PGADMIN_DEFAULT_PASSWORD is shorter than the minimum.*email=admin@pgadmin\.local min_length=8/);
    assert.doesNotMatch(t.output(), new RegExp(weak), 'the password itself is never logged');
    const { c, res } = await login(t, 'admin@pgadmin.local', weak);
    assert.equal(res.status, 200, res.raw);
    assert.equal(res.body.password_change_required, true);
    assert.equal((await c.get('api/v1/auth/me')).body.password_change_required, true);
    // nothing else until the password changes, reads included
    for (const [method, path] of [['GET', 'api/v1/servers'], ['GET', 'api/v1/users'], ['POST', 'api/v1/servers']]) {
      const r = await c.request(method, path, method === 'POST' ? { json: { name: 'x', host: 'h' } } : {});
      assert.equal(r.status, 403, `${method} ${path}: ${r.raw}`);
      assert.equal(r.body.error.code, 'password_change_required');
    }
    // the new one must meet the minimum
    const tooShort = await c.put('api/v1/auth/password', { current_password: weak, new_password: 'short2' });
    assert.equal(tooShort.status, 400, tooShort.raw);
    assert.equal(tooShort.body.error.code, 'weak_password');
    strong = 'a-longer-password-7';
    const changed = await c.put('api/v1/auth/password', { current_password: weak, new_password: strong });
    assert.equal(changed.status, 200, changed.raw);
    assert.equal((await c.get('api/v1/servers')).status, 200, 'the same session goes on');
    assert.equal((await c.get('api/v1/auth/me')).body.password_change_required, false);
    assert.equal((await login(t, 'admin@pgadmin.local', weak)).res.status, 401);
    const again = await login(t, 'admin@pgadmin.local', strong);
    assert.equal(again.res.status, 200);
    assert.equal(again.res.body.password_change_required, false);
  } finally {
    assert.equal(await t.stop(), 0);
  }
  // a restart with the same short value in the environment changes nothing
  await withTusk({ dataDir, env: { PGADMIN_DEFAULT_EMAIL: 'admin@pgadmin.local', PGADMIN_DEFAULT_PASSWORD: weak } }, async (t2) => {
    assert.doesNotMatch(t2.output(), /WEAK ADMINISTRATOR PASSWORD/);
    const r = await login(t2, 'admin@pgadmin.local', strong);
    assert.equal(r.res.body.password_change_required, false);
  });
});

test('an administrator who sets the weak account a password through tusk user set-password lifts the change', async () => {
  const dataDir = join(tempDir(), 'data');
  const env = { PGADMIN_DEFAULT_EMAIL: 'admin@pgadmin.local', PGADMIN_DEFAULT_PASSWORD: 'tiny' };
  const t = await startTusk({ dataDir, env });
  try {
    const set = await runTusk({ env, args: ['user', 'set-password', 'admin@pgadmin.local', '--data-dir', dataDir], input: 'reset-to-something-long\n' });
    assert.equal(set.code, 0, set.stderr);
    const r = await login(t, 'admin@pgadmin.local', 'reset-to-something-long');
    assert.equal(r.res.status, 200, r.res.raw);
    assert.equal(r.res.body.password_change_required, false);
    assert.equal((await r.c.get('api/v1/servers')).status, 200);
  } finally {
    assert.equal(await t.stop(), 0);
  }
});

test('later starts never overwrite an existing administrator password', async () => {
  const dataDir = join(tempDir(), 'data');
  const first = await startTusk({ dataDir });
  assert.equal(await first.stop(), 0);
  await withTusk({ dataDir, env: { PGADMIN_DEFAULT_PASSWORD: 'a different one' } }, async (t) => {
    assert.equal((await login(t)).res.status, 200);
    assert.equal((await login(t, ADMIN.email, 'a different one')).res.status, 401);
  });
});

test('without bootstrap values, a generated password is printed once and kept 0600 until changed', async () => {
  const dataDir = join(tempDir(), 'data');
  await withTusk({ dataDir, env: { PGADMIN_DEFAULT_EMAIL: undefined, PGADMIN_DEFAULT_PASSWORD: undefined, TUSK_GENERATE_ADMIN_PASSWORD: '1' } }, async (t) => {
    const file = join(dataDir, 'initial-admin-password');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const password = readFileSync(file, 'utf8').trim();
    assert.ok(password.length >= 16);
    assert.ok(t.output().includes(password), 'printed on the console');
    const { c, res } = await login(t, 'admin@tusk.local', password);
    assert.equal(res.status, 200);
    const change = await c.put('api/v1/auth/password', { current_password: password, new_password: 'my own password' });
    assert.equal(change.status, 200, change.raw);
    assert.ok(!existsSync(file), 'the file goes once the admin chose a password');
  });
});

test('login, who am I, logout; cookie is HttpOnly, SameSite=Lax, not Secure over plain HTTP', async () => {
  await withTusk({}, async (t) => {
    const anon = new Client(t.url);
    const before = await anon.get('api/v1/auth/me');
    assert.equal(before.status, 401);
    assert.equal(before.body.error.code, 'unauthenticated');
    const { c, res } = await login(t);
    const cookie = res.headers.getSetCookie().find((s) => s.startsWith('tusk_session='));
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    assert.match(cookie, /Path=\//);
    assert.doesNotMatch(cookie, /Secure/);
    assert.equal((await c.get('api/v1/auth/me')).status, 200);
    const out = await c.post('api/v1/auth/logout', {});
    assert.equal(out.status, 200);
    assert.equal((await c.get('api/v1/auth/me')).status, 401);
  });
});

test('wrong password and unknown e-mail get the same 401', async () => {
  await withTusk({}, async (t) => {
    const wrong = (await login(t, ADMIN.email, 'nope nope nope')).res;
    const unknown = (await login(t, 'nobody@tusk.local', 'nope nope nope')).res;
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    assert.deepEqual(wrong.body, unknown.body);
    assert.equal(wrong.body.error.code, 'invalid_credentials');
  });
});

test('bad login bodies: invalid JSON is 400, non-JSON is 415, missing fields 400', async () => {
  await withTusk({}, async (t) => {
    const c = new Client(t.url);
    const bad = await c.request('POST', 'api/v1/auth/login', { body: '{"email":', headers: { 'content-type': 'application/json' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'invalid_json');
    assert.match(bad.body.error.message, /not valid JSON/);
    const form = await c.request('POST', 'api/v1/auth/login', { body: 'email=a&password=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(form.status, 415);
    const missing = await c.post('api/v1/auth/login', { email: ADMIN.email });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error.code, 'missing_field');
    const typed = await c.post('api/v1/auth/login', { email: ADMIN.email, password: 12345678 });
    assert.equal(typed.status, 400);
    assert.match(typed.body.error.message, /'password' must be a string/);
  });
});

test('wrong passwords pause logins to the address (429 + Retry-After) until the pause ends or an administrator lifts it', async () => {
  await withTusk({ env: { TUSK_MAX_LOGIN_ATTEMPTS: '3' } }, async (t) => {
    const { c: admin } = await login(t);
    const created = await admin.post('api/v1/users', { email: 'alice@tusk.local', password: 'alice password', role: 'user' });
    assert.equal(created.status, 201, created.raw);
    for (let i = 0; i < 3; i++) assert.equal((await login(t, 'alice@tusk.local', 'wrong password')).res.status, 401);
    // even the right password is refused while paused
    const paused = (await login(t, 'alice@tusk.local', 'alice password')).res;
    assert.equal(paused.status, 429);
    assert.equal(paused.body.error.code, 'login_paused');
    const wait = Number(paused.headers.get('retry-after'));
    assert.ok(wait > 0 && wait <= 60, `Retry-After ${wait}`);
    const users = (await admin.get('api/v1/users')).body.users;
    const alice = users.find((u) => u.email === 'alice@tusk.local');
    assert.equal(alice.locked, true);
    assert.equal(alice.failed_attempts, 3);
    const unlock = await admin.put(`api/v1/users/${alice.id}`, { locked: false });
    assert.equal(unlock.status, 200, unlock.raw);
    assert.equal(unlock.body.user.locked, false);
    assert.equal((await login(t, 'alice@tusk.local', 'alice password')).res.status, 200);
    const audit = (await admin.get('api/v1/audit?event=lockout')).body;
    assert.equal(audit.total, 1);
    assert.equal(audit.entries[0].user_email, 'alice@tusk.local');
    assert.equal(audit.entries[0].client_addr, '127.0.0.1');
    assert.equal((await admin.get('api/v1/audit?event=user_unlocked')).body.total, 1);
  });
});

test('one client address cannot hammer the login endpoint (429 with Retry-After)', async () => {
  await withTusk({ env: { TUSK_LOGIN_RATE_LIMIT: '4' } }, async (t) => {
    for (let i = 0; i < 4; i++) assert.equal((await login(t, 'x@tusk.local', 'whatever pw')).res.status, 401);
    const limited = (await login(t)).res;
    assert.equal(limited.status, 429);
    assert.equal(limited.body.error.code, 'rate_limited');
    const retry = Number(limited.headers.get('retry-after'));
    assert.ok(retry > 0 && retry <= 60);
    // another client (behind the trusted proxy) is not limited
    const other = (await login(t, ADMIN.email, ADMIN.password, { 'x-forwarded-for': '203.0.113.9' })).res;
    assert.equal(other.status, 200);
  });
});

test('state-changing requests need the session CSRF token', async () => {
  await withTusk({}, async (t) => {
    const { c } = await login(t);
    const token = c.csrf;
    c.csrf = null;
    const none = await c.post('api/v1/users', { email: 'b@tusk.local', password: 'b password', role: 'user' });
    assert.equal(none.status, 403);
    assert.equal(none.body.error.code, 'csrf_failed');
    c.csrf = 'A'.repeat(43);
    assert.equal((await c.post('api/v1/auth/logout', {})).status, 403);
    c.csrf = token;
    assert.equal((await c.post('api/v1/auth/logout', {})).status, 200);
  });
});

test('sessions end after their lifetime and after idling', async () => {
  await withTusk({ env: { TUSK_SESSION_LIFETIME: '2' } }, async (t) => {
    const { c } = await login(t);
    assert.equal((await c.get('api/v1/auth/me')).status, 200);
    await sleep(2500);
    assert.equal((await c.get('api/v1/auth/me')).status, 401);
  });
  await withTusk({ env: { TUSK_SESSION_IDLE_TIMEOUT: '2' } }, async (t) => {
    const { c } = await login(t);
    // activity keeps it alive past the idle timeout
    for (let i = 0; i < 4; i++) {
      await sleep(900);
      assert.equal((await c.get('api/v1/auth/me')).status, 200, `request ${i}`);
    }
    await sleep(2500);
    assert.equal((await c.get('api/v1/auth/me')).status, 401);
  });
});

test('sessions survive a restart (they live in the store)', async () => {
  const dataDir = join(tempDir(), 'data');
  const first = await startTusk({ dataDir });
  const { c } = await login(first);
  assert.equal(await first.stop(), 0);
  await withTusk({ dataDir }, async (t) => {
    c.base = t.url;
    assert.equal((await c.get('api/v1/auth/me')).status, 200);
  });
});

test('cookie is Secure behind a trusted proxy that says https, with the sub-path as Path', async () => {
  await withTusk({ env: { SCRIPT_NAME: '/pgadmin4' } }, async (t) => {
    const base = `http://127.0.0.1:${t.port}/pgadmin4/`;
    const c = new Client(base);
    const res = await c.post('api/v1/auth/login', ADMIN, { headers: { 'x-forwarded-proto': 'https' } });
    assert.equal(res.status, 200);
    const cookie = res.headers.getSetCookie().find((s) => s.startsWith('tusk_session='));
    assert.match(cookie, /; Secure/);
    assert.match(cookie, /Path=\/pgadmin4;/);
  });
  await withTusk({ env: { TUSK_TRUSTED_PROXIES: '10.9.9.9' } }, async (t) => {
    const c = new Client(t.url);
    const res = await c.post('api/v1/auth/login', ADMIN, { headers: { 'x-forwarded-proto': 'https' } });
    assert.equal(res.status, 200);
    assert.doesNotMatch(res.headers.getSetCookie().join('\n'), /Secure/, 'untrusted X-Forwarded-Proto is ignored');
  });
});

test('administrators manage users; users get 403 on admin endpoints and see only themselves', async () => {
  await withTusk({}, async (t) => {
    const { c: admin } = await login(t);
    const bob = await admin.post('api/v1/users', { email: 'Bob@Example.local', password: 'bob password', role: 'user' });
    assert.equal(bob.status, 201);
    assert.equal(bob.body.user.email, 'bob@example.local', 'e-mails are lower-cased');
    const dup = await admin.post('api/v1/users', { email: 'bob@example.local', password: 'bob password', role: 'user' });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error.code, 'email_taken');
    assert.equal((await admin.post('api/v1/users', { email: 'nope', password: 'long enough' })).body.error.code, 'invalid_email');
    assert.equal((await admin.post('api/v1/users', { email: 'c@x.local', password: 'short' })).body.error.code, 'weak_password');
    assert.equal((await admin.post('api/v1/users', { email: 'c@x.local', password: 'long enough', role: 'root' })).body.error.code, 'invalid_role');

    const { c: user, res } = await login(t, 'bob@example.local', 'bob password');
    assert.equal(res.status, 200);
    assert.equal(res.body.user.role, 'user');
    for (const [method, path] of [['GET', 'api/v1/users'], ['GET', 'api/v1/audit'], ['POST', 'api/v1/users'], ['PUT', 'api/v1/users/1'], ['DELETE', 'api/v1/users/1']]) {
      const r = await user.request(method, path, { json: method === 'GET' ? undefined : {} });
      assert.equal(r.status, 403, `${method} ${path}`);
      assert.equal(r.body.error.code, 'forbidden');
    }
    assert.equal((await user.get('api/v1/auth/me')).body.user.email, 'bob@example.local');

    // promote, then demote; disable ends sessions and refuses login
    const id = bob.body.user.id;
    assert.equal((await admin.put(`api/v1/users/${id}`, { role: 'admin' })).body.user.role, 'admin');
    assert.equal((await user.get('api/v1/users')).status, 200, 'the promotion applies to the running session');
    assert.equal((await admin.put(`api/v1/users/${id}`, { role: 'user', active: false })).status, 200);
    assert.equal((await user.get('api/v1/auth/me')).status, 401);
    const disabled = (await login(t, 'bob@example.local', 'bob password')).res;
    assert.equal(disabled.status, 403);
    assert.equal(disabled.body.error.code, 'account_disabled');
    assert.equal((await admin.put(`api/v1/users/${id}`, { active: true })).status, 200);

    // an administrator's password reset ends sessions and replaces the password
    const { c: again } = await login(t, 'bob@example.local', 'bob password');
    assert.equal((await admin.put(`api/v1/users/${id}`, { password: 'reset by admin' })).status, 200);
    assert.equal((await again.get('api/v1/auth/me')).status, 401);
    assert.equal((await login(t, 'bob@example.local', 'bob password')).res.status, 401);
    assert.equal((await login(t, 'bob@example.local', 'reset by admin')).res.status, 200);
    const reset = (await admin.get('api/v1/audit?event=password_reset')).body.entries[0];
    assert.match(reset.detail, /saved server passwords were discarded/);

    assert.equal((await admin.get('api/v1/users/999')).status, 405);
    assert.equal((await admin.put('api/v1/users/999', {})).status, 404);
    assert.equal((await admin.del(`api/v1/users/${id}`)).status, 204);
    assert.equal((await login(t, 'bob@example.local', 'reset by admin')).res.status, 401);
  });
});

test('the last active administrator cannot be demoted, disabled or delete themself', async () => {
  await withTusk({}, async (t) => {
    const { c, res } = await login(t);
    const id = res.body.user.id;
    for (const change of [{ role: 'user' }, { active: false }]) {
      const r = await c.put(`api/v1/users/${id}`, change);
      assert.equal(r.status, 409, JSON.stringify(change));
      assert.equal(r.body.error.code, 'last_admin');
    }
    assert.equal((await c.del(`api/v1/users/${id}`)).body.error.code, 'cannot_delete_self');
  });
});

test('changing your own password: wrong current 403, weak 400, then only the new one works', async () => {
  await withTusk({}, async (t) => {
    const { c } = await login(t);
    const { c: other } = await login(t);
    const wrong = await c.put('api/v1/auth/password', { current_password: 'nope', new_password: 'brand new password' });
    assert.equal(wrong.status, 403);
    assert.equal(wrong.body.error.code, 'wrong_password');
    const weak = await c.put('api/v1/auth/password', { current_password: ADMIN.password, new_password: 'short' });
    assert.equal(weak.status, 400);
    assert.equal(weak.body.error.code, 'weak_password');
    const ok = await c.put('api/v1/auth/password', { current_password: ADMIN.password, new_password: 'brand new password' });
    assert.equal(ok.status, 200);
    assert.equal((await c.get('api/v1/auth/me')).status, 200, 'this session goes on');
    assert.equal((await other.get('api/v1/auth/me')).status, 401, 'other sessions end');
    assert.equal((await login(t)).res.status, 401);
    assert.equal((await login(t, ADMIN.email, 'brand new password')).res.status, 200);
  });
});

test('the audit log records logins, failures and user changes, filterable', async () => {
  await withTusk({}, async (t) => {
    await login(t, ADMIN.email, 'wrong wrong');
    const { c } = await login(t);
    await c.post('api/v1/users', { email: 'carol@tusk.local', password: 'carol password' });
    const all = (await c.get('api/v1/audit')).body;
    const events = all.entries.map((e) => e.event);
    for (const e of ['login_failed', 'login', 'user_created']) assert.ok(events.includes(e), `${e} in ${events}`);
    assert.ok(all.entries.every((e) => e.time.endsWith('Z')));
    const filtered = (await c.get('api/v1/audit?q=carol')).body;
    assert.equal(filtered.total, 1);
    assert.equal(filtered.entries[0].event, 'user_created');
    const page = (await c.get('api/v1/audit?limit=1&offset=1')).body;
    assert.equal(page.entries.length, 1);
    assert.equal(page.total, all.total);
    assert.equal((await c.get('api/v1/audit?limit=0')).status, 400);
  });
});

test('desktop mode: a one-time key from the printed URL signs in; login form refused', async () => {
  await withTusk({ args: ['--desktop'], env: { PGADMIN_DEFAULT_EMAIL: undefined, PGADMIN_DEFAULT_PASSWORD: undefined } }, async (t) => {
    await sleep(100);
    const m = t.output().match(/#key=([A-Za-z0-9_-]{43})/);
    assert.ok(m, t.output());
    const c = new Client(t.url);
    assert.equal((await c.post('api/v1/auth/desktop', { key: 'x'.repeat(43) })).status, 401);
    const res = await c.post('api/v1/auth/desktop', { key: m[1] });
    assert.equal(res.status, 200, res.raw);
    c.csrf = res.body.csrf_token;
    assert.equal((await c.get('api/v1/auth/me')).status, 200);
    const reuse = await new Client(t.url).post('api/v1/auth/desktop', { key: m[1] });
    assert.equal(reuse.status, 401, 'the key works once');
    assert.equal((await new Client(t.url).post('api/v1/auth/login', ADMIN)).body.error.code, 'desktop_mode');
    assert.equal((await fetch(t.url + 'api/v1/version').then((r) => r.json())).mode, 'desktop');
  });
  const open = await runTusk({ args: ['--desktop', '--listen', '0.0.0.0', '--port', '0', '--data-dir', join(tempDir(), 'd')] });
  assert.equal(open.code, 78);
  assert.match(open.stderr, /desktop mode listens on loopback only/);
});

test('tusk user set-password resets a password from stdin or a file', async () => {
  const dataDir = join(tempDir(), 'data');
  const first = await startTusk({ dataDir });
  assert.equal(await first.stop(), 0);
  const viaStdin = await runTusk({ args: ['user', 'set-password', ADMIN.email, '--data-dir', dataDir], input: 'from stdin pw\n' });
  assert.equal(viaStdin.code, 0, viaStdin.stderr);
  assert.match(viaStdin.stdout, /saved server passwords discarded/);
  await withTusk({ dataDir }, async (t) => {
    assert.equal((await login(t)).res.status, 401);
    assert.equal((await login(t, ADMIN.email, 'from stdin pw')).res.status, 200);
  });
  const file = join(tempDir(), 'pw');
  writeFileSync(file, 'from a file pw\n');
  const viaFile = await runTusk({ args: ['user', 'set-password', ADMIN.email, '--password-file', file, '--data-dir', dataDir] });
  assert.equal(viaFile.code, 0, viaFile.stderr);
  await withTusk({ dataDir }, async (t) => assert.equal((await login(t, ADMIN.email, 'from a file pw')).res.status, 200));
  const unknown = await runTusk({ args: ['user', 'set-password', 'who@tusk.local', '--data-dir', dataDir], input: 'whatever pw\n' });
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no user with that e-mail/);
  const weak = await runTusk({ args: ['user', 'set-password', ADMIN.email, '--data-dir', dataDir], input: 'short\n' });
  assert.equal(weak.code, 1);
  assert.match(weak.stderr, /at least 8 characters/);
});

test('tusk user reset-two-factor, set-role, create, show and list: the operator locked out with no other administrator', async () => {
  const dataDir = join(tempDir(), 'data');
  // the only administrator enrolled two-factor and lost the phone and the recovery codes
  await withTusk({ dataDir }, async (t) => {
    const { c } = await login(t);
    await c.post('api/v1/users', { email: 'dana@tusk.local', password: 'dana long password', role: 'user' });
    await steadyStep();
    const setup = await c.post('api/v1/auth/two-factor/setup', {});
    const ok = await c.post('api/v1/auth/two-factor/confirm', { setup_token: setup.body.setup_token, code: totp(setup.body.secret) });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const second = await login(t);
    assert.equal(second.res.body.second_step, 'totp', 'the password alone no longer signs in');
  });
  const cli = (args, input) => runTusk({ args: ['user', ...args, '--data-dir', dataDir], input });
  const listed = await cli(['list']);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /^USER +ROLE +SOURCE +PROVIDER +TWO-FACTOR +STATE$/m);
  assert.match(listed.stdout, new RegExp(`^${ADMIN.email} +admin +internal +- +on +active$`, 'm'));
  assert.match(listed.stdout, /^dana@tusk\.local +user +internal +- +off +active$/m);
  const shown = await cli(['show', ADMIN.email.toUpperCase()]);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /^source: +internal$/m);
  assert.match(shown.stdout, /^two-factor: +on$/m);

  const reset = await cli(['reset-two-factor', ADMIN.email]);
  assert.equal(reset.code, 0, reset.stderr);
  assert.match(reset.stdout, /signs in without a code now/);
  // set-role: dana becomes an administrator; the last administrator is never demoted
  const promote = await cli(['set-role', 'dana@tusk.local', 'admin']);
  assert.equal(promote.code, 0, promote.stderr);
  const badRole = await cli(['set-role', 'dana@tusk.local', 'root']);
  assert.equal(badRole.code, 64);
  assert.match(badRole.stderr, /admin or user/);
  const usage = await cli(['reset-two-factor']);
  assert.equal(usage.code, 64);
  assert.match(usage.stderr, /usage: tusk user list/);
  const unknown = await cli(['reset-two-factor', 'who@tusk.local']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no user with that e-mail/);
  const created = await cli(['create', 'ops@tusk.local', 'admin'], 'ops long password\n');
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stdout, /ops@tusk\.local is created \(admin, Tusk password\)/);
  const again = await cli(['create', 'ops@tusk.local'], 'ops long password\n');
  assert.equal(again.code, 1);
  assert.match(again.stderr, /exists already/);
  const short = await cli(['create', 'short@tusk.local'], 'short\n');
  assert.equal(short.code, 1);
  assert.match(short.stderr, /at least 8 characters/);
  const noProvider = await cli(['set-provider', ADMIN.email]);
  assert.equal(noProvider.code, 1);
  assert.match(noProvider.stderr, /internal source, not oauth2/);

  await withTusk({ dataDir }, async (t) => {
    const back = await login(t);
    assert.equal(back.res.status, 200, JSON.stringify(back.res.body));
    assert.equal(back.res.body.second_step, undefined, 'signed in with the password alone');
    const dana = await login(t, 'dana@tusk.local', 'dana long password');
    assert.equal(dana.res.body.user.role, 'admin');
    const ops = await login(t, 'ops@tusk.local', 'ops long password');
    assert.equal(ops.res.status, 200);
    assert.equal(ops.res.body.user.role, 'admin');
    const entries = (await back.c.get('api/v1/audit?q=command%20line&limit=50')).body.entries;
    assert.ok(entries.some((e) => e.event === 'two_factor_reset' && e.client_addr === 'command line'), JSON.stringify(entries));
    assert.ok(entries.some((e) => e.event === 'user_updated' && /role of dana@tusk.local set to admin/.test(e.detail)));
  });
  for (const email of ['dana@tusk.local', 'ops@tusk.local']) {
    const demote = await cli(['set-role', email, 'user']);
    assert.equal(demote.code, 0, demote.stderr);
  }
  const last = await cli(['set-role', ADMIN.email, 'user']);
  assert.equal(last.code, 1);
  assert.match(last.stderr, /last active administrator/);
});

test('no password, cookie or token reaches the log', async () => {
  const t = await startTusk({ env: { TUSK_LOG_LEVEL: 'debug' } });
  const { c, res } = await login(t);
  const token = c.cookies.get('tusk_session');
  await c.post('api/v1/users', { email: 'dave@tusk.local', password: 'dave secret password' });
  await login(t, 'dave@tusk.local', 'wrong secret password');
  await c.put('api/v1/auth/password', { current_password: ADMIN.password, new_password: 'new admin secret' });
  assert.equal(await t.stop(), 0);
  const log = readFileSync(t.logPath, 'utf8');
  assert.ok(log.includes('request'), 'the log has request lines');
  for (const secret of [ADMIN.password, 'dave secret password', 'wrong secret password', 'new admin secret', token, res.body.csrf_token]) {
    assert.ok(!log.includes(secret), `the log holds a secret: ${secret.slice(0, 4)}...`);
  }
});
