// The ldap sign-in source against Debian's slapd (tests/lib/slapd.mjs, fixture
// tests/fixtures/ldap-directory.ldif): search-then-bind with a service account or anonymously,
// direct bind, StartTLS and ldaps:// with the test CA (and refused with another CA), groups
// deciding admin / user / refused, auto-create, injection in the user name, the pause after
// wrong passwords, the directory down, and the password never kept.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startTusk, ADMIN, pgStore, storeUrlFor } from '../lib/tusk.mjs';
import { Client } from '../lib/http.mjs';
import { startSlapd, SLAPD, BASE } from '../lib/slapd.mjs';

const skip = !SLAPD && 'slapd is not installed (scripts/install-deps.sh --test)';
let ldap;
const running = [];

// Settings for search-then-bind with the service account and both groups.
function searchEnv(extra = {}) {
  return {
    TUSK_AUTHENTICATION_SOURCES: 'ldap,internal',
    TUSK_LDAP_SERVER_URI: ldap.url,
    TUSK_LDAP_BIND_USER: `cn=tusk-service,${BASE}`,
    TUSK_LDAP_BIND_PASSWORD: 'service-secret',
    TUSK_LDAP_SEARCH_BASE_DN: `ou=people,${BASE}`,
    TUSK_LDAP_ADMIN_GROUP: `cn=dba,ou=groups,${BASE}`,
    TUSK_LDAP_USER_GROUP: `cn=staff,ou=groups,${BASE}`,
    ...extra,
  };
}

async function tusk(env) {
  const t = await startTusk({ env });
  running.push(t);
  return t;
}

function login(t, username, password) {
  return new Client(t.url).post('api/v1/auth/login', { username, password });
}

before(async () => {
  if (!skip) ldap = await startSlapd();
});
after(async () => {
  for (const t of running) await t.stop();
  await ldap?.stop();
});

test('search-then-bind: groups make admin and user; outside both is refused; wrong and unknown fail alike', { skip }, async () => {
  const t = await tusk(searchEnv());
  const alice = await login(t, 'alice', 'alice-secret');
  assert.equal(alice.status, 200, JSON.stringify(alice.body));
  assert.equal(alice.body.user.email, 'alice');
  assert.equal(alice.body.user.role, 'admin');
  assert.equal(alice.body.user.auth_source, 'ldap');
  assert.equal(alice.body.user.password_set, false);
  const bob = await login(t, 'Bob', 'bob-secret');
  assert.equal(bob.status, 200);
  assert.equal(bob.body.user.email, 'bob', 'names are lower-cased: Bob and bob are one user');
  assert.equal(bob.body.user.role, 'user');
  const carol = await login(t, 'carol', 'carol-secret');
  assert.equal(carol.status, 403);
  assert.equal(carol.body.error.code, 'permission_denied');
  const wrong = await login(t, 'alice', 'not-it');
  const unknown = await login(t, 'zed', 'alice-secret');
  const empty = await login(t, 'alice', '');
  for (const r of [wrong, unknown, empty]) {
    assert.equal(r.status, 401);
    assert.equal(r.body.error.code, 'invalid_credentials');
  }
  // internal users still sign in (the second source), and LDAP users cannot change a Tusk password
  assert.equal((await new Client(t.url).post('api/v1/auth/login', ADMIN)).status, 200);
  const c = new Client(t.url);
  c.csrf = (await c.post('api/v1/auth/login', { username: 'bob', password: 'bob-secret' })).body.csrf_token;
  const change = await c.put('api/v1/auth/password', { current_password: 'bob-secret', new_password: 'x'.repeat(20) });
  assert.equal(change.status, 403);
  assert.match(change.body.error.message, /ldap source/);
});

