// A slow or black-holed LDAP directory must not stall Tusk: a listener on 127.0.0.1 that
// accepts connections (and TLS's ClientHello, for ldaps://) and never answers. Each LDAP
// sign-in gives up after LDAP_CONNECTION_TIMEOUT in all (not per step), at most
// TUSK_LDAP_MAX_SIGN_INS run at once (the next get 503 at once, with Retry-After), and everyone
// else — internal sign-ins, signed-in users' requests — is served meanwhile.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { startTusk, ADMIN } from '../lib/tusk.mjs';
import { Client } from '../lib/http.mjs';

let hole, sockets = [];
const running = [];
before(async () => {
  hole = createServer((s) => {
    sockets.push(s); // accepted, read, never answered
    s.on('error', () => {});
    s.resume();
  });
  await new Promise((r) => hole.listen(0, '127.0.0.1', r));
});
after(async () => {
  for (const t of running) await t.stop();
  for (const s of sockets) s.destroy();
  await new Promise((r) => hole.close(r));
});

async function tusk(extra = {}) {
  const t = await startTusk({
    env: {
      TUSK_AUTHENTICATION_SOURCES: 'ldap,internal',
      TUSK_LDAP_SERVER_URI: `ldap://127.0.0.1:${hole.address().port}`,
      TUSK_LDAP_BIND_USER: 'cn=tusk-service,dc=example,dc=org',
      TUSK_LDAP_BIND_PASSWORD: 'service-secret',
      TUSK_LDAP_SEARCH_BASE_DN: 'ou=people,dc=example,dc=org',
      TUSK_LDAP_CONNECTION_TIMEOUT: '2',
      TUSK_LOGIN_RATE_LIMIT: '1000',
      ...extra,
    },
  });
  running.push(t);
  return t;
}

async function timed(p) {
  const t0 = Date.now();
  const r = await p;
  return { r, ms: Date.now() - t0 };
}

const ldapLogin = (t, i = 0) => new Client(t.url).post('api/v1/auth/login', { username: `user${i}`, password: 'whatever-secret' });

test('a black-holed directory: the sign-in gives up after LDAP_CONNECTION_TIMEOUT with a clear 503', async () => {
  const t = await tusk();
  const { r, ms } = await timed(ldapLogin(t));
  assert.equal(r.status, 503, JSON.stringify(r.body));
  assert.equal(r.body.error.code, 'signin_unavailable');
  assert.ok(ms >= 1500 && ms < 4500, `gave up after ${ms} ms (timeout 2 s)`);
});

test('ldaps:// and StartTLS to a black hole (TLS never answered) give up in time too', async () => {
  // before: libldap's timeouts do not cover the TLS handshake, and this sign-in waited for ever
  const ldaps = await tusk({ TUSK_LDAP_SERVER_URI: `ldaps://127.0.0.1:${hole.address().port}` });
  const a = await timed(ldapLogin(ldaps));
  assert.equal(a.r.status, 503, JSON.stringify(a.r.body));
  assert.ok(a.ms >= 1500 && a.ms < 4500, `ldaps:// gave up after ${a.ms} ms (timeout 2 s)`);
  const starttls = await tusk({ TUSK_LDAP_USE_STARTTLS: 'true' });
  const b = await timed(ldapLogin(starttls));
  assert.equal(b.r.status, 503, JSON.stringify(b.r.body));
  assert.ok(b.ms >= 1500 && b.ms < 4500, `StartTLS gave up after ${b.ms} ms (timeout 2 s)`);
});

test('LDAP sign-ins are bounded: past TUSK_LDAP_MAX_SIGN_INS, 503 at once; everyone else is served meanwhile', async () => {
  const t = await tusk({ TUSK_LDAP_MAX_SIGN_INS: '4' });
  const admin = new Client(t.url);
  // signed in before the storm, through the internal source (the directory is asked first)
  const signedIn = await admin.post('api/v1/auth/login', ADMIN);
  assert.equal(signedIn.status, 200, JSON.stringify(signedIn.body));
  admin.csrf = signedIn.body.csrf_token;

  const storm = Array.from({ length: 12 }, (_, i) => timed(ldapLogin(t, i)));
  await new Promise((r) => setTimeout(r, 300));
  // while four sign-ins wait on the directory, the rest are turned away at once...
  const busy = await timed(ldapLogin(t, 99));
  assert.equal(busy.r.status, 503, JSON.stringify(busy.r.body));
  assert.match(busy.r.body.error.message, /waiting for the LDAP directory/);
  assert.ok(Number(busy.r.headers.get('retry-after')) >= 1);
  assert.ok(busy.ms < 1000, `turned away after ${busy.ms} ms`);
  // ...and everyone else is served at once: a signed-in user's request, an internal sign-in
  const me = await timed(admin.get('api/v1/auth/me'));
  assert.equal(me.r.status, 200);
  assert.ok(me.ms < 1000, `a signed-in request took ${me.ms} ms`);
  const ping = await timed(fetch(`${t.url}misc/ping`));
  assert.equal(ping.r.status, 200);
  assert.ok(ping.ms < 1000);

  const results = await Promise.all(storm);
  const waited = results.filter((x) => x.ms >= 1500);
  const turnedAway = results.filter((x) => x.ms < 1000);
  assert.equal(waited.length, 4, `four asked the directory: ${results.map((x) => x.ms).join(', ')}`);
  assert.equal(turnedAway.length, 8);
  for (const x of results) assert.equal(x.r.status, 503);
  for (const x of waited) assert.ok(x.ms < 4500, `each gave up in time: ${x.ms} ms`);
  // once they gave up, LDAP sign-ins are asked again
  const later = await timed(ldapLogin(t, 100));
  assert.equal(later.r.status, 503);
  assert.ok(later.ms >= 1500, 'the directory was asked again');
});
