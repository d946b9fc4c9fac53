// Reverse-engineered DDL: applied in dependency order to an empty database,
// Tusk's DDL must give the same `pg_dump --schema-only` as the original.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { tempDir, ADMIN } from '../lib/tusk.mjs';
import { pg, psql, serverVersion, pgDumpMajor } from '../lib/pg.mjs';
import { connectedAdmin } from '../lib/admin.mjs';

const SRC = 'ddl_src', DST = 'ddl_dst';
let t, c, id;

// Objects of the database itself (outside schema cat), for the round trip.
const DATABASE_OBJECTS = `
  CREATE FUNCTION cat.mood_score(cat.mood) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 1';
  CREATE CAST (cat.mood AS int) WITH FUNCTION cat.mood_score(cat.mood) AS ASSIGNMENT;
  COMMENT ON CAST (cat.mood AS int) IS 'a score';
  CREATE FUNCTION cat.on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$;
  CREATE EVENT TRIGGER cat_ddl ON ddl_command_end WHEN TAG IN ('CREATE TABLE', 'ALTER TABLE') EXECUTE FUNCTION cat.on_ddl();
  ALTER EVENT TRIGGER cat_ddl DISABLE;
  CREATE FOREIGN DATA WRAPPER ddl_fdw OPTIONS (debug 'true');
  CREATE SERVER ddl_srv TYPE 'x' VERSION '1' FOREIGN DATA WRAPPER ddl_fdw OPTIONS (host 'h');
  CREATE USER MAPPING FOR PUBLIC SERVER ddl_srv OPTIONS (user 'u');
  CREATE FOREIGN TABLE cat.ft (id int NOT NULL, note text OPTIONS (column_name 'n') DEFAULT 'x') SERVER ddl_srv OPTIONS (table_name 't');
  COMMENT ON FOREIGN TABLE cat.ft IS 'far away';
  CREATE TEXT SEARCH DICTIONARY cat.simple_dict (TEMPLATE = pg_catalog.simple, stopwords = 'english');
  ALTER TEXT SEARCH CONFIGURATION cat.simple_cfg ALTER MAPPING FOR asciiword WITH cat.simple_dict, simple;
  CREATE AGGREGATE cat.avg_sum(int) (SFUNC = int4pl, STYPE = int, INITCOND = '0', COMBINEFUNC = int4pl, PARALLEL = SAFE);
  COMMENT ON AGGREGATE cat.total(int) IS 'sums';
  COMMENT ON COLLATION cat.ci IS 'case-insensitive';
  CREATE PUBLICATION ddl_pub FOR TABLE cat.parent WITH (publish = 'insert, update');
  CREATE SUBSCRIPTION ddl_sub CONNECTION 'host=127.0.0.1 dbname=nowhere' PUBLICATION ddl_pub WITH (connect = false, slot_name = NONE);
`;

/** Drops DB, and first its subscription (a database with one cannot be dropped). */
function dropDatabase(db) {
  if (psql(`SELECT 1 FROM pg_database WHERE datname = '${db}'`)) psql('DROP SUBSCRIPTION IF EXISTS ddl_sub', { db });
  psql(`DROP DATABASE IF EXISTS ${db}`);
}

before(async () => {
  for (const db of [SRC, DST]) {
    dropDatabase(db);
    psql(`CREATE DATABASE ${db}`);
  }
  psql(readFileSync(new URL('../fixtures/catalog.sql', import.meta.url), 'utf8') + DATABASE_OBJECTS, { db: SRC });
  psql(`COMMENT ON TABLE cat.parent IS 'the parent''s table'; COMMENT ON COLUMN cat.parent.code IS 'business key';
        DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ddl_reader') THEN CREATE ROLE ddl_reader; END IF; END $$; GRANT SELECT, INSERT ON cat.parent TO ddl_reader; GRANT USAGE ON SCHEMA cat TO ddl_reader;
        COMMENT ON FUNCTION cat.add(int, int) IS 'adds';`, { db: SRC });
  ({ t, c, id } = await connectedAdmin());
});

