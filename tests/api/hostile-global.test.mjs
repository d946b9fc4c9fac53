// Hostile names for the kinds that hang on a database (schemas, extensions,
// casts, event triggers, foreign-data wrappers, foreign servers, user
// mappings, languages, publications, subscriptions) and on the server
// (roles, tablespaces; a database refuses to be dropped from its own
// connection): the one named goes, its siblings stay (see
// tests/lib/hostile.mjs). DROP TABLESPACE and DROP SUBSCRIPTION say they run
// outside a transaction block.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { psql } from '../lib/pg.mjs';
import { open, exercise, ident, lit, arr, seg, HOSTILE, BAIT, RENAMED, OWNER } from '../lib/hostile.mjs';

let api;
const dirs = [];
before(async () => {
  api = await open('hostile_global');
});
after(async () => {
  await api.close();
  for (const r of [...MAPPED, ...SERVER_SCOPE]) dropRole(r);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const GLOBAL = { rename: true, comment: true, owner: true };
/** Drops a role of this test's own if a run stopped half way left it. */
const dropRole = (r) => psql(`SELECT count(*) FROM pg_roles WHERE rolname = ${lit(r)}`) !== '0' && psql(`DROP ROLE ${ident(r)}`);
/** Roles with user mappings (roles are the server's: a prefix of this test's own). */
const MAPPED = ['hn m a on b', 'hn m x.y', `hn m Q"u'o\\t/e%d`, 'hn m a ON b', 'hn m a', 'hn m b'];
/** Rows of a database-wide kind by its catalog: [name, NULL, owner, comment]. */
const named = (table, p, { owner = true } = {}) => (_, names) =>
  `SELECT o.${p}name, NULL, ${owner ? `pg_get_userbyid(o.${p}owner)` : 'NULL'}, obj_description(o.oid, '${table}') FROM ${table} o WHERE o.${p}name = ANY(${arr(names)})`;

test('schema: hostile names; the one named is commented, given, renamed and dropped, its siblings stay', async () => {
  for (const n of [...HOSTILE, ...BAIT]) api.sql(`CREATE SCHEMA ${ident(n)}`);
  const k = { kind: 'schema', rows: named('pg_namespace', 'nsp'), can: GLOBAL };
  await exercise(api, k, { collectionPath: `${api.dbPath}/schemas` });
});

test('extension: in a hostile schema, commented, moved and dropped; its sibling stays', async () => {
  const schema = 'ext.s on "y"';
  const schema2 = 'ext Ü2/%';
  api.sql(`CREATE SCHEMA ${ident(schema)}; CREATE SCHEMA ${ident(schema2)}; CREATE EXTENSION pg_trgm SCHEMA ${ident(schema)}; CREATE EXTENSION citext SCHEMA ${ident(schema)}`);
  const k = {
    kind: 'extension',
    hostile: ['pg_trgm'],
    bait: ['citext'],
    rows: (schemas) =>
      `SELECT e.extname, n.nspname, NULL, obj_description(e.oid, 'pg_extension') FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
       WHERE n.nspname = ANY(${arr(schemas)})`,
    can: { comment: true, schema: true },
  };
  await exercise(api, k, { schema, schema2, collectionPath: `${api.dbPath}/extensions` });
});

test('cast: from types with hostile names; the one named goes, its siblings stay', async () => {
  const schema = 'cast.s on "y"';
  const s = ident(schema);
  api.sql(`CREATE SCHEMA ${s}`);
  for (const n of [...HOSTILE, ...BAIT]) api.sql(`CREATE TYPE ${s}.${ident(n)} AS (i int); CREATE CAST (${s}.${ident(n)} AS integer) WITH INOUT`);
  // the tree names a cast by its types as format_type writes them
  const spelled = Object.fromEntries([...HOSTILE, ...BAIT].map((n) => [n, api.sql(`SELECT format_type(${lit(`${s}.${ident(n)}`)}::regtype, NULL)`)]));
  const k = {
    kind: 'cast',
    segment: (n) => seg(`${spelled[n]}->integer`),
    rows: () =>
      `SELECT t.typname, NULL, NULL, obj_description(c.oid, 'pg_cast') FROM pg_cast c JOIN pg_type t ON t.oid = c.castsource
       JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = ${lit(schema)}`,
    can: { comment: true },
  };
  await exercise(api, k, { collectionPath: `${api.dbPath}/casts` });
});

test('event trigger: hostile names; the one named goes, its siblings stay', async () => {
  api.sql(`CREATE FUNCTION public.hn_noop() RETURNS event_trigger LANGUAGE plpgsql AS 'BEGIN END'`);
  for (const n of [...HOSTILE, ...BAIT]) api.sql(`CREATE EVENT TRIGGER ${ident(n)} ON ddl_command_end EXECUTE FUNCTION public.hn_noop()`);
  api.sql(`ALTER EVENT TRIGGER ${ident('a')} DISABLE`);
  // the owner of an event trigger must be a superuser: not changed here
  const k = { kind: 'event trigger', rows: named('pg_event_trigger', 'evt'), can: { rename: true, comment: true } };
  await exercise(api, k, { collectionPath: `${api.dbPath}/event_triggers` });
});

test('foreign-data wrapper, foreign server and user mapping: hostile names; the one named goes, its siblings stay', async () => {
  for (const n of [...HOSTILE, ...BAIT]) api.sql(`CREATE FOREIGN DATA WRAPPER ${ident(n)}`);
  // the owner of a wrapper must be a superuser: not changed here
  await exercise(api, { kind: 'foreign-data wrapper', rows: named('pg_foreign_data_wrapper', 'fdw'), can: { rename: true, comment: true } },
    { collectionPath: `${api.dbPath}/foreign_data_wrappers` });

  const w = 'hn w.x on "y"';
  api.sql(`CREATE FOREIGN DATA WRAPPER ${ident(w)}; GRANT USAGE ON FOREIGN DATA WRAPPER ${ident(w)} TO ${ident(OWNER)}`);
  for (const n of [...HOSTILE, ...BAIT]) api.sql(`CREATE SERVER ${ident(n)} FOREIGN DATA WRAPPER ${ident(w)}`);
  const servers = `${api.dbPath}/foreign_data_wrappers/${seg(w)}/foreign_servers`;
  await exercise(api, { kind: 'foreign server', rows: named('pg_foreign_server', 'srv'), can: GLOBAL }, { collectionPath: servers });

  // mappings for roles with hostile names, and for PUBLIC ("public" in the tree)
  const srv = 'hn s.x on "y"';
  for (const r of MAPPED) {
    dropRole(r);
    psql(`CREATE ROLE ${ident(r)}`);
  }
  api.sql(`CREATE SERVER ${ident(srv)} FOREIGN DATA WRAPPER ${ident(w)}; CREATE USER MAPPING FOR PUBLIC SERVER ${ident(srv)}`);
  for (const r of MAPPED) api.sql(`CREATE USER MAPPING FOR ${ident(r)} SERVER ${ident(srv)}`);
  const k = {
    kind: 'user mapping',
    hostile: [...MAPPED.slice(0, 3), 'public'],
    bait: MAPPED.slice(3),
    rows: () => `SELECT m.usename, NULL, NULL, NULL FROM pg_user_mappings m WHERE m.srvname = ${lit(srv)}`,
    can: {},
  };
  const pub = await api.drop(`${servers}/${seg(srv)}/user_mappings/public`, { preview: true });
  assert.equal(pub.body.sql, `DROP USER MAPPING FOR PUBLIC SERVER ${api.qi(srv)};`);
  const cascade = await api.drop(`${servers}/${seg(srv)}/user_mappings/public`, { preview: true, cascade: true });
  assert.equal(cascade.status, 422, cascade.raw);
  assert.equal(cascade.body.error.code, 'no_cascade');
  await exercise(api, k, { collectionPath: `${servers}/${seg(srv)}/user_mappings` });
});

test('language: hostile names; the one named goes, its siblings stay', async () => {
  for (const n of [...HOSTILE, ...BAIT]) api.sql(`CREATE LANGUAGE ${ident(n)} HANDLER plpgsql_call_handler`);
  await exercise(api, { kind: 'language', rows: named('pg_language', 'lan'), can: GLOBAL }, { collectionPath: `${api.dbPath}/languages` });
});

test('publication: hostile names; the one named goes, its siblings stay', async () => {
  api.sql(`GRANT CREATE ON DATABASE ${api.db} TO ${ident(OWNER)}`);
  for (const n of [...HOSTILE, ...BAIT]) api.sql(`CREATE PUBLICATION ${ident(n)}`);
  await exercise(api, { kind: 'publication', rows: named('pg_publication', 'pub'), can: GLOBAL }, { collectionPath: `${api.dbPath}/publications` });
});

test('subscription: hostile names; DROP SUBSCRIPTION runs outside a transaction block; its siblings stay', async () => {
  for (const n of [...HOSTILE, ...BAIT])
    api.sql(`SET client_min_messages = error; CREATE SUBSCRIPTION ${ident(n)} CONNECTION 'host=127.0.0.1 port=1 dbname=nowhere' PUBLICATION p WITH (connect = false, slot_name = NONE)`);
  const k = {
    kind: 'subscription',
    dropsAlone: true,
    rows: (_, names) =>
      `SELECT s.subname, NULL, NULL, obj_description(s.oid, 'pg_subscription') FROM pg_subscription s
       WHERE s.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND s.subname = ANY(${arr(names)})`,
    can: { rename: true, comment: true },
  };
  await exercise(api, k, { collectionPath: `${api.dbPath}/subscriptions` });
  for (const n of BAIT) api.sql(`DROP SUBSCRIPTION ${ident(n)}`); // a database with subscriptions cannot be dropped
});

// roles and tablespaces are the server's: their names carry a prefix of this test's own
const server = (n) => `hn ${n}`;
const SERVER_HOSTILE = ['a on b', 'x.y', `Q"u'o\\t/e%d Ünï`, 'select'].map(server);
const SERVER_BAIT = BAIT.map(server);
const SERVER_RENAMED = Object.fromEntries(SERVER_HOSTILE.map((n, i) => [n, server(RENAMED[HOSTILE[i]])]));
const SERVER_SCOPE = [...SERVER_HOSTILE, ...SERVER_BAIT, ...Object.values(SERVER_RENAMED)];

test('role: hostile names; the one named is commented, renamed and dropped, its siblings stay', async () => {
  for (const n of SERVER_SCOPE) dropRole(n); // what a run stopped half way left
  for (const n of [...SERVER_HOSTILE, ...SERVER_BAIT]) psql(`CREATE ROLE ${ident(n)}`);
  const k = {
    kind: 'role',
    hostile: SERVER_HOSTILE,
    bait: SERVER_BAIT,
    renamed: SERVER_RENAMED,
    scope: SERVER_SCOPE,
    rows: (_, names) => `SELECT r.rolname, NULL, NULL, shobj_description(r.oid, 'pg_authid') FROM pg_roles r WHERE r.rolname = ANY(${arr(names)})`,
    can: { rename: true, comment: true },
  };
  await exercise(api, k, { collectionPath: '/roles' });
  const cascade = await api.drop(`/roles/${seg(SERVER_BAIT[0])}`, { preview: true, cascade: true });
  assert.equal(cascade.status, 422, cascade.raw);
  assert.equal(cascade.body.error.code, 'no_cascade');
  for (const n of SERVER_BAIT) psql(`DROP ROLE ${ident(n)}`);
});

test('tablespace: hostile names; DROP TABLESPACE runs outside a transaction block; its siblings stay', async () => {
  const postgresUid = process.getuid() === 0 ? Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })) : null;
  // what a run stopped half way left
  for (const n of SERVER_SCOPE) if (psql(`SELECT count(*) FROM pg_tablespace WHERE spcname = ${lit(n)}`) !== '0') psql(`DROP TABLESPACE ${ident(n)}`);
  for (const n of [...SERVER_HOSTILE, ...SERVER_BAIT]) {
    const dir = mkdtempSync(join(tmpdir(), 'tusk-ts-'));
    dirs.push(dir);
    if (postgresUid !== null) chownSync(dir, postgresUid, -1);
    psql(`CREATE TABLESPACE ${ident(n)} LOCATION ${lit(dir)}`);
  }
  const k = {
    kind: 'tablespace',
    hostile: SERVER_HOSTILE,
    bait: SERVER_BAIT,
    renamed: SERVER_RENAMED,
    scope: SERVER_SCOPE,
    dropsAlone: true,
    rows: (_, names) =>
      `SELECT t.spcname, NULL, pg_get_userbyid(t.spcowner), shobj_description(t.oid, 'pg_tablespace') FROM pg_tablespace t WHERE t.spcname = ANY(${arr(names)})`,
    can: GLOBAL,
  };
  await exercise(api, k, { collectionPath: '/tablespaces' });
  for (const n of SERVER_BAIT) psql(`DROP TABLESPACE ${ident(n)}`);
});

