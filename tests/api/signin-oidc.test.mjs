// The oauth2 sign-in source against a real provider on 127.0.0.1 (tests/lib/idp.mjs: discovery,
// JWKS, PKCE-checking token endpoint, ID tokens signed by node:crypto; and GitHub's shape), with
// a browser-less client following the redirects. Every bad input a reviewer would try: forged
// signature, alg none, expired, wrong audience, wrong issuer, wrong nonce, replayed state, state
// from another browser, unknown kid (and rotation working), claims not matching, auto-create off.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTusk, runTusk, tempDir } from '../lib/tusk.mjs';
import { Client } from '../lib/http.mjs';
import { startIdp, makeKey, signJwt } from '../lib/idp.mjs';
import { join } from 'node:path';

let idp, t;
before(async () => {
  idp = await startIdp();
  const meta = `${idp.issuer}/.well-known/openid-configuration`;
  // pgAdmin's form, as a values file written for pgAdmin gives it
  const providers = `[
    {'OAUTH2_NAME': 'idp', 'OAUTH2_DISPLAY_NAME': 'Company SSO', 'OAUTH2_CLIENT_ID': 'tusk', 'OAUTH2_CLIENT_SECRET': 'tusk-secret',
     'OAUTH2_SERVER_METADATA_URL': '${meta}', 'OAUTH2_SCOPE': 'openid email profile', 'OAUTH2_BUTTON_COLOR': '#2f6feb'},
    {'OAUTH2_NAME': 'strict', 'OAUTH2_CLIENT_ID': 'strict', 'OAUTH2_CLIENT_SECRET': 'strict-secret',
     'OAUTH2_SERVER_METADATA_URL': '${meta}', 'OAUTH2_ADDITIONAL_CLAIMS': {'groups': ['dba', 'ops']},
     'OAUTH2_ADMIN_CLAIMS': {'groups': 'dba'}, 'OAUTH2_AUTO_CREATE_USER': False},
    {'OAUTH2_NAME': 'gh', 'OAUTH2_DISPLAY_NAME': 'GitHub', 'OAUTH2_CLIENT_ID': 'gh', 'OAUTH2_CLIENT_SECRET': 'gh-secret',
     'OAUTH2_AUTHORIZATION_URL': '${idp.issuer}/login/oauth/authorize', 'OAUTH2_TOKEN_URL': '${idp.issuer}/login/oauth/access_token',
     'OAUTH2_API_BASE_URL': '${idp.issuer}/api/', 'OAUTH2_USERINFO_ENDPOINT': 'user', 'OAUTH2_SCOPE': 'user:email',
     'OAUTH2_USERNAME_CLAIM': 'login'},
    {'OAUTH2_NAME': 'down', 'OAUTH2_CLIENT_ID': 'tusk', 'OAUTH2_SERVER_METADATA_URL': 'http://127.0.0.1:9/.well-known/openid-configuration'},
  ]`;
  t = await startTusk({ env: { PGADMIN_CONFIG_AUTHENTICATION_SOURCES: "['oauth2', 'internal']", PGADMIN_CONFIG_OAUTH2_CONFIG: providers } });
});
after(async () => {
  await t?.stop();
  await idp?.stop();
});

// Start -> provider -> callback, as a browser would; returns the client and the callback's answer.
async function signIn(provider, { client = new Client(t.url), replay = false } = {}) {
  const start = await client.get(`api/v1/auth/oauth2/${provider}`);
  assert.equal(start.status, 302, JSON.stringify(start.body));
  const atIdp = await fetch(start.headers.get('location'), { redirect: 'manual' });
  assert.equal(atIdp.status, 302);
  const back = atIdp.headers.get('location');
  const cb = await client.get(back);
  if (replay) cb.replay = await client.get(back);
  cb.back = back;
  return { c: client, cb };
}

async function refusal(c) {
  return (await c.get('api/v1/auth/oauth2/error')).body.message;
}