after(async () => {
  if (t) assert.equal(await t.stop(), 0, t.output());
  for (const db of [SRC, DST]) dropDatabase(db);
});

async function ddl(path) {
  const r = await c.get(`api/v1/servers/${id}/objects/ddl?path=${encodeURIComponent(path)}`);
  assert.equal(r.status, 200, `${path}: ${r.raw}`);
  assert.match(r.headers.get('content-type'), /text\/plain/);
  return r.raw;
}

function dump(db) {
  const out = execFileSync('pg_dump', ['--schema-only', '-d', db], {
    env: { ...process.env, PGHOST: pg.host, PGPORT: String(pg.port), PGUSER: pg.user, PGPASSWORD: pg.password },
    encoding: 'utf8',
  });
  return out.split('\n').filter((l) => !l.startsWith('--') && !/^SET (?!SESSION AUTHORIZATION)|^SELECT pg_catalog.set_config|^\\(un)?restrict /.test(l)).join('\n').replace(/\n{3,}/g, '\n\n').trim();
}

test('the DDL of a table shows its columns, constraints, comments, grants, indexes, triggers, policies, rules', async () => {
  const text = await ddl(`/databases/${SRC}/schemas/cat/tables/parent`);
  for (const want of [
    'CREATE TABLE cat.parent (',
    'id integer GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME cat.parent_id_seq START WITH 1 INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 CACHE 1) NOT NULL',
    'doubled numeric GENERATED ALWAYS AS ((amount * (2)::numeric)) STORED',
    'ALTER TABLE cat.parent ADD CONSTRAINT parent_pkey PRIMARY KEY (id);',
    "COMMENT ON TABLE cat.parent IS 'the parent''s table';",
    "COMMENT ON COLUMN cat.parent.code IS 'business key';",
    'GRANT INSERT, SELECT ON TABLE cat.parent TO ddl_reader;',
    'CREATE INDEX parent_lower_code ON cat.parent USING btree (lower(code));',
    'CREATE TRIGGER parent_touch BEFORE UPDATE ON cat.parent FOR EACH ROW EXECUTE FUNCTION cat.touch();',
    'ALTER TABLE cat.parent ENABLE ROW LEVEL SECURITY;',
    'CREATE POLICY parent_policy ON cat.parent AS PERMISSIVE FOR ALL TO PUBLIC USING ((amount > (0)::numeric));',
    'CREATE RULE parent_rule AS',
    'CREATE STATISTICS cat.parent_stats ON code, amount FROM cat.parent;',
  ]) assert.ok(text.includes(want), `missing: ${want}\n---\n${text}`);
  assert.equal((await c.get(`api/v1/servers/${id}/objects/ddl?path=${encodeURIComponent(`/databases/${SRC}/schemas/cat/tables`)}`)).status, 404);
  assert.equal((await c.get(`api/v1/servers/${id}/objects/ddl?path=${encodeURIComponent(`/databases/${SRC}/schemas/cat/tables/nope`)}`)).status, 404);
  assert.match(await ddl(`/databases/${SRC}/languages/plpgsql`), /CREATE EXTENSION IF NOT EXISTS plpgsql;/);
  assert.match(await ddl(`/databases/${SRC}/languages/sql`), /built into PostgreSQL/);
  const mapping = await c.get(`api/v1/servers/${id}/objects/ddl?path=${encodeURIComponent(`/databases/${SRC}/foreign_data_wrappers/ddl_fdw/foreign_servers/ddl_srv/user_mappings`)}`);
  assert.equal(mapping.status, 404, 'a collection has no DDL');
});

