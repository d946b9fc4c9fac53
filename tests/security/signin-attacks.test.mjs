// Sign-in attacks of the outside test in issue 19 (findings 4, 5, 7, 8, 9, 10, 11, 12), each
// replayed against a real tusk, the scripted identity provider (tests/lib/idp.mjs) and, for the
// stall, a TCP server that accepts and never answers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { startTusk, readLog, ADMIN } from '../lib/tusk.mjs';
import { Client } from '../lib/http.mjs';
import { startIdp } from '../lib/idp.mjs';
import { totp, steadyStep } from '../lib/totp.mjs';

let idp, t, meta;
const running = [];
before(async () => {
  idp = await startIdp();
  meta = `${idp.issuer}/.well-known/openid-configuration`;
  const providers = JSON.stringify([
    { OAUTH2_NAME: 'idp', OAUTH2_CLIENT_ID: 'tusk', OAUTH2_CLIENT_SECRET: 'tusk-secret', OAUTH2_SERVER_METADATA_URL: meta },
    { OAUTH2_NAME: 'strict', OAUTH2_CLIENT_ID: 'strict', OAUTH2_CLIENT_SECRET: 'strict-secret', OAUTH2_SERVER_METADATA_URL: meta,
      OAUTH2_ADMIN_CLAIMS: { groups: ['dba'] } },
    // the same provider under another discovery URL (its own cache), for a document without issuer
    { OAUTH2_NAME: 'noiss', OAUTH2_CLIENT_ID: 'tusk', OAUTH2_CLIENT_SECRET: 'tusk-secret', OAUTH2_SERVER_METADATA_URL: `${meta}?noiss` },
  ]);
  // a generous per-address limit: the attacks here must fail for their own reason, not the limit
  t = await tusk({ TUSK_AUTHENTICATION_SOURCES: 'oauth2,webserver,internal', TUSK_OAUTH2_CONFIG: providers,
    TUSK_LOGIN_RATE_LIMIT: '100000' });
});
after(async () => {
  for (const x of running) await x.stop();
  await idp?.stop();
});
async function tusk(env) {
  const x = await startTusk({ env });
  running.push(x);
  return x;
}
async function adminOf(x) {
  const c = new Client(x.url);
  const r = await c.post('api/v1/auth/login', ADMIN);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  c.csrf = r.body.csrf_token;
  return c;
}
async function begin(provider, client = new Client(t.url)) {
  const start = await client.get(`api/v1/auth/oauth2/${provider}`);
  assert.equal(start.status, 302, JSON.stringify(start.body));
  return { client, idpUrl: start.headers.get('location') };
}
async function finish({ client, idpUrl }) {
  const atIdp = await fetch(idpUrl, { redirect: 'manual' });
  const back = atIdp.headers.get('location');
  assert.ok(back, `the provider sent no redirect (${atIdp.status})`);
  await client.get(back);
  const me = await client.get('api/v1/auth/me');
  const err = me.status === 200 ? '' : (await client.get('api/v1/auth/oauth2/error')).body.message;
  return { me: me.status, user: me.body?.user, err, client };
}
const signIn = async (p) => finish(await begin(p));

test('finding 5: a flood of anonymous starts leaves a sign-in under way intact (the flow is in its cookie)', async () => {
  idp.user = { sub: 'victim-1', email: 'victim@example.org', groups: ['dev'] };
  const victim = await begin('idp');
  for (let i = 0; i < 1100; i += 50) {
    const batch = await Promise.all(Array.from({ length: 50 }, () =>
      fetch(new URL('api/v1/auth/oauth2/idp', t.url), { redirect: 'manual' }).then((r) => r.status)));
    assert.ok(batch.every((s) => s === 302), `starts answered ${batch}`);
  }
  const r = await finish(victim);
  assert.equal(r.me, 200, r.err);
  assert.equal(r.user.email, 'victim@example.org');
  // the cookie is sealed: the state the provider got is not readable in it
  const c = new Client(t.url);
  const s = await c.get('api/v1/auth/oauth2/idp');
  const state = new URL(s.headers.get('location')).searchParams.get('state');
  assert.ok(state.length >= 40);
  assert.ok(!c.cookies.get('tusk_oauth2').includes(state));
  // a cookie changed by one character is refused
  const v = c.cookies.get('tusk_oauth2');
  c.cookies.set('tusk_oauth2', (v[5] === 'A' ? 'B' : 'A') + v.slice(1, 5) + (v[5] === 'A' ? 'B' : 'A') + v.slice(6));
  const cb = await c.get(`oauth2/authorize?state=${state}&code=x`);
  assert.equal(cb.status, 302);
  assert.equal((await c.get('api/v1/auth/me')).status, 401);
});

