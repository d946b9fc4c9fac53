// Users of the oauth2 source are keyed by (provider, subject), not by the name a claim carries.
// Two real providers on 127.0.0.1 (tests/lib/idp.mjs, each its own issuer and keys) and a
// GitHub-shaped one where users choose their own login. The attacks replayed: provider B's user
// whose username claim is provider A's user's name; a self-chosen login equal to an
// administrator's name at the other provider; a second account of the same provider reusing a
// name; a pre-made user claimed through the wrong provider. And the upgrade path of users made
// before subjects were kept (no provider recorded), with the operator's `tusk user set-provider`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startTusk, runTusk, pgStore, storeUrlFor, ADMIN } from '../lib/tusk.mjs';
import { Client } from '../lib/http.mjs';
import { startIdp } from '../lib/idp.mjs';

let idpA, idpB, t, env;
before(async () => {
  idpA = await startIdp();
  idpB = await startIdp();
  const providers = `[
    {'OAUTH2_NAME': 'corp', 'OAUTH2_DISPLAY_NAME': 'Corp SSO', 'OAUTH2_CLIENT_ID': 'tusk', 'OAUTH2_CLIENT_SECRET': 'tusk-secret',
     'OAUTH2_SERVER_METADATA_URL': '${idpA.issuer}/.well-known/openid-configuration', 'OAUTH2_SCOPE': 'openid email',
     'OAUTH2_ADMIN_CLAIMS': {'groups': 'dba'}},
    {'OAUTH2_NAME': 'partner', 'OAUTH2_CLIENT_ID': 'tusk', 'OAUTH2_CLIENT_SECRET': 'tusk-secret',
     'OAUTH2_SERVER_METADATA_URL': '${idpB.issuer}/.well-known/openid-configuration', 'OAUTH2_SCOPE': 'openid email'},
    {'OAUTH2_NAME': 'gh', 'OAUTH2_CLIENT_ID': 'gh', 'OAUTH2_CLIENT_SECRET': 'gh-secret',
     'OAUTH2_AUTHORIZATION_URL': '${idpB.issuer}/login/oauth/authorize', 'OAUTH2_TOKEN_URL': '${idpB.issuer}/login/oauth/access_token',
     'OAUTH2_API_BASE_URL': '${idpB.issuer}/api/', 'OAUTH2_USERINFO_ENDPOINT': 'user', 'OAUTH2_USERNAME_CLAIM': 'login'},
  ]`;
  env = { PGADMIN_CONFIG_AUTHENTICATION_SOURCES: "['oauth2', 'internal']", PGADMIN_CONFIG_OAUTH2_CONFIG: providers };
  t = await startTusk({ env });
});
after(async () => {
  await t?.stop();
  await idpA?.stop();
  await idpB?.stop();
});

async function signIn(provider) {
  const c = new Client(t.url);
  const start = await c.get(`api/v1/auth/oauth2/${provider}`);
  assert.equal(start.status, 302, JSON.stringify(start.body));
  const atIdp = await fetch(start.headers.get('location'), { redirect: 'manual' });
  const cb = await c.get(atIdp.headers.get('location'));
  const ok = cb.headers.get('location') === '/';
  const message = ok ? '' : (await c.get('api/v1/auth/oauth2/error')).body.message;
  const me = ok ? (await c.get('api/v1/auth/me')).body.user : null;
  return { ok, message, me, c };
}

async function admin() {
  const c = new Client(t.url);
  c.csrf = (await c.post('api/v1/auth/login', ADMIN)).body.csrf_token;
  return c;
}

async function audit(event) {
  return (await (await admin()).get(`api/v1/audit?event=${event}&limit=50`)).body.entries;
}

// SQL on the test tusk's store (SQLite file or the PostgreSQL store database).
function storeSql(sql) {
  if (pgStore) execFileSync('psql', ['-X', '-q', '-d', storeUrlFor(t.dataDir), '-c', sql]);
  else execFileSync('sqlite3', [join(t.dataDir, 'tusk.db'), sql]);
}