test('the login page learns the providers in their order, with label and colour', async () => {
  const s = (await new Client(t.url).get('api/v1/auth/sources')).body;
  assert.deepEqual(s.sources, ['oauth2', 'internal']);
  assert.deepEqual(s.oauth2_providers.map((p) => [p.name, p.display_name]), [['idp', 'Company SSO'], ['strict', 'strict'], ['gh', 'GitHub'], ['down', 'down']]);
  assert.equal(s.oauth2_providers[0].button_color, '#2f6feb');
  assert.ok(!JSON.stringify(s).includes('secret'), 'no client secret in the public answer');
});

test('OpenID Connect: PKCE S256, state and nonce sent; a new user signs in with a login session', async () => {
  idp.log.length = 0;
  const { c, cb } = await signIn('idp');
  assert.equal(cb.status, 302);
  assert.equal(new URL(cb.headers.get('location'), t.url).pathname, '/');
  const authz = idp.log.find((l) => l.at === 'authorize');
  assert.equal(authz.code_challenge_method, 'S256');
  assert.match(authz.code_challenge, /^[A-Za-z0-9_-]{43}$/);
  assert.match(authz.state, /^[A-Za-z0-9_-]{43}$/);
  assert.match(authz.nonce, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(authz.redirect_uri, `${t.url}oauth2/authorize`);
  assert.match(idp.log.find((l) => l.at === 'token').code_verifier, /^[A-Za-z0-9_-]{43}$/);
  const me = await c.get('api/v1/auth/me');
  assert.equal(me.status, 200);
  assert.equal(me.body.user.email, 'olivia@example.org');
  assert.equal(me.body.user.auth_source, 'oauth2');
  assert.equal(me.body.user.role, 'user');
  assert.equal(me.body.user.password_set, false);
  // a login session like the others': CSRF on state changes
  const noCsrf = await c.request('POST', 'api/v1/auth/logout', { json: {}, csrf: false });
  assert.equal(noCsrf.status, 403);
  c.csrf = me.body.csrf_token;
  assert.equal((await c.post('api/v1/auth/logout', {})).status, 200);
  assert.equal((await c.get('api/v1/auth/me')).status, 401);
});

test('ES256 ID tokens verify too', async () => {
  const old = idp.key;
  idp.key = makeKey('ES256');
  try {
    const { c, cb } = await signIn('idp');
    assert.equal(cb.headers.get('location'), '/', await refusal(c));
    assert.equal((await c.get('api/v1/auth/me')).status, 200);
  } finally {
    idp.key = old;
  }
});

const refusals = [
  ['a forged signature (a key the provider never published, its kid borrowed)', () => {
    const forger = makeKey('RS256', idp.key.kid);
    idp.tamper = (c) => { idp.token = signJwt(forger, c); return c; };
  }, /signature does not verify/],
  ['alg none', () => { idp.tamper = (c) => { idp.token = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(c)).toString('base64url')}.`; return c; }; }, /not a well-formed JWT|algorithm/],
  ['an expired token', () => { idp.tamper = (c) => ({ ...c, exp: c.iat - 3600 }); }, /expired/],
  ['a token issued in the future', () => { idp.tamper = (c) => ({ ...c, iat: c.iat + 3600 }); }, /future/],
  ['another audience', () => { idp.tamper = (c) => ({ ...c, aud: 'someone-else' }); }, /another client/],
  ['several audiences without azp', () => { idp.tamper = (c) => ({ ...c, aud: ['tusk', 'other'] }); }, /another client/],
  ['another issuer', () => { idp.tamper = (c) => ({ ...c, iss: 'https://evil.example' }); }, /issuer/],
  ['an e-mail address the provider says is not verified (the user name claim)', () => { idp.tamper = (c) => ({ ...c, email_verified: false }); }, /not verified/],
  ['a wrong nonce', () => { idp.tamper = (c) => ({ ...c, nonce: 'x'.repeat(43) }); }, /nonce/],
  ['no nonce', () => { idp.tamper = ({ nonce, ...c }) => c; }, /nonce/],
  ['a kid the provider does not know even after a refetch', () => {
    const stray = makeKey('RS256');
    idp.tamper = (c) => { idp.token = signJwt(stray, c); return c; };
  }, /no key of the provider's key set/],
];
for (const [what, arrange, why] of refusals) {
  test(`refused: ${what}`, async () => {
    arrange();
    const { c, cb } = await signIn('idp');
    assert.equal(new URL(cb.headers.get('location'), t.url).pathname, '/login');
    assert.equal(cb.headers.get('location'), '/login?oauth2_error=1');
    assert.equal(c.cookies.get('tusk_session'), undefined);
    assert.equal((await c.get('api/v1/auth/me')).status, 401);
    const msg = await refusal(c);
    assert.match(msg, why);
    assert.equal(await refusal(c), '', 'the message is shown once');
  });
}

test('a state is single use, and only in the browser that started the sign-in', async () => {
  const { c, cb } = await signIn('idp', { replay: true });
  assert.equal(cb.headers.get('location'), '/');
  assert.equal(cb.replay.headers.get('location'), '/login?oauth2_error=1');
  assert.ok(!cb.replay.headers.getSetCookie().some((l) => l.startsWith('tusk_session=')), 'no second session');
  // a callback URL carried to another browser (no flow cookie) is refused
  const start = await new Client(t.url).get('api/v1/auth/oauth2/idp');
  const back = (await fetch(start.headers.get('location'), { redirect: 'manual' })).headers.get('location');
  const other = new Client(t.url);
  other.cookies.set('tusk_oauth2', 'A'.repeat(43)); // a flow cookie, but not this flow's
  const r = await other.get(back);
  assert.equal(r.headers.get('location'), '/login?oauth2_error=1');
  assert.equal((await other.get('api/v1/auth/me')).status, 401);
  assert.match(await refusal(other), /used already, is too old, or was started in another browser/);
  // and the state is then spent for its own browser too
  const stolenBack = await new Client(t.url).get(back);
  assert.equal(stolenBack.headers.get('location'), '/login?oauth2_error=1');
});

test('the code is bound to the PKCE verifier Tusk keeps: without it the provider refuses the code', async () => {
  const realFetchLog = idp.log.length;
  const start = await new Client(t.url).get('api/v1/auth/oauth2/idp');
  const authz = new URL(start.headers.get('location'));
  // an attacker holding the code but not the verifier cannot redeem it
  const back = new URL((await fetch(authz, { redirect: 'manual' })).headers.get('location'));
  const r = await fetch(`${idp.issuer}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: back.searchParams.get('code'), client_id: 'tusk',
      client_secret: 'tusk-secret', redirect_uri: authz.searchParams.get('redirect_uri') }) });
  assert.equal(r.status, 400);
  assert.match((await r.json()).error_description, /PKCE/);
  assert.ok(idp.log.length > realFetchLog);
});

