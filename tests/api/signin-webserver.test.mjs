// The webserver sign-in source (a trusted proxy names the user in a header): believed only from
// TUSK_TRUSTED_PROXIES, refused from any other address; users created on first sign-in or
// refused; a login session like a password login's (cookie, CSRF); no Tusk password; saved
// server passwords kept across sign-ins (the data key wrapped under the server's secret). Also
// the sources' settings: Tusk's and pgAdmin's names, bad names refused at start, oauth2 named.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { startTusk, runTusk, tempDir, ADMIN } from '../lib/tusk.mjs';
import { Client } from '../lib/http.mjs';
import { pg } from '../lib/pg.mjs';
import { join } from 'node:path';

// A POST from a chosen local address (127.0.0.2 is loopback but not the trusted 127.0.0.1).
function postFrom(base, path, headers, localAddress) {
  return new Promise((res, rej) => {
    const u = new URL(path, base);
    const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', localAddress,
      headers: { 'content-type': 'application/json', ...headers } }, (r) => {
      let body = '';
      r.on('data', (c) => (body += c));
      r.on('end', () => res({ status: r.statusCode, headers: r.headers, body: body ? JSON.parse(body) : null }));
    });
    req.on('error', rej);
    req.end('{}');
  });
}

// A client signed in through the proxy's header.
async function signedIn(t, name, header = 'X-Forwarded-User') {
  const c = new Client(t.url);
  const res = await c.post('api/v1/auth/webserver', {}, { headers: { [header]: name } });
  c.csrf = res.body?.csrf_token;
  return { c, res };
}

let t, strict;
before(async () => {
  t = await startTusk({ env: { TUSK_AUTHENTICATION_SOURCES: 'webserver,internal', TUSK_TRUSTED_PROXIES: '127.0.0.1/32' } });
  strict = await startTusk({ env: {
    PGADMIN_CONFIG_AUTHENTICATION_SOURCES: "['webserver', 'internal']",
    PGADMIN_CONFIG_WEBSERVER_AUTO_CREATE_USER: 'False',
    PGADMIN_CONFIG_WEBSERVER_REMOTE_USER: "'X_Auth_User'",
    TUSK_TRUSTED_PROXIES: '127.0.0.1/32',
  } });
});
after(async () => {
  await t?.stop();
  await strict?.stop();
});

test('the login page learns the sources in their order', async () => {
  const c = new Client(t.url);
  assert.deepEqual((await c.get('api/v1/auth/sources')).body.sources, ['webserver', 'internal']);
  assert.deepEqual((await new Client(strict.url).get('api/v1/auth/sources')).body.sources, ['webserver', 'internal']);
});

test('a trusted proxy signs a new user in: session cookie, CSRF, source shown, no password to change', async () => {
  const { c, res } = await signedIn(t, 'Alice@Example.org');
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.user.email, 'alice@example.org');
  assert.equal(res.body.user.auth_source, 'webserver');
  assert.equal(res.body.user.role, 'user');
  assert.equal(res.body.user.password_set, false);
  assert.ok(c.cookies.get('tusk_session'));
  const me = await c.get('api/v1/auth/me');
  assert.equal(me.status, 200);
  assert.equal(me.body.user.email, 'alice@example.org');
  // state changes need the CSRF token as for a password login
  const noCsrf = await c.request('PUT', 'api/v1/auth/password', { json: { current_password: 'x', new_password: 'y'.repeat(20) }, csrf: false });
  assert.equal(noCsrf.status, 403);
  assert.equal(noCsrf.body.error.code, 'csrf_failed');
  const change = await c.put('api/v1/auth/password', { current_password: 'x', new_password: 'y'.repeat(20) });
  assert.equal(change.status, 403);
  assert.match(change.body.error.message, /webserver source/);
  // a password login as that user is refused: Tusk keeps no password of it
  const pw = await new Client(t.url).post('api/v1/auth/login', { email: 'alice@example.org', password: '' });
  assert.notEqual(pw.status, 200);
  const out = await c.post('api/v1/auth/logout', {});
  assert.equal(out.status, 200);
  assert.equal(out.body.webserver, true);
  assert.match(out.body.message, /proxy .* signs you in again/);
  assert.equal((await c.get('api/v1/auth/me')).status, 401);
});

