// Replacing or turning off an enrolled authenticator needs proof of the current second factor:
// a session alone (a stolen cookie) must not take the second factor over. The attack replayed:
// the session of a signed-in user enrols the attacker's authenticator with no code from the
// current one; then guesses codes (counted, paused like wrong codes at sign-in). Then the ways
// that work: a current code, a recovery code (used up), the password of an internal user.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTusk, ADMIN } from '../lib/tusk.mjs';
import { Client } from '../lib/http.mjs';
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

async function login(t, creds) {
  const c = new Client(t.url);
  const r = await c.post('api/v1/auth/login', creds);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  c.csrf = r.body.csrf_token;
  return { c, body: r.body };
}

async function makeUser(t, email, password = 'a-long-user-password') {
  const { c: admin } = await login(t, ADMIN);
  const r = await admin.post('api/v1/users', { email, password, role: 'user' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return { email, password };
}

// Enrols with the previous step's code; returns the secret and the recovery codes.
async function enrol(c, proof = {}) {
  const setup = await c.post('api/v1/auth/two-factor/setup', {});
  assert.equal(setup.status, 200, JSON.stringify(setup.body));
  const r = await c.post('api/v1/auth/two-factor/confirm', { setup_token: setup.body.setup_token, code: totp(setup.body.secret, -1), ...proof });
  return { r, secret: setup.body.secret, recovery: r.body.recovery_codes };
}

// Signs in with the password and a code of secret at offset (in steps); returns the client.
async function signIn(t, creds, secret, offset = 0) {
  const c = new Client(t.url);
  const step1 = await c.post('api/v1/auth/login', creds);
  assert.equal(step1.status, 200, JSON.stringify(step1.body));
  const step2 = await c.post('api/v1/auth/login/two-factor', { pending_token: step1.body.pending_token, code: totp(secret, offset) });
  c.csrf = step2.body.csrf_token;
  return { c, status: step2.status };
}

async function auditOf(t, event) {
  const { c } = await login(t, ADMIN);
  return (await c.get(`api/v1/audit?event=${event}&limit=50`)).body.entries;
}

test('attack: a session alone cannot replace the authenticator; guesses are counted and paused', async () => {
  const t = await tusk({ TUSK_MAX_LOGIN_ATTEMPTS: '3', TUSK_LOGIN_LOCKOUT_SECONDS: '60' });
  const creds = await makeUser(t, 'victim@tusk.local');
  await steadyStep();
  const { c: first } = await login(t, creds);
  const { secret } = await enrol(first);
  const { c: stolen, status } = await signIn(t, creds, secret, 0);
  assert.equal(status, 200);

  // the attacker holds the session cookie and enrols its own authenticator
  const take = await enrol(stolen);
  assert.equal(take.r.status, 403, JSON.stringify(take.r.body));
  assert.equal(take.r.body.error.code, 'reauthentication_required');
  assert.match(take.r.body.error.message, /give a code from your current authenticator app, a recovery code, or your password/);
  // and turning it off is refused the same way
  const off = await stolen.request('DELETE', 'api/v1/auth/two-factor', { json: {} });
  assert.equal(off.status, 403);
  assert.equal(off.body.error.code, 'reauthentication_required');

  // guessing: wrong codes count, and pause after TUSK_MAX_LOGIN_ATTEMPTS
  const wrong = totp(secret, 1) === '000000' ? '111111' : '000000';
  for (let i = 0; i < 3; i++) {
    const g = await enrol(stolen, { current_code: wrong });
    assert.equal(g.r.status, 401, JSON.stringify(g.r.body));
    assert.equal(g.r.body.error.code, 'invalid_code');
  }
  const paused = await enrol(stolen, { current_code: totp(secret, 1) });
  assert.equal(paused.r.status, 429);
  assert.equal(paused.r.body.error.code, 'login_paused');
  assert.ok(Number(paused.r.headers.get('retry-after')) > 0);
  const wrongPassword = await stolen.request('DELETE', 'api/v1/auth/two-factor', { json: { password: 'not-the-password' } });
  assert.equal(wrongPassword.status, 429, 'the pause covers the password too');

  // the victim's authenticator is still the one: its next code is taken at sign-in... once the pause ends
  assert.equal((await stolen.get('api/v1/auth/two-factor')).body.enabled, true);
  assert.ok((await auditOf(t, 'two_factor_change_failed')).length >= 3);
  assert.equal((await auditOf(t, 'two_factor_enabled')).length, 1, 'only the first enrolment');
});

test('replacing with a current code, a recovery code (used up) or the password; the old authenticator stops working', async () => {
  const t = await tusk();
  const creds = await makeUser(t, 'owner@tusk.local');
  await steadyStep();
  const { c: first } = await login(t, creds);
  const one = await enrol(first);
  assert.equal(one.r.status, 200);
  const { c } = await signIn(t, creds, one.secret, 0);

  // a current code of the enrolled authenticator (a step not used yet)
  const two = await enrol(c, { current_code: totp(one.secret, 1) });
  assert.equal(two.r.status, 200, JSON.stringify(two.r.body));
  assert.equal(two.recovery.length, 10);
  assert.ok((await auditOf(t, 'two_factor_enabled')).some((e) => /replaced/.test(e.detail)));
  // the old authenticator no longer signs in; the new one does
  assert.equal((await signIn(t, creds, one.secret, 1)).status, 401);
  const next = await signIn(t, creds, two.secret, 0);
  assert.equal(next.status, 200);

  // a recovery code of the current enrolment: taken once
  const three = await enrol(next.c, { current_code: two.recovery[0] });
  assert.equal(three.r.status, 200, JSON.stringify(three.r.body));
  const reuse = await enrol(next.c, { current_code: two.recovery[1] });
  assert.equal(reuse.r.status, 401, 'the codes of a replaced enrolment are gone');

  // an internal user's password
  const four = await enrol(next.c, { password: creds.password });
  assert.equal(four.r.status, 200, JSON.stringify(four.r.body));
  const badPassword = await enrol(next.c, { password: 'wrong-password-here' });
  assert.equal(badPassword.r.status, 403);
  assert.equal(badPassword.r.body.error.code, 'wrong_password');
});

test('turning two-factor off needs the proof, and is refused while required', async () => {
  const t = await tusk();
  const creds = await makeUser(t, 'leaver@tusk.local');
  await steadyStep();
  const { c: first } = await login(t, creds);
  const { secret } = await enrol(first);
  const { c } = await signIn(t, creds, secret, 0);
  const noBody = await c.request('DELETE', 'api/v1/auth/two-factor', { json: { code: '' } });
  assert.equal(noBody.status, 403);
  const ok = await c.request('DELETE', 'api/v1/auth/two-factor', { json: { code: totp(secret, 1) } });
  assert.equal(ok.status, 204, JSON.stringify(ok.body));
  assert.equal((await c.get('api/v1/auth/two-factor')).body.enabled, false);
  assert.ok((await auditOf(t, 'two_factor_disabled')).some((e) => e.user_email === creds.email));
  const again = await c.request('DELETE', 'api/v1/auth/two-factor', { json: { password: creds.password } });
  assert.equal(again.status, 400);

  // required by an administrator: not off, only replaced
  const enrolled = await enrol(c);
  assert.equal(enrolled.r.status, 200, 'nothing enrolled: no proof needed');
  const { c: admin } = await login(t, ADMIN);
  const id = (await c.get('api/v1/auth/me')).body.user.id;
  assert.equal((await admin.put(`api/v1/users/${id}/two-factor`, { required: true })).status, 200);
  const refused = await c.request('DELETE', 'api/v1/auth/two-factor', { json: { password: creds.password } });
  assert.equal(refused.status, 403);
  assert.equal(refused.body.error.code, 'forbidden');
  assert.match(refused.body.error.message, /required for your account/);
});
