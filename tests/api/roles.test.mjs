// Roles and privileges against the real cluster: every role attribute and
// membership option, passwords sent as verifiers and never shown, settings,
// drop with REASSIGN/DROP OWNED across databases; the Grant Wizard on a mix
// of object kinds, the effective privileges with where they come from,
// default privileges, and RLS policies enforced for a test role.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { ADMIN } from '../lib/tusk.mjs';
import { pg, psql } from '../lib/pg.mjs';
import { connectedAdmin } from '../lib/admin.mjs';

const DB = 'roles_tests';
const DB2 = 'roles_tests_other';
const ROLES = ['rt Reader', 'rt_reader2', 'rt_group', 'rt_owner', 'rt_heir', 'rt_app', 'rt_web'];
let t, c, id, version;

const dropRoles = () => {
  const list = ROLES.map((r) => `'${r.replace(/'/g, "''")}'`).join(', ');
  const owned = `DO $$ DECLARE r text; BEGIN FOR r IN SELECT rolname FROM pg_roles WHERE rolname IN (${list}) LOOP
    EXECUTE format('REASSIGN OWNED BY %I TO CURRENT_USER', r); EXECUTE format('DROP OWNED BY %I', r); END LOOP; END $$`;
  for (const db of [DB, DB2]) if (psql(`SELECT count(*) FROM pg_database WHERE datname = '${db}'`) === '1') psql(owned, { db });
  psql(`DO $$ DECLARE r text; BEGIN FOR r IN SELECT rolname FROM pg_roles WHERE rolname IN (${list}) LOOP
    EXECUTE format('DROP ROLE %I', r); END LOOP; END $$`);
};