test('finding 8: the provider\'s error text from the URL never reaches the login page', async () => {
  const b = await begin('idp');
  await b.client.get('oauth2/authorize?error=Your+Tusk+account+was+suspended&error_description=call+the+helpdesk+at+%2B1-555-0100+and+give+your+password');
  const msg = (await b.client.get('api/v1/auth/oauth2/error')).body.message;
  assert.ok(msg.length > 0);
  assert.doesNotMatch(msg, /suspended|helpdesk|555|password/);
  assert.match(readLog(t), /helpdesk/, 'the provider\'s words are in the log');
});

test('finding 9: email_verified must be JSON true; sub required and matched by userinfo; an issuer required', async () => {
  for (const [label, tamper] of [
    ['email_verified "false" (a string)', (c) => ({ ...c, email_verified: 'false' })],
    ['email_verified "true" (a string)', (c) => ({ ...c, email_verified: 'true' })],
    ['email_verified false', (c) => ({ ...c, email_verified: false })],
    ['no email_verified', (c) => { const { email_verified: _v, ...rest } = c; return rest; }],
  ]) {
    idp.user = { sub: `ev-${label.length}`, email: 'unverified@example.org', groups: [] };
    idp.tamper = tamper;
    const r = await signIn('idp');
    assert.notEqual(r.me, 200, `${label}: signed in`);
    assert.match(r.err, /not verified/, label);
  }
  idp.user = { sub: 'nosub', email: 'nosub@example.org', groups: [] };
  idp.tamper = (c) => { const { sub: _s, ...rest } = c; return rest; };
  let r = await signIn('idp');
  assert.notEqual(r.me, 200, 'an ID token without sub signed in');
  assert.match(r.err, /subject/);
  // userinfo about another subject than the ID token's
  idp.user = { sub: 'token-sub', email: 'mix@example.org', groups: [] };
  idp.userinfo = (info) => ({ ...info, sub: 'someone-else' });
  r = await signIn('idp');
  idp.userinfo = (info) => info;
  assert.notEqual(r.me, 200, 'userinfo about another subject was used');
  idp.userinfo = (info) => { const { sub: _s, ...rest } = info; return rest; };
  r = await signIn('idp');
  idp.userinfo = (info) => info;
  assert.notEqual(r.me, 200, 'userinfo without sub was used');
  // a discovery document without issuer: iss cannot be checked, so no ID token is taken
  idp.discovery = (doc) => { const { issuer: _i, ...rest } = doc; return rest; };
  idp.user = { sub: 'noiss', email: 'noiss@example.org', groups: [] };
  try {
    r = await signIn('noiss');
  } finally {
    idp.discovery = (doc) => doc;
  }
  assert.notEqual(r.me, 200, 'an ID token was taken with no issuer to check');
  assert.match(r.err, /issuer/);
  // and a well-behaved provider still signs in
  idp.user = { sub: 'fine', email: 'fine@example.org', groups: [] };
  r = await signIn('idp');
  assert.equal(r.me, 200, r.err);
});

test('finding 10: an administrator\'s role from one provider\'s claims cannot be kept through another provider', async () => {
  idp.user = { sub: 'ops-1', email: 'ops@example.org', groups: ['dba'] };
  let r = await signIn('strict');
  assert.equal(r.user?.role, 'admin', r.err);
  // the same name through another provider is another person: refused, so no role travels
  idp.user = { sub: 'ops-1', email: 'ops@example.org', groups: ['dev'] };
  r = await signIn('idp');
  assert.notEqual(r.me, 200, 'a sign-in through idp took strict\'s administrator');
  assert.match(r.err, /belongs to someone else/);
  // the granting provider decides the role at each sign-in
  r = await signIn('strict');
  assert.equal(r.user?.role, 'user', 'strict no longer finds the admin claim: the role ends');
  idp.user = { sub: 'ops-1', email: 'ops@example.org', groups: ['dba'] };
  r = await signIn('strict');
  assert.equal(r.user?.role, 'admin', 'strict grants it again');
});