test('a database with a hostile name: altered from the tree is 422; dropped, it is that one database that goes', async () => {
  const db = server('d.b on "c"');
  const sibling = server('d.b');
  psql(`CREATE DATABASE ${ident(db)}`);
  psql(`CREATE DATABASE ${ident(sibling)}`);
  try {
    const path = `/databases/${seg(db)}`;
    const alter = await api.alter(path, { name: 'hn other' });
    assert.equal(alter.status, 422, alter.raw);
    assert.equal(alter.body.error.code, 'unavailable');
    // its privileges name it by PostgreSQL's quoting, from a path with its name escaped
    const grant = await api.c.post(`api/v1/servers/${api.id}/privileges`, { action: 'grant', objects: [path], privileges: ['connect'], roles: [OWNER], preview: true });
    assert.equal(grant.status, 200, grant.raw);
    assert.equal(grant.body.sql, `GRANT CONNECT ON DATABASE ${api.qi(db)} TO ${ident(OWNER)};`);
    const preview = await api.drop(path, { preview: true });
    assert.equal(preview.status, 200, preview.raw);
    assert.equal(preview.body.sql, `DROP DATABASE ${api.qi(db)};`);
    assert.equal(psql(`SELECT count(*) FROM pg_database WHERE datname = ${lit(db)}`), '1', 'a preview drops nothing');
    const done = await api.drop(path);
    assert.equal(done.status, 200, done.raw);
    assert.equal(psql(`SELECT count(*) FROM pg_database WHERE datname = ${lit(db)}`), '0');
    assert.equal(psql(`SELECT count(*) FROM pg_database WHERE datname = ${lit(sibling)}`), '1', 'its sibling stays');
  } finally {
    psql(`DROP DATABASE IF EXISTS ${ident(db)} WITH (FORCE)`);
    psql(`DROP DATABASE IF EXISTS ${ident(sibling)} WITH (FORCE)`);
  }
});

test('a role name of 64 bytes is refused for create and rename, not cut to 63 bytes by PostgreSQL', async () => {
  const name = server(`${'ü'.repeat(29)}xyz`); // 3 + 58 + 3 bytes
  assert.equal(Buffer.byteLength(name), 64);
  for (const preview of [true, false]) {
    const made = await api.c.post(`api/v1/servers/${api.id}/roles`, { spec: { name }, preview });
    assert.equal(made.status, 400, made.raw);
    assert.equal(made.body.error.code, 'name_too_long');
  }
  assert.equal(psql(`SELECT count(*) FROM pg_roles WHERE rolname LIKE 'hn ü%'`), '0', 'no role was made');
  const keep = server('keep');
  dropRole(keep);
  psql(`CREATE ROLE ${ident(keep)}`);
  try {
    const renamed = await api.c.post(`api/v1/servers/${api.id}/roles/alter`, { role: keep, changes: { name } });
    assert.equal(renamed.status, 400, renamed.raw);
    assert.equal(renamed.body.error.code, 'name_too_long');
    assert.equal(psql(`SELECT count(*) FROM pg_roles WHERE rolname = ${lit(keep)}`), '1', 'the role keeps its name');
  } finally {
    dropRole(keep);
  }
});