test('key rotation: a token signed with a new kid makes Tusk fetch the key set again, once', async () => {
  await signIn('idp'); // the key set is cached now
  const before = idp.jwksFetches;
  const next = makeKey('RS256');
  idp.published = [idp.key, next];
  const old = idp.key;
  idp.key = next;
  try {
    const { c, cb } = await signIn('idp');
    assert.equal(cb.headers.get('location'), '/', await refusal(c));
    assert.equal(idp.jwksFetches, before + 1);
    await signIn('idp');
    assert.equal(idp.jwksFetches, before + 1, 'the new set is cached');
  } finally {
    idp.published = [old, next];
  }
});

test('additional claims: refused unless one matches; the admin mapping sets the role; auto-create off', async () => {
  // auto-create off: no Tusk user yet
  idp.user = { sub: 'u-2', email: 'dana@example.org', groups: ['dba'] };
  let { c, cb } = await signIn('strict');
  assert.equal(cb.headers.get('location'), '/login?oauth2_error=1');
  assert.match(await refusal(c), /no Tusk user 'dana@example.org'/);
  // an administrator creates the user ahead of its first sign-in
  const admin = new Client(t.url);
  admin.csrf = (await admin.post('api/v1/auth/login', { email: 'admin@tusk.local', password: 'admin-test-password-1' })).body.csrf_token;
  const made = await admin.post('api/v1/users', { email: 'dana@example.org', role: 'user', auth_source: 'oauth2', oauth2_provider: 'strict' });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  ({ c, cb } = await signIn('strict'));
  assert.equal(cb.headers.get('location'), '/', await refusal(c));
  assert.equal((await c.get('api/v1/auth/me')).body.user.role, 'admin', 'groups has dba: an administrator');
  // the claims no longer match: refused, whatever the user row says
  idp.user = { sub: 'u-2', email: 'dana@example.org', groups: ['dev'] };
  ({ c, cb } = await signIn('strict'));
  assert.equal(cb.headers.get('location'), '/login?oauth2_error=1');
  assert.match(await refusal(c), /OAUTH2_ADDITIONAL_CLAIMS/);
  // ops matches the claims but not the admin mapping: back to user
  idp.user = { sub: 'u-2', email: 'dana@example.org', groups: ['ops'] };
  ({ c, cb } = await signIn('strict'));
  assert.equal(cb.headers.get('location'), '/', await refusal(c));
  assert.equal((await c.get('api/v1/auth/me')).body.user.role, 'user');
  idp.user = { sub: 'u-1', email: 'Olivia@Example.org', groups: ['dev'] };
});