test('only the configured header names the user; the same user signs in again', async () => {
  // X-Forwarded-User is the one read here: another header (Remote-User) names nobody
  assert.equal((await signedIn(t, 'alice@example.org', 'Remote-User')).res.status, 401);
  const { res } = await signedIn(t, 'alice@example.org');
  assert.equal(res.status, 200);
  assert.equal(res.body.user.email, 'alice@example.org');
  const admin = new Client(t.url);
  admin.csrf = (await admin.post('api/v1/auth/login', ADMIN)).body.csrf_token;
  const users = (await admin.get('api/v1/users')).body.users.filter((u) => u.email === 'alice@example.org');
  assert.equal(users.length, 1, 'one user, not one per sign-in');
  assert.equal(users[0].auth_source, 'webserver');
  // an administrator cannot give it a Tusk password
  const reset = await admin.put(`api/v1/users/${users[0].id}`, { password: 'a-long-enough-password' });
  assert.equal(reset.status, 400);
  assert.match(reset.body.error.message, /webserver source/);
});

test('when the proxy names someone else, the old session ends', async () => {
  const { c, res } = await signedIn(t, 'frank@example.org');
  assert.equal(res.status, 200);
  assert.equal((await c.get('api/v1/auth/me', { headers: { 'X-Forwarded-User': 'frank@example.org' } })).status, 200);
  assert.equal((await c.get('api/v1/auth/me')).status, 200, 'a request without the header says nothing');
  const other = await c.get('api/v1/auth/me', { headers: { 'X-Forwarded-User': 'grace@example.org' } });
  assert.equal(other.status, 401);
  assert.match(other.body.error.message, /signs in someone else/);
  assert.equal((await c.get('api/v1/auth/me')).status, 401, 'the session is gone, not only that request');
  // an internal user's session is not the proxy's to end
  const admin = new Client(t.url);
  admin.csrf = (await admin.post('api/v1/auth/login', ADMIN)).body.csrf_token;
  assert.equal((await admin.get('api/v1/auth/me', { headers: { 'X-Forwarded-User': 'grace@example.org' } })).status, 200);
});

test('the header is refused from an address that is not a trusted proxy', async () => {
  const res = await postFrom(t.url, 'api/v1/auth/webserver', { 'X-Forwarded-User': 'admin@tusk.local' }, '127.0.0.2');
  assert.equal(res.status, 403);
  assert.equal(res.body.error.code, 'forbidden');
  assert.match(res.body.error.message, /trusted proxy/);
  assert.equal(res.headers['set-cookie'], undefined);
  // X-Forwarded-For from the untrusted address changes nothing
  const spoof = await postFrom(t.url, 'api/v1/auth/webserver',
    { 'X-Forwarded-User': 'mallory@example.org', 'X-Forwarded-For': '127.0.0.1' }, '127.0.0.2');
  assert.equal(spoof.status, 403);
  // the same request from the trusted address works: the address made the difference
  const ok = await postFrom(t.url, 'api/v1/auth/webserver', { 'X-Forwarded-User': 'bob@example.org' }, '127.0.0.1');
  assert.equal(ok.status, 200);
  const log = (await (async () => {
    const admin = new Client(t.url);
    admin.csrf = (await admin.post('api/v1/auth/login', ADMIN)).body.csrf_token;
    return (await admin.get('api/v1/audit?event=login_failed')).body;
  })());
  assert.match(JSON.stringify(log), /not a trusted proxy/);
});