test('a posixGroup (memberUid) makes administrators too; the role follows the directory at each sign-in', { skip }, async () => {
  const t = await tusk(searchEnv({ TUSK_LDAP_ADMIN_GROUP: `cn=ops,ou=groups,${BASE}` }));
  const bob = await login(t, 'bob', 'bob-secret');
  assert.equal(bob.status, 200);
  assert.equal(bob.body.user.role, 'admin');
  const alice = await login(t, 'alice', 'alice-secret');
  assert.equal(alice.status, 403, 'alice is in neither ops nor staff');
  const admin = new Client(t.url);
  admin.csrf = (await admin.post('api/v1/auth/login', ADMIN)).body.csrf_token;
  const before = (await admin.get('api/v1/users')).body.users.find((u) => u.email === 'bob');
  // an administrator's change of role lasts until the directory says otherwise at the next sign-in
  assert.equal((await admin.put(`api/v1/users/${before.id}`, { role: 'user' })).status, 200);
  assert.equal((await login(t, 'bob', 'bob-secret')).body.user.role, 'admin');
  const audit = JSON.stringify((await admin.get('api/v1/audit?event=user_role_changed')).body);
  assert.match(audit, /role admin from the directory/);
});

test('hostile user names never widen the search or the bind', { skip }, async () => {
  const t = await tusk(searchEnv());
  // each, unescaped, would find alice (whose password is sent) or more than one entry
  for (const name of ['al*', '*', 'alice)(uid=*', '*)(|(uid=*', 'alice\\', 'al\\2a', 'alice\u0000', '(uid=alice)']) {
    const r = await login(t, name, 'alice-secret');
    assert.notEqual(r.status, 200, `${JSON.stringify(name)} signed in`);
    assert.ok(r.status === 401 || r.status === 400, `${JSON.stringify(name)}: ${r.status}`);
  }
  const direct = await tusk({
    TUSK_AUTHENTICATION_SOURCES: 'ldap',
    TUSK_LDAP_SERVER_URI: ldap.url,
    TUSK_LDAP_BASE_DN: BASE,
  });
  // unescaped, uid=alice,ou=people + the base is alice's own DN
  for (const name of ['alice,ou=people', 'alice+cn=x', 'dora,', '#dora']) {
    const r = await login(direct, name, name.includes('alice') ? 'alice-secret' : 'dora-secret');
    assert.notEqual(r.status, 200, `${JSON.stringify(name)} signed in by direct bind`);
  }
  // slapd ignores the escaped leading space: that is dora's own entry, and Tusk names the
  // account by the entry (tests/api/signin-ldap-names.test.mjs), so it is dora, no new account
  const spaced = await login(direct, ' dora', 'dora-secret');
  assert.equal(spaced.body.user?.email, 'dora', JSON.stringify(spaced.body));
  assert.equal((await login(direct, 'dora', 'dora-secret')).status, 200, 'direct bind works for a plain name');
});

test('direct bind and anonymous search; no group settings: every directory user is a user', { skip }, async () => {
  const direct = await tusk({
    PGADMIN_CONFIG_AUTHENTICATION_SOURCES: "['ldap']",
    PGADMIN_CONFIG_LDAP_SERVER_URI: `'${ldap.url}'`,
    PGADMIN_CONFIG_LDAP_BASE_DN: `'${BASE}'`,
    PGADMIN_CONFIG_LDAP_USERNAME_ATTRIBUTE: "'uid'",
  });
  const dora = await login(direct, 'dora', 'dora-secret');
  assert.equal(dora.status, 200, JSON.stringify(dora.body));
  assert.equal(dora.body.user.role, 'user');
  assert.equal((await login(direct, 'dora', 'wrong')).status, 401);
  // only ldap: the internal administrator's password opens nothing
  assert.equal((await new Client(direct.url).post('api/v1/auth/login', ADMIN)).status, 401);
  assert.deepEqual((await new Client(direct.url).get('api/v1/auth/sources')).body.sources, ['ldap']);

  const anon = await tusk({
    TUSK_AUTHENTICATION_SOURCES: 'ldap',
    TUSK_LDAP_SERVER_URI: ldap.url,
    TUSK_LDAP_ANONYMOUS_BIND: 'true',
    TUSK_LDAP_SEARCH_BASE_DN: BASE,
    TUSK_LDAP_SEARCH_FILTER: `(memberOf=*)`,
  });
  // the filter is ANDed: memberOf is not kept by this directory, so nobody matches
  assert.equal((await login(anon, 'bob', 'bob-secret')).status, 401);
  const anon2 = await tusk({
    TUSK_AUTHENTICATION_SOURCES: 'ldap',
    TUSK_LDAP_SERVER_URI: ldap.url,
    TUSK_LDAP_ANONYMOUS_BIND: 'true',
    TUSK_LDAP_SEARCH_BASE_DN: BASE,
    TUSK_LDAP_SEARCH_FILTER: 'objectClass=inetOrgPerson',
  });
  assert.equal((await login(anon2, 'bob', 'bob-secret')).status, 200);
  assert.equal((await login(anon2, 'dora', 'dora-secret')).status, 200, 'subtree scope finds entries right under the base');
  const level = await tusk({
    TUSK_AUTHENTICATION_SOURCES: 'ldap',
    TUSK_LDAP_SERVER_URI: ldap.url,
    TUSK_LDAP_ANONYMOUS_BIND: 'true',
    TUSK_LDAP_SEARCH_BASE_DN: BASE,
    TUSK_LDAP_SEARCH_SCOPE: 'level',
  });
  assert.equal((await login(level, 'dora', 'dora-secret')).status, 200);
  assert.equal((await login(level, 'bob', 'bob-secret')).status, 401, 'level scope does not reach ou=people');
});