test('GitHub-shaped OAuth2: no ID token, the user from the userinfo endpoint and its login claim', async () => {
  idp.log.length = 0;
  const { c, cb } = await signIn('gh');
  assert.equal(cb.headers.get('location'), '/', await refusal(c));
  assert.equal(idp.log.find((l) => l.at === 'authorize').scope, 'user:email');
  assert.match(idp.log.find((l) => l.at === 'userinfo').auth, /^Bearer gh-/);
  const me = (await c.get('api/v1/auth/me')).body.user;
  assert.equal(me.email, 'octocat');
  assert.equal(me.auth_source, 'oauth2');
});

test('the provider refusing (access_denied) and unknown providers read clearly', async () => {
  const c = new Client(t.url);
  const start = await c.get('api/v1/auth/oauth2/idp');
  const state = new URL(start.headers.get('location')).searchParams.get('state');
  const r = await c.get(`oauth2/authorize?error=access_denied&error_description=${encodeURIComponent('The user said no')}&state=${state}`);
  assert.equal(r.headers.get('location'), '/login?oauth2_error=1');
  assert.match(await refusal(c), /did not sign you in: access_denied — The user said no/);
  // a provider that cannot be reached: the login page says so
  const down = await c.get('api/v1/auth/oauth2/down');
  assert.equal(down.headers.get('location'), '/login?oauth2_error=1');
  assert.match(await refusal(c), /The identity provider down cannot be reached/);
  const none = await c.get('api/v1/auth/oauth2/nope');
  assert.equal(none.status, 404);
  assert.match(none.body.error.message, /no oauth2 sign-in provider 'nope'/);
});

test('bad provider configs stop the start with a clear message', async () => {
  const dir = join(tempDir(), 'data');
  const cases = [
    [{ TUSK_AUTHENTICATION_SOURCES: 'oauth2' }, /the oauth2 source needs its providers/],
    [{ TUSK_AUTHENTICATION_SOURCES: 'oauth2', PGADMIN_CONFIG_OAUTH2_CONFIG: "[{'OAUTH2_NAME': 'x'" }, /not a Python literal/],
    [{ TUSK_AUTHENTICATION_SOURCES: 'oauth2', TUSK_OAUTH2_CONFIG: '[{"OAUTH2_NAME":"x","OAUTH2_CLIENT_ID":"y"}]' }, /OAUTH2_AUTHORIZATION_URL must be/],
  ];
  for (const [env, why] of cases) {
    const r = await runTusk({ env, args: ['--data-dir', dir, '--port', '0'] });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, why);
  }
});