test('finding 11: two-factor cannot be required of oauth2 and webserver users (it does not cover them)', async () => {
  const a = await adminOf(t);
  for (const source of ['oauth2', 'webserver']) {
    const u = await a.post('api/v1/users', { email: `tf-${source}@example.org`, role: 'user', auth_source: source, ...(source === 'oauth2' ? { oauth2_provider: 'idp' } : {}) });
    assert.equal(u.status, 201, JSON.stringify(u.body));
    const r = await a.put(`api/v1/users/${u.body.user.id}/two-factor`, { required: true });
    assert.equal(r.status, 422, JSON.stringify(r.body));
    assert.equal(r.body.error.code, 'two_factor_not_covered');
    assert.match(r.body.error.message, new RegExp(source));
    assert.equal((await a.put(`api/v1/users/${u.body.user.id}/two-factor`, { required: false })).status, 200);
  }
  const i = await a.post('api/v1/users', { email: 'tf-internal@example.org', password: 'internal-password-1', role: 'user' });
  const r = await a.put(`api/v1/users/${i.body.user.id}/two-factor`, { required: true });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.user.two_factor_required, true);
});

test('finding 7: concurrent wrong passwords check no more guesses than the limit', async () => {
  const a = await adminOf(t);
  await a.post('api/v1/users', { email: 'race@example.org', password: 'race-password-1', role: 'user' });
  const rs = await Promise.all(Array.from({ length: 20 }, (_, i) =>
    new Client(t.url).post('api/v1/auth/login', { email: 'race@example.org', password: `guess-${i}` })));
  const checked = rs.filter((r) => r.status === 401).length;
  assert.ok(checked <= 5, `${checked} guesses were checked (MAX_LOGIN_ATTEMPTS 5)`);
  assert.ok(rs.every((r) => r.status === 401 || (r.status === 429 && r.body.error.code === 'login_paused')),
    JSON.stringify(rs.map((r) => r.status)));
  // and the pause holds for the right password too
  assert.equal((await new Client(t.url).post('api/v1/auth/login', { email: 'race@example.org', password: 'race-password-1' })).status, 429);
});

test('finding 12: a password typed as the name never reaches the audit or the log', async () => {
  const secret = 'Tr0ub4dor&3-typed-in-the-wrong-field';
  for (let i = 0; i < 5; i++) await new Client(t.url).post('api/v1/auth/login', { email: secret, password: 'x' });
  await new Client(t.url).post('api/v1/auth/login', { email: secret, password: 'x' }); // paused
  const a = await adminOf(t);
  const all = await a.get('api/v1/audit?limit=1000');
  const text = JSON.stringify(all.body);
  assert.ok(!text.includes('Tr0ub4dor'), 'the typed text is in the audit');
  assert.match(text, /unknown name [0-9a-f]{12}/);
  assert.ok(!readLog(t).includes('Tr0ub4dor'), 'the typed text is in the log');
  // a user's own name is still written
  await new Client(t.url).post('api/v1/auth/login', { email: ADMIN.email, password: 'wrong' });
  const mine = await a.get(`api/v1/audit?q=${encodeURIComponent(ADMIN.email)}&event=login_failed`);
  assert.ok(mine.body.total >= 1);
});

test('finding 12: the second step\'s counter is not a login name (2fa:<e-mail> typed pauses nothing)', async () => {
  const x = await tusk({});
  const a = await adminOf(x);
  await steadyStep();
  const setup = await a.post('api/v1/auth/two-factor/setup', {});
  await a.post('api/v1/auth/two-factor/confirm', { setup_token: setup.body.setup_token, code: totp(setup.body.secret, -1) });
  for (const name of [`2fa:${ADMIN.email}`, `2FA:1`, '2fa:1']) {
    for (let i = 0; i < 5; i++) await new Client(x.url).post('api/v1/auth/login', { email: name, password: `x${i}` });
  }
  const r = await new Client(x.url).post('api/v1/auth/login', ADMIN);
  assert.equal(r.body.second_step, 'totp');
  const s = await new Client(x.url).post('api/v1/auth/login/two-factor', { pending_token: r.body.pending_token, code: totp(setup.body.secret, 0) });
  assert.equal(s.status, 200, JSON.stringify(s.body));
});