before(async () => {
  for (const db of [DB, DB2]) psql(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  psql(`CREATE DATABASE ${DB}`);
  psql(`CREATE DATABASE ${DB2}`);
  dropRoles();
  psql(`CREATE SCHEMA shop; CREATE TABLE shop.items (id int PRIMARY KEY, owner text, price numeric);
    INSERT INTO shop.items VALUES (1, 'rt_app', 10), (2, 'rt_web', 20), (3, 'rt_app', 30);
    CREATE TABLE shop.notes (id int); CREATE VIEW shop.cheap AS SELECT * FROM shop.items WHERE price < 25;
    CREATE SEQUENCE shop.ticket; CREATE FUNCTION shop.total() RETURNS numeric LANGUAGE sql AS 'SELECT sum(price) FROM shop.items';
    REVOKE ALL ON FUNCTION shop.total() FROM PUBLIC`, { db: DB });
  version = Number(psql('SHOW server_version_num'));
  ({ t, c, id } = await connectedAdmin());
});

after(async () => {
  const code = await t.stop();
  dropRoles();
  for (const db of [DB, DB2]) psql(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  assert.equal(code, 0, t.output());
});

const roleOf = async (name) => (await c.get(`api/v1/servers/${id}/roles`)).body.roles.find((r) => r.name === name);
const yes = (sql, db = 'postgres') => psql(sql, { db }) === 't';

test('create a role with every attribute, a password as a verifier, memberships, settings and a comment', async () => {
  assert.equal((await c.post(`api/v1/servers/${id}/roles`, { spec: { name: 'rt_group' } })).status, 200);
  const spec = {
    name: 'rt Reader', login: true, superuser: false, createdb: true, createrole: true, inherit: false, replication: true,
    bypassrls: true, connection_limit: 7, valid_until: '2031-01-01 00:00:00+00', password: "s3cret 'pw'",
    member_of: [{ role: 'rt_group', admin: true }], config: [{ name: 'work_mem', value: '8MB' }, { name: 'statement_timeout', value: '5s', database: DB }],
    comment: "reads, doesn't write",
  };
  const pre = await c.post(`api/v1/servers/${id}/roles`, { spec, preview: true });
  assert.equal(pre.status, 200, pre.raw);
  assert.match(pre.body.sql, /^CREATE ROLE "rt Reader" WITH NOSUPERUSER CREATEDB CREATEROLE NOINHERIT LOGIN REPLICATION BYPASSRLS CONNECTION LIMIT 7 VALID UNTIL '2031-01-01 00:00:00\+00' PASSWORD '\*{8}';/);
  assert.match(pre.body.sql, /\nGRANT "rt_group" TO "rt Reader" WITH (ADMIN OPTION|ADMIN TRUE);/);
  assert.match(pre.body.sql, /\nALTER ROLE "rt Reader" SET work_mem TO '8MB';\nALTER ROLE "rt Reader" IN DATABASE "roles_tests" SET statement_timeout TO '5s';/);
  assert.match(pre.body.sql, /\nCOMMENT ON ROLE "rt Reader" IS 'reads, doesn''t write';$/);
  assert.doesNotMatch(pre.body.sql, /s3cret|SCRAM/);
  assert.ok(yes("SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'rt Reader')"), 'a preview creates nothing');
  const made = await c.post(`api/v1/servers/${id}/roles`, { spec });
  assert.equal(made.status, 200, made.raw);
  assert.equal(made.body.sql, pre.body.sql, 'the answer masks the password too');
  assert.ok(!t.output().includes('s3cret'), 'the password is in no log');
  // the password works, as a SCRAM verifier
  assert.ok(yes("SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid WHERE rolname = 'rt Reader'"));
  const login = execFileSync('psql', ['-X', '-At', '-d', DB, '-c', 'SELECT current_user'], {
    env: { ...process.env, PGHOST: pg.host, PGPORT: String(pg.port), PGUSER: 'rt Reader', PGPASSWORD: "s3cret 'pw'" }, encoding: 'utf8',
  }).trim();
  assert.equal(login, 'rt Reader');
  const r = await roleOf('rt Reader');
  assert.deepEqual(
    { login: r.login, superuser: r.superuser, createdb: r.createdb, createrole: r.createrole, inherit: r.inherit, replication: r.replication, bypassrls: r.bypassrls, limit: r.connection_limit },
    { login: true, superuser: false, createdb: true, createrole: true, inherit: false, replication: true, bypassrls: true, limit: 7 },
  );
  assert.match(r.valid_until, /^2031-01-01/);
  assert.equal(r.member_of[0].role, 'rt_group');
  assert.equal(r.member_of[0].admin, true);
  assert.deepEqual(r.config.map((x) => [x.database, x.name, x.value]), [[null, 'work_mem', '8MB'], [DB, 'statement_timeout', '5s']]);
  assert.equal(r.comment, "reads, doesn't write");
  assert.equal((await roleOf('rt_group')).members[0].role, 'rt Reader');
});

test('membership options: inherit and set on PostgreSQL 16+, refused clearly before', async () => {
  const spec = { name: 'rt_heir', member_of: [{ role: 'rt_group', admin: false, inherit: false, set: true }] };
  const r = await c.post(`api/v1/servers/${id}/roles`, { spec });
  if (version < 160000) {
    assert.equal(r.status, 400);
    assert.match(r.body.error.message, /need PostgreSQL 16/);
    assert.equal((await c.post(`api/v1/servers/${id}/roles`, { spec: { name: 'rt_heir', member_of: [{ role: 'rt_group' }] } })).status, 200);
  } else {
    assert.equal(r.status, 200, r.raw);
    assert.match(r.body.sql, /GRANT "rt_group" TO "rt_heir" WITH INHERIT FALSE, SET TRUE;/);
    const m = (await roleOf('rt_heir')).member_of[0];
    assert.equal(m.inherit, false);
    assert.equal(m.set, true);
  }
});

test('alter: attributes, password removed, memberships, settings, comment and rename; bad input refused', async () => {
  const alter = (role, changes, preview = false) => c.post(`api/v1/servers/${id}/roles/alter`, { role, changes, preview });
  const a = await alter('rt Reader', {
    createdb: false, connection_limit: -1, valid_until: null, password: null, remove_member_of: ['rt_group'],
    config_reset: [{ name: 'work_mem' }], comment: null, name: 'rt_reader2',
  });
  assert.equal(a.status, 200, a.raw);
  assert.equal(a.body.sql, [
    `ALTER ROLE "rt Reader" WITH NOCREATEDB CONNECTION LIMIT -1 VALID UNTIL 'infinity' PASSWORD NULL;`,
    'REVOKE "rt_group" FROM "rt Reader";',
    'ALTER ROLE "rt Reader" RESET work_mem;',
    'COMMENT ON ROLE "rt Reader" IS NULL;',
    'ALTER ROLE "rt Reader" RENAME TO "rt_reader2";',
  ].join('\n'));
  const r = await roleOf('rt_reader2');
  assert.equal(r.createdb, false);
  assert.equal(r.member_of.length, 0);
  assert.ok(yes("SELECT rolpassword IS NULL FROM pg_authid WHERE rolname = 'rt_reader2'"));
  assert.equal((await alter('rt_reader2', { name: 'rt Reader' })).status, 200);
  const withPw = await alter('rt Reader', { password: 'another-one' });
  assert.equal(withPw.body.sql, `ALTER ROLE "rt Reader" WITH PASSWORD '********';`);
  for (const [changes, why] of [
    [{ login: 'yes' }, /'login' is true or false/],
    [{ connection_limit: -5 }, /connection_limit/],
    [{ config: [{ name: 'work mem; DROP', value: '1' }] }, /parameter 'name'/],
    [{}, /nothing to change/],
  ]) {
    const bad = await alter('rt Reader', changes);
    assert.equal(bad.status, 400, bad.raw);
    assert.match(bad.body.error.message, why);
  }
  // security labels need a label provider (sepgsql, anon...): the statement is written, PostgreSQL says when none is loaded
  const label = await alter('rt Reader', { security_labels: [{ provider: 'dummy', label: 'classified' }] }, true);
  assert.equal(label.body.sql, `SECURITY LABEL FOR "dummy" ON ROLE "rt Reader" IS 'classified';`);
  const noProvider = await alter('rt Reader', { security_labels: [{ provider: 'dummy', label: 'classified' }] });
  assert.equal(noProvider.status, 409);
  assert.match(noProvider.body.error.message, /security label provider "dummy" is not loaded/);
  const missing = await alter('nobody here', { login: true });
  assert.equal(missing.status, 409);
  assert.equal(missing.body.error.sqlstate, '42704');
});

test('the Grant Wizard grants and revokes on tables, a view, a sequence, a function, a schema and a database', async () => {
  await c.post(`api/v1/servers/${id}/roles`, { spec: { name: 'rt_app', login: true } });
  const base = `/databases/${DB}/schemas/shop`;
  const objects = [`${base}/tables/items`, `${base}/tables/notes`, `${base}/views/cheap`, `${base}/sequences/ticket`, `${base}/functions/total()`, `/databases/${DB}/schemas/shop`, `/databases/${DB}`];
  const pre = await c.post(`api/v1/servers/${id}/privileges`, { action: 'grant', objects, privileges: ['select', 'usage', 'execute', 'connect'], roles: ['rt_app', 'rt Reader'], with_grant_option: true, preview: true });
  assert.equal(pre.status, 200, pre.raw);
  assert.equal(pre.body.sql, [
    'GRANT SELECT ON TABLE shop.items, shop.notes, shop.cheap TO "rt_app", "rt Reader" WITH GRANT OPTION;',
    'GRANT USAGE, SELECT ON SEQUENCE shop.ticket TO "rt_app", "rt Reader" WITH GRANT OPTION;',
    'GRANT EXECUTE ON FUNCTION shop.total() TO "rt_app", "rt Reader" WITH GRANT OPTION;',
    'GRANT USAGE ON SCHEMA shop TO "rt_app", "rt Reader" WITH GRANT OPTION;',
    `GRANT CONNECT ON DATABASE ${DB} TO "rt_app", "rt Reader" WITH GRANT OPTION;`,
  ].join('\n'));
  const run = await c.post(`api/v1/servers/${id}/privileges`, { action: 'grant', objects, privileges: ['select', 'usage', 'execute', 'connect'], roles: ['rt_app', 'rt Reader'], with_grant_option: true });
  assert.equal(run.status, 200, run.raw);
  assert.ok(yes("SELECT has_table_privilege('rt_app', 'shop.cheap', 'SELECT WITH GRANT OPTION') AND has_function_privilege('rt_app', 'shop.total()', 'EXECUTE')", DB));
  const revoke = await c.post(`api/v1/servers/${id}/privileges`, { action: 'revoke', objects: [`${base}/tables/notes`], privileges: ['ALL'], roles: ['rt Reader'], cascade: true });
  assert.equal(revoke.body.sql, 'REVOKE ALL PRIVILEGES ON TABLE shop.notes FROM "rt Reader" CASCADE;');
  assert.ok(yes("SELECT NOT has_table_privilege('rt Reader', 'shop.notes', 'SELECT')", DB));
  const none = await c.post(`api/v1/servers/${id}/privileges`, { action: 'grant', objects: [`${base}/sequences/ticket`], privileges: ['EXECUTE'], roles: ['rt_app'] });
  assert.equal(none.status, 400);
  assert.match(none.body.error.message, /none of the privileges applies to sequence/);
  const refused = await c.post(`api/v1/servers/${id}/privileges`, { action: 'grant', objects: [`${base}/tables/items`], privileges: ['SELECT'], roles: ['no_such_role'] });
  assert.equal(refused.status, 409);
  assert.equal(refused.body.error.sqlstate, '42704');
  assert.equal((await c.post(`api/v1/servers/${id}/privileges`, { action: 'grant', objects: [], privileges: ['SELECT'], roles: ['rt_app'] })).status, 400);
});

test('effective privileges say where each comes from: directly, a group, PUBLIC, the owner', async () => {
  await c.post(`api/v1/servers/${id}/roles`, { spec: { name: 'rt_web', login: true, member_of: [{ role: 'rt_group' }] } });
  psql('GRANT USAGE ON SCHEMA shop TO rt_group; GRANT INSERT ON shop.items TO rt_group; GRANT UPDATE ON shop.items TO PUBLIC; GRANT SELECT ON shop.items TO rt_web', { db: DB });
  const eff = await c.get(`api/v1/servers/${id}/privileges/effective?role=rt_web&path=${encodeURIComponent(`/databases/${DB}/schemas/shop/tables/items`)}`);
  assert.equal(eff.status, 200, eff.raw);
  assert.equal(eff.body.type, 'table');
  assert.equal(eff.body.object, 'shop.items');
  const by = Object.fromEntries(eff.body.effective.privileges.map((p) => [p.privilege, p]));
  assert.deepEqual(by.SELECT, { privilege: 'SELECT', granted: true, via: ['granted directly'] });
  assert.deepEqual(by.INSERT, { privilege: 'INSERT', granted: true, via: ['member of rt_group'] });
  assert.deepEqual(by.UPDATE, { privilege: 'UPDATE', granted: true, via: ['PUBLIC'] });
  assert.deepEqual(by.DELETE, { privilege: 'DELETE', granted: false, via: [] });
  const owner = await c.get(`api/v1/servers/${id}/privileges/effective?role=${pg.user}&path=${encodeURIComponent(`/databases/${DB}/schemas/shop/functions/total()`)}`);
  assert.deepEqual(owner.body.effective.privileges[0].via.sort(), ['owner', 'superuser']);
  const db = await c.get(`api/v1/servers/${id}/privileges/effective?role=rt_app&path=${encodeURIComponent(`/databases/${DB}`)}`);
  assert.equal(db.body.type, 'database');
  assert.deepEqual(db.body.effective.privileges.find((p) => p.privilege === 'CONNECT').via.sort(), ['PUBLIC', 'granted directly']);
  assert.equal((await c.get(`api/v1/servers/${id}/privileges/effective?role=nobody&path=${encodeURIComponent(`/databases/${DB}`)}`)).status, 404);
});

test('default privileges: granted for a role in a schema, listed, revoked', async () => {
  const body = { database: DB, action: 'grant', for_role: pg.user, schema: 'shop', object_type: 'tables', privileges: ['select'], roles: ['rt_app'] };
  const pre = await c.post(`api/v1/servers/${id}/default-privileges`, { ...body, preview: true });
  assert.equal(pre.status, 200, pre.raw);
  assert.equal(pre.body.sql, `ALTER DEFAULT PRIVILEGES FOR ROLE "${pg.user}" IN SCHEMA "shop" GRANT SELECT ON TABLES TO "rt_app";`);
  assert.equal((await c.post(`api/v1/servers/${id}/default-privileges`, body)).status, 200);
  psql('CREATE TABLE shop.later (x int)', { db: DB });
  assert.ok(yes("SELECT has_table_privilege('rt_app', 'shop.later', 'SELECT')", DB), 'a new table gets it');
  const list = (await c.get(`api/v1/servers/${id}/default-privileges?database=${DB}`)).body.defaults;
  assert.deepEqual(list.find((d) => d.grantee === 'rt_app'), { role: pg.user, schema: 'shop', object_type: 'tables', grantee: 'rt_app', privileges: ['SELECT'], grantable: false });
  const fn = await c.post(`api/v1/servers/${id}/default-privileges`, { ...body, object_type: 'functions', privileges: ['SELECT'] });
  assert.equal(fn.status, 400);
  assert.match(fn.body.error.message, /SELECT does not apply to functions/);
  assert.equal((await c.post(`api/v1/servers/${id}/default-privileges`, { ...body, action: 'revoke' })).status, 200);
  assert.equal((await c.get(`api/v1/servers/${id}/default-privileges?database=${DB}`)).body.defaults.filter((d) => d.grantee === 'rt_app').length, 0);
});

test('RLS: enabled and forced from Properties, a policy made in the dialog is enforced for a test role', async () => {
  const path = `/databases/${DB}/schemas/shop/tables/items`;
  const on = await c.post(`api/v1/servers/${id}/objects/alter`, { path, changes: { rls: true, force_rls: true } });
  assert.equal(on.status, 200, on.raw);
  assert.equal(on.body.sql, 'ALTER TABLE shop.items ENABLE ROW LEVEL SECURITY;\nALTER TABLE shop.items FORCE ROW LEVEL SECURITY;');
  const policy = await c.post(`api/v1/servers/${id}/objects/create`, { database: DB, kind: 'policy', spec: { schema: 'shop', table: 'items', name: 'own items', command: 'SELECT', roles: ['rt_app', 'rt_web'], using: 'owner = current_user' } });
  assert.equal(policy.status, 200, policy.raw);
  const asRole = (role) => psql(`SET ROLE ${role}; SELECT string_agg(id::text, ',' ORDER BY id) FROM shop.items`, { db: DB });
  assert.equal(asRole('rt_app'), '1,3');
  assert.equal(asRole('rt_web'), '2');
  const off = await c.post(`api/v1/servers/${id}/objects/alter`, { path, changes: { rls: false, force_rls: false } });
  assert.equal(off.status, 200, off.raw);
  assert.equal(asRole('rt_web'), '1,2,3');
});

test('drop: a role that owns objects in two databases is refused, then dropped with REASSIGN and DROP OWNED', async () => {
  await c.post(`api/v1/servers/${id}/roles`, { spec: { name: 'rt_owner' } });
  psql('CREATE TABLE owned_here (x int); ALTER TABLE owned_here OWNER TO rt_owner', { db: DB });
  psql('CREATE TABLE owned_there (x int); ALTER TABLE owned_there OWNER TO rt_owner; GRANT SELECT ON owned_there TO rt_owner', { db: DB2 });
  const drop = (body) => c.post(`api/v1/servers/${id}/roles/drop`, { role: 'rt_owner', ...body });
  const refused = await drop({});
  assert.equal(refused.status, 409);
  assert.equal(refused.body.error.sqlstate, '2BP01');
  assert.match(refused.body.error.detail, /1 object in database roles_tests\n1 object in database roles_tests_other/);
  const pre = await drop({ reassign_to: pg.user, drop_owned: true, preview: true });
  assert.equal(pre.status, 200, pre.raw);
  assert.match(pre.body.sql, new RegExp(`-- in database ${DB}:\\nREASSIGN OWNED BY "rt_owner" TO "${pg.user}";\\nDROP OWNED BY "rt_owner";\\n`));
  assert.match(pre.body.sql, new RegExp(`-- in database ${DB2}:\\n`));
  assert.match(pre.body.sql, /DROP ROLE "rt_owner";$/);
  assert.ok(yes("SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = 'rt_owner')"));
  const done = await drop({ reassign_to: pg.user, drop_owned: true });
  assert.equal(done.status, 200, done.raw);
  assert.ok(yes("SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'rt_owner')"));
  assert.equal(psql("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'owned_there'", { db: DB2 }), pg.user);
});