test('StartTLS and ldaps:// with the test CA; another CA is refused, as is a directory that is down', { skip }, async () => {
  const starttls = await tusk(searchEnv({ TUSK_LDAP_USE_STARTTLS: 'true', TUSK_LDAP_CA_CERT_FILE: ldap.caFile }));
  const viaStartTls = await login(starttls, 'alice', 'alice-secret');
  assert.equal(viaStartTls.status, 200, JSON.stringify(viaStartTls.body) + starttls.output().slice(-800));
  const ldaps = await tusk(searchEnv({
    TUSK_LDAP_SERVER_URI: ldap.ldapsUrl,
    PGADMIN_CONFIG_LDAP_CA_CERT_FILE: `'${ldap.caFile}'`,
    TUSK_LDAP_BIND_PASSWORD: undefined,
    TUSK_LDAP_BIND_PASSWORD_FILE: join(ldap.dir, 'bind-password'),
  }));
  const viaLdaps = await login(ldaps, 'alice', 'alice-secret');
  assert.equal(viaLdaps.status, 200, JSON.stringify(viaLdaps.body) + ldaps.output().slice(-800));
  const wrongCa = await tusk(searchEnv({ TUSK_LDAP_SERVER_URI: ldap.ldapsUrl, TUSK_LDAP_CA_CERT_FILE: ldap.otherCaFile }));
  const refused = await login(wrongCa, 'alice', 'alice-secret');
  assert.equal(refused.status, 503);
  assert.equal(refused.body.error.code, 'signin_unavailable');
  const wrongCaStartTls = await tusk(searchEnv({ TUSK_LDAP_USE_STARTTLS: 'true', TUSK_LDAP_CA_CERT_FILE: ldap.otherCaFile }));
  assert.equal((await login(wrongCaStartTls, 'alice', 'alice-secret')).status, 503);
  const down = await tusk(searchEnv({ TUSK_LDAP_SERVER_URI: 'ldap://127.0.0.1:9', TUSK_LDAP_CONNECTION_TIMEOUT: '2' }));
  const r = await login(down, 'alice', 'alice-secret');
  assert.equal(r.status, 503);
  assert.match(r.body.error.message, /LDAP directory cannot be reached/);
  // the internal source after it still works
  assert.equal((await new Client(down.url).post('api/v1/auth/login', ADMIN)).status, 200);
});

test('wrong LDAP passwords pause logins like wrong Tusk passwords', { skip }, async () => {
  const t = await tusk(searchEnv({ TUSK_MAX_LOGIN_ATTEMPTS: '3' }));
  for (let i = 0; i < 3; i++) assert.equal((await login(t, 'bob', `wrong-${i}`)).status, 401);
  const paused = await login(t, 'bob', 'bob-secret');
  assert.equal(paused.status, 429);
  assert.equal(paused.body.error.code, 'login_paused');
  assert.equal((await login(t, 'alice', 'alice-secret')).status, 200, 'other names are not paused');
});

