// Two-factor sign-in (TOTP): enrolment with a QR code and recovery codes, the second step after
// the password (no session before it), wrong and replayed codes, recovery codes used once, the
// rate limit and the pause on the second step, enforcement for everyone and per user, an
// administrator's reset, the webserver source exempt, and an LDAP user with TOTP.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTusk, ADMIN } from '../lib/tusk.mjs';
import { Client } from '../lib/http.mjs';
import { startSlapd, SLAPD, BASE } from '../lib/slapd.mjs';
import { totp, steadyStep } from '../lib/totp.mjs';

const running = [];
after(async () => {
  for (const t of running) await t.stop();
});

async function tusk(env = {}) {
  const t = await startTusk({ env });
  running.push(t);
  return t;
}

async function signedIn(t, creds) {
  const c = new Client(t.url);
  const r = await c.post('api/v1/auth/login', creds);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  c.csrf = r.body.csrf_token;
  return { c, body: r.body };
}

async function makeUser(admin, email, password = 'a-long-user-password') {
  const r = await admin.post('api/v1/users', { email, password, role: 'user' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return { id: r.body.user.id, creds: { email, password } };
}

// Enrols the signed-in client's user; the confirming code is the previous step's, so the
// caller's sign-ins can use this step's and the next.
async function enrol(c) {
  await steadyStep();
  const setup = await c.post('api/v1/auth/two-factor/setup', {});
  assert.equal(setup.status, 200, JSON.stringify(setup.body));
  assert.match(setup.body.secret, /^[A-Z2-7]{32}$/);
  assert.match(setup.body.otpauth_uri, /^otpauth:\/\/totp\/Tusk:.+\?secret=[A-Z2-7]{32}&issuer=Tusk&algorithm=SHA1&digits=6&period=30$/);
  assert.match(setup.body.qr_svg, /^<svg [^>]*viewBox="0 0 \d+ \d+"/);
  assert.equal(setup.headers.get('cache-control'), 'no-store');
  const ok = await c.post('api/v1/auth/two-factor/confirm', { setup_token: setup.body.setup_token, code: totp(setup.body.secret, -1) });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(ok.body.recovery_codes.length, 10);
  for (const code of ok.body.recovery_codes) assert.match(code, /^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$/);
  return { secret: setup.body.secret, recovery: ok.body.recovery_codes };
}

function secondStep(t, pending, code) {
  return new Client(t.url).post('api/v1/auth/login/two-factor', { pending_token: pending, code });
}

test('enrol, then sign in with a code; no session before it; wrong and replayed codes refused; recovery codes once', async () => {
  const t = await tusk();
  const { c: admin } = await signedIn(t, ADMIN);
  const u = await makeUser(admin, 'totp-user@tusk.local');
  const { c } = await signedIn(t, u.creds);

  // a wrong confirming code enrols nothing
  const setup = await c.post('api/v1/auth/two-factor/setup', {});
  const bad = await c.post('api/v1/auth/two-factor/confirm', { setup_token: setup.body.setup_token, code: '000000' === totp(setup.body.secret) ? '111111' : '000000' });
  assert.equal(bad.status, 401);
  assert.equal(bad.body.error.code, 'invalid_code');
  // a setup token is bound to its user: another cannot confirm it
  const forged = await admin.post('api/v1/auth/two-factor/confirm', { setup_token: setup.body.setup_token, code: totp(setup.body.secret) });
  assert.equal(forged.status, 400);
  assert.equal((await c.get('api/v1/auth/two-factor')).body.enabled, false);

  const { secret, recovery } = await enrol(c);
  const status = (await c.get('api/v1/auth/two-factor')).body;
  assert.deepEqual(status, { available: true, enabled: true, required: false, setup_required: false, recovery_codes_left: 10 });

  // the password alone: a pending token, no cookie, no CSRF token, and nothing it opens
  const first = new Client(t.url);
  const step1 = await first.post('api/v1/auth/login', u.creds);
  assert.equal(step1.status, 200);
  assert.equal(step1.body.second_step, 'totp');
  assert.equal(step1.body.user, undefined);
  assert.equal(step1.body.csrf_token, undefined);
  assert.equal(step1.headers.getSetCookie().length, 0);
  assert.ok(step1.body.expires_in > 0 && step1.body.expires_in <= 300);
  assert.equal((await first.get('api/v1/auth/me')).status, 401);
  assert.equal((await new Client(t.url).get('api/v1/servers', { headers: { cookie: `tusk_session=${step1.body.pending_token}` } })).status, 401);

  const wrong = await secondStep(t, step1.body.pending_token, totp(secret, 5));
  assert.equal(wrong.status, 401);
  assert.equal(wrong.body.error.code, 'invalid_code');
  assert.equal(wrong.headers.getSetCookie().length, 0);

  await steadyStep();
  const code = totp(secret, 0);
  const ok = await first.post('api/v1/auth/login/two-factor', { pending_token: step1.body.pending_token, code });
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(ok.body.user.email, 'totp-user@tusk.local');
  assert.ok(ok.body.csrf_token);
  assert.match(ok.headers.getSetCookie()[0], /^tusk_session=/);
  assert.equal((await first.get('api/v1/auth/me')).status, 200);
  // the pending token is used: it opens nothing again
  const again = await secondStep(t, step1.body.pending_token, code);
  assert.equal(again.status, 401);
  assert.equal(again.body.error.code, 'second_step_ended');

  // the same code on a new sign-in: a replay, refused
  const step1b = await new Client(t.url).post('api/v1/auth/login', u.creds);
  const replay = await secondStep(t, step1b.body.pending_token, code);
  assert.equal(replay.status, 401);
  assert.equal(replay.body.error.code, 'invalid_code');
  // a recovery code (in lower case, without dashes) works once
  const rc = recovery[3];
  const viaRecovery = await secondStep(t, step1b.body.pending_token, rc.toLowerCase().replaceAll('-', ''));
  assert.equal(viaRecovery.status, 200, JSON.stringify(viaRecovery.body));
  const step1c = await new Client(t.url).post('api/v1/auth/login', u.creds);
  const reused = await secondStep(t, step1c.body.pending_token, rc);
  assert.equal(reused.status, 401);
  assert.equal((await admin.get('api/v1/audit?event=login&q=recovery')).body.total, 1);

  // the audit says what happened, and never holds the secret or a code
  const audit = JSON.stringify((await admin.get('api/v1/audit?limit=1000')).body);
  assert.match(audit, /two_factor_enabled/);
  assert.match(audit, /replay refused/);
  assert.ok(!audit.includes(secret) && !audit.includes(rc) && !audit.includes(code));
  assert.ok(!t.output().includes(secret));
});

test('the second step is rate-limited per address and pauses after wrong codes like passwords', async () => {
  const t = await tusk({ TUSK_MAX_LOGIN_ATTEMPTS: '3', TUSK_LOGIN_LOCKOUT_SECONDS: '60' });
  const { c: admin } = await signedIn(t, ADMIN);
  const u = await makeUser(admin, 'paused@tusk.local');
  const { secret } = await enrol((await signedIn(t, u.creds)).c);
  const pend = async () => (await new Client(t.url).post('api/v1/auth/login', u.creds)).body.pending_token;
  const p1 = await pend();
  for (let i = 0; i < 3; i++) assert.equal((await secondStep(t, p1, '000001')).status, 401);
  // paused: even the right code on a new pending sign-in is refused, and a right password does not lift it
  await steadyStep();
  const p2 = await pend();
  const paused = await secondStep(t, p2, totp(secret));
  assert.equal(paused.status, 429);
  assert.equal(paused.body.error.code, 'login_paused');
  assert.ok(Number(paused.headers.get('retry-after')) > 0);
  const lockouts = (await admin.get('api/v1/audit?event=lockout')).body.entries;
  assert.equal(lockouts.length, 1);
  assert.equal(lockouts[0].user_email, 'paused@tusk.local');
  // an administrator's reset ends the pause (and the authenticator): the password alone signs in
  const uid = (await admin.get('api/v1/users')).body.users.find((x) => x.email === 'paused@tusk.local').id;
  assert.equal((await admin.del(`api/v1/users/${uid}/two-factor`)).status, 200);
  const after = await new Client(t.url).post('api/v1/auth/login', u.creds);
  assert.equal(after.status, 200);
  assert.ok(after.body.csrf_token, 'a session: no second step after the reset');

  // a pending sign-in ends after 5 wrong codes even without a pause
  const t2 = await tusk({ TUSK_MAX_LOGIN_ATTEMPTS: '0', TUSK_LOGIN_RATE_LIMIT: '100' });
  const a2 = (await signedIn(t2, ADMIN)).c;
  const u2 = await makeUser(a2, 'five@tusk.local');
  const s2 = (await enrol((await signedIn(t2, u2.creds)).c)).secret;
  const p3 = (await new Client(t2.url).post('api/v1/auth/login', u2.creds)).body.pending_token;
  for (let i = 0; i < 5; i++) assert.equal((await secondStep(t2, p3, '000002')).body.error.code, 'invalid_code');
  await steadyStep();
  assert.equal((await secondStep(t2, p3, totp(s2))).body.error.code, 'second_step_ended');

  // the per-address limit counts second steps apart from passwords
  const t3 = await tusk({ TUSK_MAX_LOGIN_ATTEMPTS: '0', TUSK_LOGIN_RATE_LIMIT: '4' });
  const a3 = (await signedIn(t3, ADMIN)).c;
  const u3 = await makeUser(a3, 'limited@tusk.local');
  await enrol((await signedIn(t3, u3.creds)).c);
  const p4 = (await new Client(t3.url).post('api/v1/auth/login', u3.creds)).body.pending_token;
  const codes = [];
  for (let i = 0; i < 5; i++) codes.push((await secondStep(t3, p4, '000003')).status);
  assert.deepEqual(codes, [401, 401, 401, 401, 429]);
});

test('enforcement: an administrator requires it per user; the user can only enrol until done; reset', async () => {
  const t = await tusk();
  const { c: admin } = await signedIn(t, ADMIN);
  const u = await makeUser(admin, 'must@tusk.local');
  const req = await admin.put(`api/v1/users/${u.id}/two-factor`, { required: true });
  assert.equal(req.status, 200);
  assert.equal(req.body.user.two_factor_required, true);
  const { c, body } = await signedIn(t, u.creds);
  assert.equal(body.two_factor_setup_required, true);
  const blocked = await c.get('api/v1/servers');
  assert.equal(blocked.status, 403);
  assert.equal(blocked.body.error.code, 'two_factor_setup_required');
  assert.equal((await c.get('api/v1/auth/me')).body.two_factor_setup_required, true);
  const { secret } = await enrol(c);
  assert.equal((await c.get('api/v1/servers')).status, 200, 'enrolled: the session opens everything');
  assert.equal((await c.get('api/v1/auth/me')).body.two_factor_setup_required, false);

  // an ordinary user cannot reset anyone's
  const other = await makeUser(admin, 'other@tusk.local');
  const { c: oc } = await signedIn(t, other.creds);
  assert.equal((await oc.del(`api/v1/users/${u.id}/two-factor`)).status, 403);
  // the administrator resets it (a lost phone): audited; the password alone signs in, then enrolment is due again
  const reset = await admin.del(`api/v1/users/${u.id}/two-factor`);
  assert.equal(reset.status, 200);
  assert.equal(reset.body.user.two_factor_enabled, false);
  const audit = (await admin.get('api/v1/audit?event=two_factor_reset')).body.entries;
  assert.equal(audit.length, 1);
  assert.match(audit[0].detail, /must@tusk\.local/);
  assert.equal(audit[0].user_email, ADMIN.email);
  const after = await new Client(t.url).post('api/v1/auth/login', u.creds);
  assert.equal(after.body.second_step, undefined);
  assert.equal(after.body.two_factor_setup_required, true);
  assert.ok(secret);
});

test('TUSK_REQUIRE_TWO_FACTOR and pgAdmin MFA_FORCE_REGISTRATION require it of everyone; MFA_ENABLED=False turns it off', async () => {
  for (const env of [{ TUSK_REQUIRE_TWO_FACTOR: 'true' }, { PGADMIN_CONFIG_MFA_FORCE_REGISTRATION: 'True', PGADMIN_CONFIG_MFA_SUPPORTED_METHODS: "['email', 'authenticator']" }]) {
    const t = await tusk(env);
    const { c, body } = await signedIn(t, ADMIN);
    assert.equal(body.two_factor_setup_required, true, JSON.stringify(env));
    assert.equal((await c.get('api/v1/users')).body.error.code, 'two_factor_setup_required');
    await enrol(c);
    assert.equal((await c.get('api/v1/users')).status, 200);
  }
  const off = await tusk({ PGADMIN_CONFIG_MFA_ENABLED: 'False' });
  const { c } = await signedIn(off, ADMIN);
  const setup = await c.post('api/v1/auth/two-factor/setup', {});
  assert.equal(setup.status, 403);
  assert.match(setup.body.error.message, /turned off/);
});

test('the webserver source is exempt (the proxy is the authority)', async () => {
  const t = await tusk({ TUSK_AUTHENTICATION_SOURCES: 'webserver,internal', TUSK_TRUSTED_PROXIES: '127.0.0.1', TUSK_REQUIRE_TWO_FACTOR: 'true' });
  const c = new Client(t.url);
  const r = await c.post('api/v1/auth/webserver', {}, { headers: { 'X-Forwarded-User': 'proxied' } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.two_factor_setup_required, false);
  c.csrf = r.body.csrf_token;
  assert.equal((await c.get('api/v1/auth/two-factor')).body.available, false);
  assert.equal((await c.post('api/v1/auth/two-factor/setup', {})).status, 403);
});

test('an LDAP user enrols and signs in with the second step', { skip: !SLAPD && 'slapd is not installed' }, async () => {
  const ldap = await startSlapd();
  try {
    const t = await tusk({
      TUSK_AUTHENTICATION_SOURCES: 'ldap,internal',
      TUSK_LDAP_SERVER_URI: ldap.url,
      TUSK_LDAP_BIND_USER: `cn=tusk-service,${BASE}`,
      TUSK_LDAP_BIND_PASSWORD: 'service-secret',
      TUSK_LDAP_SEARCH_BASE_DN: `ou=people,${BASE}`,
    });
    const creds = { username: 'bob', password: 'bob-secret' };
    const { c } = await signedIn(t, creds);
    const { secret } = await enrol(c);
    const step1 = await new Client(t.url).post('api/v1/auth/login', creds);
    assert.equal(step1.body.second_step, 'totp');
    await steadyStep();
    const ok = await secondStep(t, step1.body.pending_token, totp(secret));
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.user.auth_source, 'ldap');
    // a wrong directory password still gets no second step
    assert.equal((await new Client(t.url).post('api/v1/auth/login', { username: 'bob', password: 'nope' })).status, 401);
  } finally {
    await ldap.stop();
  }
});