test('bad names and names of other sources are refused', async () => {
  const none = await new Client(t.url).post('api/v1/auth/webserver', {});
  assert.equal(none.status, 401);
  assert.match(none.body.error.message, /named no user/);
  // the proxy cannot hand out the internal administrator's account
  const internal = await signedIn(t, ADMIN.email);
  assert.equal(internal.res.status, 403);
  assert.match(internal.res.body.error.message, /internal source/);
  assert.equal(internal.c.cookies.size, 0);
  const long = await signedIn(t, 'x'.repeat(300));
  assert.equal(long.res.status, 403);
  const desk = await signedIn(t, 'desktop@tusk.local');
  assert.equal(desk.res.status, 403);
  // a login form cannot post it across sites: JSON only
  const form = await new Client(t.url).request('POST', 'api/v1/auth/webserver',
    { body: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded', 'X-Forwarded-User': 'carol@example.org' } });
  assert.equal(form.status, 415);
});

test('without auto-create an unknown user is refused until an administrator creates it', async () => {
  const unknown = await signedIn(strict, 'dave', 'X-Auth-User');
  assert.equal(unknown.res.status, 403);
  assert.match(unknown.res.body.error.message, /no Tusk user 'dave'/);
  // pgAdmin's REMOTE_USER style name: X_Auth_User is the header X-Auth-User; X-Forwarded-User is not read
  assert.equal((await signedIn(strict, 'dave', 'X-Forwarded-User')).res.status, 401);
  const admin = new Client(strict.url);
  admin.csrf = (await admin.post('api/v1/auth/login', ADMIN)).body.csrf_token;
  const withPw = await admin.post('api/v1/users', { email: 'dave', auth_source: 'webserver', password: 'a-long-enough-password' });
  assert.equal(withPw.status, 400);
  const made = await admin.post('api/v1/users', { email: 'dave', auth_source: 'webserver', role: 'admin' });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  assert.equal(made.body.user.auth_source, 'webserver');
  const known = await signedIn(strict, 'dave', 'X-Auth-User');
  assert.equal(known.res.status, 200);
  assert.equal(known.res.body.user.role, 'admin');
  assert.equal((await known.c.get('api/v1/users')).status, 200, 'an administrator through the proxy');
  // disabled: refused
  await admin.put(`api/v1/users/${made.body.user.id}`, { active: false });
  assert.equal((await signedIn(strict, 'dave', 'X-Auth-User')).res.status, 403);
});

test('a saved server password survives the next sign-in through the proxy', async () => {
  const first = await signedIn(t, 'erin@example.org');
  const id = (await first.c.post('api/v1/servers', { name: 'pg', host: pg.host, port: pg.port, username: pg.user })).body.server.id;
  const conn = await first.c.post(`api/v1/servers/${id}/connect`, { password: pg.password, save_password: true });
  assert.equal(conn.status, 200, JSON.stringify(conn.body));
  await first.c.post('api/v1/auth/logout', {});
  const again = await signedIn(t, 'erin@example.org');
  assert.equal((await again.c.get(`api/v1/servers/${id}`)).body.server.has_saved_password, true);
  const reconnect = await again.c.post(`api/v1/servers/${id}/connect`, {});
  assert.equal(reconnect.status, 200, JSON.stringify(reconnect.body));
});

test('with webserver not among the sources the route is off, and the header means nothing', async () => {
  const plain = await startTusk({});
  try {
    const res = await signedIn(plain, 'alice@example.org');
    assert.equal(res.res.status, 404);
    assert.deepEqual((await new Client(plain.url).get('api/v1/auth/sources')).body.sources, ['internal']);
  } finally {
    await plain.stop();
  }
});

test('sources: bad names refused at start; oauth2 without providers refused', async () => {
  const dir = join(tempDir(), 'data');
  const bad = await runTusk({ env: { TUSK_AUTHENTICATION_SOURCES: 'internal,kerberos' }, args: ['--data-dir', dir, '--port', '0'] });
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /'kerberos' is not one of internal, ldap, webserver, oauth2/);
  const twice = await runTusk({ args: ['--data-dir', dir, '--port', '0', '--authentication-sources', 'internal,internal'] });
  assert.match(twice.stderr, /named twice/);
  const only = await runTusk({ env: { PGADMIN_CONFIG_AUTHENTICATION_SOURCES: "['oauth2', 'internal']" }, args: ['--data-dir', dir, '--port', '0'] });
  assert.notEqual(only.code, 0);
  assert.match(only.stderr, /the oauth2 source needs its providers/);
  const noUri = await runTusk({ env: { TUSK_AUTHENTICATION_SOURCES: 'ldap' }, args: ['--data-dir', dir, '--port', '0'] });
  assert.match(noUri.stderr, /needs the LDAP server's URI/);
});

test('tusk user set-password refuses a proxy user (its data key is not a password\'s)', async () => {
  const { res } = await signedIn(t, 'henry@example.org');
  assert.equal(res.status, 200);
  const set = await runTusk({ args: ['user', 'set-password', 'henry@example.org', '--data-dir', t.dataDir], input: 'a-long-enough-password\n' });
  assert.notEqual(set.code, 0);
  assert.match(set.stderr, /webserver source/);
  // still signs in through the proxy, its key intact
  assert.equal((await signedIn(t, 'henry@example.org')).res.status, 200);
});

test('only the one configured header is read: a client cannot add another the proxy passes through (attacker round 4)', async () => {
  // a Traefik ForwardAuth in front overwrites Remote-User only; a client-sent X-Forwarded-User
  // passes through. With two names read, the client's came first and named an administrator.
  const traefik = await startTusk({ env: {
    TUSK_AUTHENTICATION_SOURCES: 'webserver,internal', TUSK_TRUSTED_PROXIES: '127.0.0.1/32', TUSK_WEBSERVER_REMOTE_USER: 'Remote-User',
  } });
  try {
    const admin = new Client(traefik.url);
    admin.csrf = (await admin.post('api/v1/auth/login', ADMIN)).body.csrf_token;
    assert.equal((await admin.post('api/v1/users', { email: 'boss@example.org', auth_source: 'webserver', role: 'admin' })).status, 201);
    const c = new Client(traefik.url);
    const res = await c.post('api/v1/auth/webserver', {}, { headers: { 'Remote-User': 'mallory@example.org', 'X-Forwarded-User': 'boss@example.org' } });
    assert.equal(res.status, 200, res.raw);
    assert.equal(res.body.user.email, 'mallory@example.org');
    assert.equal(res.body.user.role, 'user');
  } finally {
    await traefik.stop();
  }
  // a list of names is refused at start, with why
  const dir = join(tempDir(), 'data');
  const list = await runTusk({ env: { TUSK_WEBSERVER_REMOTE_USER: 'X-Forwarded-User,Remote-User' }, args: ['--data-dir', dir, '--port', '0'] });
  assert.notEqual(list.code, 0);
  assert.match(list.stderr, /names one header/);
});

test('names that look like other names are refused, and names a directory tells apart stay apart (outsider round 6)', async () => {
  // a header carries bytes: the proxy sends the name as UTF-8
  const as = (name) => signedIn(t, Buffer.from(name, 'utf8').toString('latin1'));
  const alice = await as('lookalike@example.org');
  assert.equal(alice.res.status, 200, JSON.stringify(alice.res.body));
  const aliceId = alice.res.body.user.id;
  // invisible and format characters, compatibility forms: refused, never taken for alice
  for (const name of ['look\u00adalike@example.org', 'look\u200dalike@example.org', 'look\u200balike@example.org',
    'lookalike@example.org\ufe0f', 'look\u2060alike@example.org', 'ｌｏｏｋａｌｉｋｅ@example.org', 'look\u034falike@example.org',
    // not composed: the Kelvin sign's composed form is K, a decomposed é is é (outsider round 7)
    'loo\u212aalike@example.org', 'looka\u0301like@example.org']) {
    const r = await as(name);
    assert.equal(r.res.status, 403, `${JSON.stringify(name)}: ${JSON.stringify(r.res.body)}`);
    assert.match(r.res.body.error.message, /invisible or compatibility characters|not composed/);
  }
  // case is one name; ß and ss are two (lower case, not case folding)
  const upper = await as('LookAlike@Example.org');
  assert.equal(upper.res.body.user.id, aliceId);
  const strasse = await as('strasse@example.org');
  const strasze = await as('straße@example.org');
  assert.equal(strasse.res.status, 200);
  assert.equal(strasze.res.status, 200);
  assert.notEqual(strasse.res.body.user.id, strasze.res.body.user.id, 'straße is not strasse');
  assert.equal((await as('STRAẞE@example.org')).res.body.user.id, strasze.res.body.user.id);
});