test('roles and tablespaces: DDL like pg_dumpall, properties, and the DDL recreates the role', async () => {
  psql(`DROP ROLE IF EXISTS "ddl Role"; DROP ROLE IF EXISTS ddl_group;
    CREATE ROLE ddl_group; CREATE ROLE "ddl Role" LOGIN CREATEDB CONNECTION LIMIT 5 VALID UNTIL '2030-01-01 00:00:00+00';
    GRANT ddl_group TO "ddl Role" WITH ADMIN OPTION; COMMENT ON ROLE "ddl Role" IS 'it''s a test';
    ALTER ROLE "ddl Role" SET work_mem TO '8MB'; ALTER ROLE "ddl Role" IN DATABASE ${SRC} SET statement_timeout TO '5s';`);
  const text = await ddl('/roles/ddl Role');
  for (const want of [
    'CREATE ROLE "ddl Role";',
    'ALTER ROLE "ddl Role" WITH NOSUPERUSER INHERIT NOCREATEROLE CREATEDB LOGIN NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 5 VALID UNTIL',
    `COMMENT ON ROLE "ddl Role" IS 'it''s a test';`,
    `ALTER ROLE "ddl Role" SET work_mem TO '8MB';`,
    `ALTER ROLE "ddl Role" IN DATABASE ${SRC} SET statement_timeout TO '5s';`,
    'GRANT ddl_group TO "ddl Role" WITH ADMIN OPTION;',
  ]) assert.ok(text.includes(want), `missing: ${want}\n---\n${text}`);
  assert.doesNotMatch(text, /PASSWORD/);
  const props = Object.fromEntries((await c.get(`api/v1/servers/${id}/objects/properties?path=${encodeURIComponent('/roles/ddl Role')}`)).body.properties.map((p) => [p.name, p.value]));
  assert.equal(props.can_login, 't');
  assert.equal(props.create_databases, 't');
  assert.equal(props.connection_limit, '5');
  assert.equal(props.member_of, 'ddl_group');
  assert.equal(props.comment, "it's a test");
  // dropped and recreated from its DDL, the role is the same
  const before = psql(`SELECT row(r.*)::text FROM (SELECT rolname, rolsuper, rolcanlogin, rolcreatedb, rolconnlimit, rolvaliduntil, rolconfig FROM pg_roles WHERE rolname = 'ddl Role') r`);
  psql(`DROP OWNED BY "ddl Role"; DROP ROLE "ddl Role"`);
  psql(text);
  assert.equal(psql(`SELECT row(r.*)::text FROM (SELECT rolname, rolsuper, rolcanlogin, rolcreatedb, rolconnlimit, rolvaliduntil, rolconfig FROM pg_roles WHERE rolname = 'ddl Role') r`), before);
  // drop: previewed, no CASCADE for a role
  const drop = (cascade) => c.post(`api/v1/servers/${id}/objects/drop`, { path: '/roles/ddl Role', cascade, preview: true });
  assert.equal((await drop(false)).body.sql, 'DROP ROLE "ddl Role";');
  const cascade = await drop(true);
  assert.equal(cascade.status, 422);
  assert.equal(cascade.body.error.code, 'no_cascade');
  // the built-in tablespace
  assert.match(await ddl('/tablespaces/pg_default'), /-- pg_default is built into PostgreSQL/);
  const ts = Object.fromEntries((await c.get(`api/v1/servers/${id}/objects/properties?path=/tablespaces/pg_default`)).body.properties.map((p) => [p.name, p.value]));
  assert.equal(ts.name, 'pg_default');
  assert.match(ts.size, /\d+ (kB|MB|GB)/);
  assert.equal((await c.get(`api/v1/servers/${id}/objects/ddl?path=/roles/nobody_here`)).status, 404);
  assert.equal((await c.get(`api/v1/servers/${id}/objects/ddl?path=/roles/a/b`)).status, 404);
  psql(`DROP OWNED BY "ddl Role"; DROP ROLE "ddl Role"; DROP ROLE ddl_group`);
});