test('attack: provider B\'s user whose username claim is provider A\'s user\'s name does not sign in as them', async () => {
  idpA.user = { sub: 'a-alice', email: 'alice@example.org', groups: ['dba'] };
  const alice = await signIn('corp');
  assert.ok(alice.ok, alice.message);
  assert.equal(alice.me.email, 'alice@example.org');
  assert.equal(alice.me.role, 'admin');
  assert.equal(alice.me.oauth2_provider, 'corp');

  // the attacker controls provider B (or an account there) and names itself alice
  idpB.user = { sub: 'b-mallory', email: 'alice@example.org', groups: ['dba'] };
  const mallory = await signIn('partner');
  assert.equal(mallory.ok, false, 'provider B must not open provider A\'s account');
  assert.match(mallory.message, /The Tusk user 'alice@example.org' belongs to someone else \(it signs in through another identity provider\)/);
  assert.equal((await mallory.c.get('api/v1/auth/me')).status, 401);
  const conflicts = await audit('identity_conflict');
  assert.ok(conflicts.some((e) => e.user_email === 'alice@example.org' && /subject b-mallory of provider partner/.test(e.detail)),
    JSON.stringify(conflicts));

  // the real alice still signs in, as the same user
  idpA.user = { sub: 'a-alice', email: 'alice@example.org', groups: ['dba'] };
  const again = await signIn('corp');
  assert.ok(again.ok, again.message);
  assert.equal(again.me.id, alice.me.id);
});

test('attack: a self-chosen login (GitHub-shaped provider) equal to an administrator\'s name at the other provider', async () => {
  idpB.ghUser = { login: 'alice@example.org', id: 4242, email: null };
  const r = await signIn('gh');
  assert.equal(r.ok, false);
  assert.match(r.message, /belongs to someone else/);
  // a login of its own is fine, and the GitHub id (not the login) keys it
  idpB.ghUser = { login: 'octo', id: 4242, email: null };
  const own = await signIn('gh');
  assert.ok(own.ok, own.message);
  assert.equal(own.me.email, 'octo');
  assert.equal(own.me.role, 'user');
  // renamed at GitHub: still the same Tusk user (the id is the key), under its Tusk name
  idpB.ghUser = { login: 'octo-renamed', id: 4242, email: null };
  const renamed = await signIn('gh');
  assert.ok(renamed.ok, renamed.message);
  assert.equal(renamed.me.id, own.me.id);
  // and another GitHub account now taking the old login is not that user
  idpB.ghUser = { login: 'octo', id: 9999, email: null };
  const squatter = await signIn('gh');
  assert.equal(squatter.ok, false);
  assert.match(squatter.message, /the provider names another of its accounts by that name now/);
});

test('a user of another source keeps its name: refused, with an audit line', async () => {
  idpB.user = { sub: 'b-admin', email: ADMIN.email, groups: [] };
  const r = await signIn('partner');
  assert.equal(r.ok, false);
  assert.match(r.message, /signs in through the internal source, not oauth2/);
  assert.ok((await audit('identity_conflict')).some((e) => e.user_email === ADMIN.email && /another source/.test(e.detail)));
});

test('a user made ahead names its provider (several configured); the first sign-in through it binds the subject', async () => {
  const a = await admin();
  const none = await a.post('api/v1/users', { email: 'bob@example.org', role: 'user', auth_source: 'oauth2' });
  assert.equal(none.status, 400);
  assert.match(none.body.error.message, /Several oauth2 providers are configured: say which one/);
  const bad = await a.post('api/v1/users', { email: 'bob@example.org', auth_source: 'oauth2', oauth2_provider: 'nope' });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error.message, /no oauth2 sign-in provider 'nope'/);
  const internal = await a.post('api/v1/users', { email: 'x@example.org', password: 'long-enough-password-1', oauth2_provider: 'corp' });
  assert.equal(internal.status, 400);
  const made = await a.post('api/v1/users', { email: 'bob@example.org', role: 'user', auth_source: 'oauth2', oauth2_provider: 'corp' });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  assert.equal(made.body.user.oauth2_provider, 'corp');

  // the other provider's "bob" cannot claim the pre-made account
  idpB.user = { sub: 'b-bob', email: 'bob@example.org', groups: [] };
  const wrong = await signIn('partner');
  assert.equal(wrong.ok, false);
  assert.match(wrong.message, /another identity provider/);
  // the right provider's bob binds it
  idpA.user = { sub: 'a-bob', email: 'bob@example.org', groups: [] };
  const bob = await signIn('corp');
  assert.ok(bob.ok, bob.message);
  assert.equal(bob.me.id, made.body.user.id);
  assert.ok((await audit('user_bound')).some((e) => e.user_email === 'bob@example.org' && /subject a-bob of provider corp/.test(e.detail)));
  // bound now: a second corp account handed the same e-mail later is not bob
  idpA.user = { sub: 'a-bob-2', email: 'bob@example.org', groups: [] };
  const second = await signIn('corp');
  assert.equal(second.ok, false);
  assert.match(second.message, /another of its accounts/);
});