test('finding 12: per-address limits count an IPv6 /64 as one client; oauth2 starts are limited per address', async () => {
  const x = await tusk({ TUSK_LOGIN_RATE_LIMIT: '5', TUSK_AUTHENTICATION_SOURCES: 'oauth2,internal',
    TUSK_OAUTH2_CONFIG: JSON.stringify([{ OAUTH2_NAME: 'idp', OAUTH2_CLIENT_ID: 'tusk', OAUTH2_CLIENT_SECRET: 'tusk-secret', OAUTH2_SERVER_METADATA_URL: meta }]) });
  // the loopback peer is a trusted proxy: X-Forwarded-For names the client
  const from = (addr) => ({ headers: { 'x-forwarded-for': addr } });
  const statuses = [];
  for (let i = 1; i <= 7; i++) {
    const r = await new Client(x.url).post('api/v1/auth/login', { email: `n${i}@example.org`, password: 'x' }, from(`2001:db8:1:2::${i.toString(16)}`));
    statuses.push(r.status);
  }
  assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429, 429], 'seven addresses of one /64 are one client');
  const other = await new Client(x.url).post('api/v1/auth/login', { email: 'o@example.org', password: 'x' }, from('2001:db8:1:3::1'));
  assert.equal(other.status, 401, 'the next /64 is another client');
  // starts: three times the login limit a minute per address
  const starts = [];
  for (let i = 0; i < 16; i++) starts.push((await new Client(x.url).get('api/v1/auth/oauth2/idp', from(`2001:db8:9:9::${i + 1}`))).status);
  assert.deepEqual(starts.slice(0, 15), Array(15).fill(302));
  assert.equal(starts[15], 429);
  // callbacks count with the starts (a flow's cookie is not single use)
  const cb = new Client(x.url);
  assert.equal((await cb.get('oauth2/authorize?state=s&code=c', from('2001:db8:9:9::99'))).status, 302);
  assert.match((await cb.get('api/v1/auth/oauth2/error')).body.message, /Too many sign-ins/);
});

test('finding 12: a configured redirect URL is used whatever Host the request carries', async () => {
  const fixed = 'https://tusk.example.org/oauth2/authorize';
  const x = await tusk({ TUSK_AUTHENTICATION_SOURCES: 'oauth2,internal', TUSK_OAUTH2_REDIRECT_URL: fixed,
    TUSK_OAUTH2_CONFIG: JSON.stringify([{ OAUTH2_NAME: 'idp', OAUTH2_CLIENT_ID: 'tusk', OAUTH2_CLIENT_SECRET: 'tusk-secret', OAUTH2_SERVER_METADATA_URL: meta }]) });
  for (const headers of [{}, { 'x-forwarded-host': 'attacker.example', 'x-forwarded-proto': 'https' }]) {
    const r = await new Client(x.url).get('api/v1/auth/oauth2/idp', { headers });
    assert.equal(r.status, 302);
    assert.equal(new URL(r.headers.get('location')).searchParams.get('redirect_uri'), fixed);
  }
});

test('finding 4: a provider that never answers cannot hold the server: one fetch, failures kept, others answer at once', async () => {
  const socks = [];
  let accepted = 0;
  const hole = createServer((s) => { accepted++; socks.push(s); s.on('error', () => {}); });
  await new Promise((r) => hole.listen(0, '127.0.0.1', r));
  try {
    const x = await tusk({ TUSK_MAX_CONNECTIONS: '100', TUSK_LOGIN_RATE_LIMIT: '100000', TUSK_AUTHENTICATION_SOURCES: 'oauth2,internal',
      TUSK_OAUTH2_CONFIG: JSON.stringify([{ OAUTH2_NAME: 'sso', OAUTH2_CLIENT_ID: 'tusk',
        OAUTH2_SERVER_METADATA_URL: `http://127.0.0.1:${hole.address().port}/.well-known/openid-configuration` }]) });
    const t0 = Date.now();
    const flood = Array.from({ length: 110 }, () => fetch(new URL('api/v1/auth/oauth2/sso', x.url), { redirect: 'manual' })
      .then((r) => ({ status: r.status, ms: Date.now() - t0 })).catch(() => ({ status: 'refused', ms: Date.now() - t0 })));
    await new Promise((r) => setTimeout(r, 1500));
    const l0 = Date.now();
    const login = await new Client(x.url).post('api/v1/auth/login', ADMIN);
    assert.equal(login.status, 200, 'an administrator still signs in during the stall');
    assert.ok(Date.now() - l0 < 3000);
    assert.equal((await fetch(new URL('misc/ping', x.url))).status, 200);
    const res = await Promise.all(flood);
    const answered = res.filter((r) => r.status === 302);
    assert.ok(answered.length >= 90, JSON.stringify(res.map((r) => r.status)));
    // all but the one that asked the provider answered at once
    assert.ok(answered.filter((r) => r.ms > 2000).length <= 1, JSON.stringify(answered.map((r) => r.ms)));
    assert.ok(Math.max(...answered.map((r) => r.ms)) < 12000, 'the one fetch ends within its timeout');
    assert.equal(accepted, 1, 'the provider was asked once');
    // the failure is kept: the next starts do not ask again
    const again = await fetch(new URL('api/v1/auth/oauth2/sso', x.url), { redirect: 'manual' });
    assert.equal(again.status, 302);
    assert.equal(accepted, 1);
  } finally {
    for (const s of socks) s.destroy();
    hole.close();
  }
});