test('the DDL of aggregates, operators, collations, text search, casts, event triggers and publications', async () => {
  const base = `/databases/${SRC}/schemas/cat`;
  const checks = {
    [`${base}/aggregates/avg_sum(integer)`]: ['CREATE AGGREGATE cat.avg_sum(integer) (', 'SFUNC = int4pl', "INITCOND = '0'", 'COMBINEFUNC = int4pl', 'PARALLEL = SAFE'],
    [`${base}/operators/===(integer, integer)`]: ['CREATE OPERATOR cat.=== (', 'FUNCTION = int4eq', 'LEFTARG = integer'],
    [`${base}/collations/ci`]: ["CREATE COLLATION cat.ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);", "COMMENT ON COLLATION cat.ci IS 'case-insensitive';"],
    [`${base}/fts_configurations/simple_cfg`]: ['CREATE TEXT SEARCH CONFIGURATION cat.simple_cfg (PARSER = pg_catalog."default");', 'ADD MAPPING FOR asciiword WITH cat.simple_dict, pg_catalog.simple;'],
    [`${base}/fts_dictionaries/simple_dict`]: ["CREATE TEXT SEARCH DICTIONARY cat.simple_dict (TEMPLATE = pg_catalog.simple, stopwords = 'english');"],
    [`/databases/${SRC}/casts/cat.mood->integer`]: ['CREATE CAST (cat.mood AS integer) WITH FUNCTION cat.mood_score(cat.mood) AS ASSIGNMENT;'],
    [`/databases/${SRC}/event_triggers/cat_ddl`]: ["CREATE EVENT TRIGGER cat_ddl ON ddl_command_end WHEN TAG IN ('CREATE TABLE', 'ALTER TABLE') EXECUTE FUNCTION cat.on_ddl();", 'ALTER EVENT TRIGGER cat_ddl DISABLE;'],
    [`/databases/${SRC}/publications/ddl_pub`]: ["CREATE PUBLICATION ddl_pub WITH (publish = 'insert, update');", 'ALTER PUBLICATION ddl_pub ADD TABLE ONLY cat.parent;'],
    [`/databases/${SRC}/subscriptions/ddl_sub`]: ["CREATE SUBSCRIPTION ddl_sub CONNECTION 'host=127.0.0.1 dbname=nowhere' PUBLICATION ddl_pub WITH (connect = false, slot_name = NONE"],
  };
  for (const [path, wants] of Object.entries(checks)) {
    const text = await ddl(path);
    for (const want of wants) assert.ok(text.includes(want), `${path} misses: ${want}\n---\n${text}`);
  }
});

const dumpable = () => pgDumpMajor() >= Math.floor(serverVersion() / 10000);