test('upgrade: a user made before subjects were kept binds only when its provider is certain', async () => {
  // as the previous version left it: source oauth2, no provider, no subject
  idpA.user = { sub: 'a-carol', email: 'carol@example.org', groups: [] };
  const first = await signIn('corp');
  assert.ok(first.ok, first.message);
  storeSql("UPDATE users SET oauth2_provider = NULL, oauth2_subject = NULL WHERE email = 'carol@example.org'");
  // several providers: no sign-in may take it, not even the one that made it, until the
  // operator says which provider it is
  idpB.user = { sub: 'b-carol', email: 'carol@example.org', groups: [] };
  const attacker = await signIn('partner');
  assert.equal(attacker.ok, false);
  assert.match(attacker.message, /made before Tusk kept which provider.*tusk user set-provider/);
  const owner = await signIn('corp');
  assert.equal(owner.ok, false);

  const cli = (args) => runTusk({ env, args: ['user', ...args, '--data-dir', t.dataDir] });
  const shown = await cli(['show', 'carol@example.org']);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /source: +oauth2/);
  assert.match(shown.stdout, /provider: +\(none recorded/);
  const wrong = await cli(['set-provider', 'carol@example.org', 'nope']);
  assert.notEqual(wrong.code, 0);
  assert.match(wrong.stderr, /no oauth2 sign-in provider 'nope'/);
  const notOauth = await cli(['set-provider', ADMIN.email, 'corp']);
  assert.notEqual(notOauth.code, 0);
  assert.match(notOauth.stderr, /not oauth2/);
  const set = await cli(['set-provider', 'carol@example.org', 'corp']);
  assert.equal(set.code, 0, set.stderr);
  assert.match(set.stdout, /signs in through corp/);

  const stillNot = await signIn('partner');
  assert.equal(stillNot.ok, false);
  const carol = await signIn('corp');
  assert.ok(carol.ok, carol.message);
  assert.equal(carol.me.id, first.me.id);
  const after = await cli(['show', 'carol@example.org']);
  assert.match(after.stdout, /provider: +corp \(subject a-carol\)/);
});

test('upgrade with one provider configured: the old user binds to it on its first sign-in', async () => {
  const one = `[{'OAUTH2_NAME': 'corp', 'OAUTH2_CLIENT_ID': 'tusk', 'OAUTH2_CLIENT_SECRET': 'tusk-secret',
     'OAUTH2_SERVER_METADATA_URL': '${idpA.issuer}/.well-known/openid-configuration', 'OAUTH2_SCOPE': 'openid email'}]`;
  idpA.user = { sub: 'a-dave', email: 'dave@example.org', groups: [] };
  const made = await signIn('corp');
  assert.ok(made.ok, made.message);
  storeSql("UPDATE users SET oauth2_provider = NULL, oauth2_subject = NULL WHERE email = 'dave@example.org'");
  const dataDir = t.dataDir;
  await t.stop();
  t = await startTusk({ dataDir, env: { ...env, PGADMIN_CONFIG_OAUTH2_CONFIG: one } });
  const dave = await signIn('corp');
  assert.ok(dave.ok, dave.message);
  assert.equal(dave.me.id, made.me.id);
  assert.equal(dave.me.oauth2_provider, 'corp');
  // and bound now: another subject of the same provider with the name is refused
  idpA.user = { sub: 'a-dave-2', email: 'dave@example.org', groups: [] };
  assert.equal((await signIn('corp')).ok, false);
  // one provider: a user made ahead needs no provider named
  const a = await admin();
  const ahead = await a.post('api/v1/users', { email: 'erin@example.org', auth_source: 'oauth2' });
  assert.equal(ahead.status, 201, JSON.stringify(ahead.body));
  assert.equal(ahead.body.user.oauth2_provider, 'corp');
});

test('first sign-ins of one new identity racing each other make one user, and all sign in', async () => {
  idpA.user = { sub: 'a-racer', email: 'racer@example.org', groups: [] };
  const all = await Promise.all(Array.from({ length: 8 }, () => signIn('corp')));
  for (const r of all) assert.ok(r.ok, r.message);
  assert.equal(new Set(all.map((r) => r.me.id)).size, 1);
  const made = (await audit('user_created')).filter((e) => e.user_email === 'racer@example.org');
  assert.equal(made.length, 1);
});