test('without auto-create only users an administrator made sign in; names of other sources are refused', { skip }, async () => {
  const t = await tusk(searchEnv({ PGADMIN_CONFIG_LDAP_AUTO_CREATE_USER: 'False' }));
  const r = await login(t, 'bob', 'bob-secret');
  assert.equal(r.status, 403);
  assert.match(r.body.error.message, /no Tusk user 'bob'/);
  const admin = new Client(t.url);
  admin.csrf = (await admin.post('api/v1/auth/login', ADMIN)).body.csrf_token;
  assert.equal((await admin.post('api/v1/users', { email: 'bob', auth_source: 'ldap' })).status, 201);
  assert.equal((await login(t, 'bob', 'bob-secret')).status, 200);
  // an internal user of the same name is not taken over by the directory's
  assert.equal((await admin.post('api/v1/users', { email: 'alice@example.org', password: 'internal-password-1' })).status, 201);
  const clash = await tusk(searchEnv({ TUSK_LDAP_USERNAME_ATTRIBUTE: 'mail' }));
  const ca = new Client(clash.url);
  ca.csrf = (await ca.post('api/v1/auth/login', ADMIN)).body.csrf_token;
  assert.equal((await ca.post('api/v1/users', { email: 'alice@example.org', password: 'internal-password-1' })).status, 201);
  const taken = await login(clash, 'alice@example.org', 'alice-secret');
  assert.equal(taken.status, 403);
  assert.match(taken.body.error.message, /internal source/);
});

test("pgAdmin's LDAP_BIND_PASSWORD works and leaves the process environment", { skip }, async () => {
  const t = await tusk(searchEnv({ TUSK_LDAP_BIND_PASSWORD: undefined, PGADMIN_CONFIG_LDAP_BIND_PASSWORD: "'service-secret'" }));
  assert.equal((await login(t, 'alice', 'alice-secret')).status, 200);
  assert.match(t.output(), /pgAdmin setting key=LDAP_BIND_PASSWORD outcome=applied/);
  assert.ok(!t.output().includes('service-secret'), 'not in the log');
  const environ = readFileSync(`/proc/${t.proc.pid}/environ`);
  assert.ok(environ.includes('PGADMIN_CONFIG_LDAP_BIND_PASSWORD='), 'the variable is still there');
  assert.ok(!environ.includes('service-secret'), 'its value is blanked');
  const t2 = await tusk(searchEnv({ TUSK_LDAP_BIND_PASSWORD: 'service-secret' }));
  assert.ok(!readFileSync(`/proc/${t2.proc.pid}/environ`).includes('service-secret'));
});

test('the directory password is kept nowhere: data directory, store, log', { skip }, async () => {
  const t = await tusk(searchEnv());
  assert.equal((await login(t, 'alice', 'alice-secret')).status, 200);
  await t.stop();
  running.splice(running.indexOf(t), 1);
  const files = [];
  const walk = (d) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else files.push(p);
    }
  };
  walk(t.dataDir);
  for (const f of files) assert.ok(!readFileSync(f).includes('alice-secret'), `${f} holds the password`);
  assert.ok(!readFileSync(t.logPath).includes('alice-secret'));
  if (pgStore) {
    const dump = execFileSync('pg_dump', ['-d', storeUrlFor(t.dataDir)], { encoding: 'utf8' });
    assert.match(dump, /!external/, 'the dump has the LDAP user');
    assert.ok(!dump.includes('alice-secret'), 'the store holds the password');
  } else {
    const db = files.find((f) => /tusk\.db$/.test(f));
    assert.ok(db, 'the SQLite store is in the data directory');
    const hash = execFileSync('sqlite3', [db, "SELECT password_hash || ' ' || auth_source FROM users WHERE email = 'alice'"], { encoding: 'utf8' }).trim();
    assert.equal(hash, '!external ldap');
  }
});