test('round trip: Tusk DDL applied to an empty database gives the same pg_dump --schema-only', async (ctx) => {
  const base = `/databases/${SRC}/schemas/cat`;
  const db = `/databases/${SRC}`;
  const paths = [
    `${db}/foreign_data_wrappers/ddl_fdw`, `${db}/foreign_data_wrappers/ddl_fdw/foreign_servers/ddl_srv`,
    `${db}/foreign_data_wrappers/ddl_fdw/foreign_servers/ddl_srv/user_mappings/public`,
    `/databases/${SRC}/schemas/cat`,
    `${base}/types/mood`, `${base}/types/pair`, `${base}/types/floatrange`,
    `${base}/domains/posint`,
    // every sequence listed, once: a serial column's too (its table's DDL makes it the column's)
    ...(await c.get(`api/v1/servers/${id}/objects?path=${encodeURIComponent(`${base}/sequences`)}`)).body.nodes.map((n) => n.path),
    `${base}/functions/add(a integer, b integer)`, `${base}/procedures/noop()`, `${base}/trigger_functions/touch()`,
    `${base}/functions/mood_score(cat.mood)`, `${base}/trigger_functions/on_ddl()`,
    `${base}/aggregates/total(integer)`, `${base}/aggregates/avg_sum(integer)`, `${base}/operators/===(integer, integer)`,
    `${base}/collations/ci`, `${base}/fts_dictionaries/simple_dict`, `${base}/fts_configurations/simple_cfg`,
    `${base}/tables/parent`, `${base}/tables/child`, `${base}/tables/events`,
    `${base}/tables/events/partitions/events_2026`, `${base}/tables/odd%2Fname "x"`,
    `${base}/views/v_parent`, `${base}/materialized_views/mv_parent`, `${base}/foreign_tables/ft`,
    `${db}/casts/cat.mood->integer`, `${db}/publications/ddl_pub`, `${db}/event_triggers/cat_ddl`,
    `${db}/subscriptions/ddl_sub`,
  ];
  let script = '';
  for (const p of paths) script += `${await ddl(p)}\n`;
  const file = join(tempDir(), 'ddl.sql');
  writeFileSync(file, script);
  execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', DST, '-f', file], {
    env: { ...process.env, PGHOST: pg.host, PGPORT: String(pg.port), PGUSER: pg.user, PGPASSWORD: pg.password },
  });
  // the DDL applies on every version; the dumps compare only where Debian's pg_dump can read the server
  if (!dumpable()) {
    ctx.skip(`applied; pg_dump ${pgDumpMajor()} cannot dump PostgreSQL ${Math.floor(serverVersion() / 10000)} to compare`);
    return;
  }
  const want = dump(SRC), got = dump(DST);
  if (want !== got) {
    const a = want.split('\n'), b = got.split('\n');
    const i = a.findIndex((l, k) => l !== b[k]);
    assert.fail(`dumps differ at line ${i}:\n  original: ${a[i]}\n  from Tusk: ${b[i]}\n--- Tusk DDL ---\n${script}`);
  }
});

test('a base type answers CREATE TYPE with its I/O functions and storage', async () => {
  psql(`DROP SCHEMA IF EXISTS ddl_base CASCADE; CREATE SCHEMA ddl_base; CREATE TYPE ddl_base.num4;
    CREATE FUNCTION ddl_base.num4_in(cstring) RETURNS ddl_base.num4 AS 'int4in' LANGUAGE internal IMMUTABLE STRICT;
    CREATE FUNCTION ddl_base.num4_out(ddl_base.num4) RETURNS cstring AS 'int4out' LANGUAGE internal IMMUTABLE STRICT;
    CREATE TYPE ddl_base.num4 (INPUT = ddl_base.num4_in, OUTPUT = ddl_base.num4_out, INTERNALLENGTH = 4, PASSEDBYVALUE,
      ALIGNMENT = int4, CATEGORY = 'N', DEFAULT = '0');
    COMMENT ON TYPE ddl_base.num4 IS 'four bytes'`);
  try {
    const text = await ddl('/databases/postgres/schemas/ddl_base/types/num4');
    assert.equal(text.split('\n').slice(0, 9).join('\n'), [
      'CREATE TYPE ddl_base.num4 (',
      '    INPUT = ddl_base.num4_in,',
      '    OUTPUT = ddl_base.num4_out,',
      '    INTERNALLENGTH = 4,',
      '    PASSEDBYVALUE,',
      '    ALIGNMENT = int4,',
      '    STORAGE = plain,',
      "    CATEGORY = 'N',",
      "    DEFAULT = '0'",
    ].join('\n'));
    assert.match(text, /COMMENT ON TYPE ddl_base\.num4 IS 'four bytes';/);
    // the DDL recreates the type over a shell with the same functions
    psql(`DROP TYPE ddl_base.num4 CASCADE; CREATE TYPE ddl_base.num4;
      CREATE FUNCTION ddl_base.num4_in(cstring) RETURNS ddl_base.num4 AS 'int4in' LANGUAGE internal IMMUTABLE STRICT;
      CREATE FUNCTION ddl_base.num4_out(ddl_base.num4) RETURNS cstring AS 'int4out' LANGUAGE internal IMMUTABLE STRICT;
      ${text}`);
    assert.equal(psql("SELECT '42'::ddl_base.num4::text"), '42');
  } finally {
    psql('DROP SCHEMA ddl_base CASCADE');
  }
});
