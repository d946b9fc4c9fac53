// Reverse-engineered DDL: applied in dependency order to an empty database,
// Tusk's DDL must give the same `pg_dump --schema-only` as the original.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startTusk, tempDir, ADMIN } from '../lib/tusk.mjs';
import { Client } from '../lib/http.mjs';
import { pg, psql, serverVersion, pgDumpMajor } from '../lib/pg.mjs';

const SRC = 'ddl_src', DST = 'ddl_dst';
let t, c, id;

// Kinds whose DDL Tusk does not write yet (docs/compatibility.md says so).
const UNSUPPORTED = 'DROP AGGREGATE cat.total(int); DROP OPERATOR cat.=== (int, int); DROP COLLATION cat.ci; DROP TEXT SEARCH CONFIGURATION cat.simple_cfg;';

before(async () => {
  for (const db of [SRC, DST]) {
    psql(`DROP DATABASE IF EXISTS ${db}`);
    psql(`CREATE DATABASE ${db}`);
  }
  psql(readFileSync(new URL('../fixtures/catalog.sql', import.meta.url), 'utf8') + UNSUPPORTED, { db: SRC });
  psql(`COMMENT ON TABLE cat.parent IS 'the parent''s table'; COMMENT ON COLUMN cat.parent.code IS 'business key';
        DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ddl_reader') THEN CREATE ROLE ddl_reader; END IF; END $$; GRANT SELECT, INSERT ON cat.parent TO ddl_reader; GRANT USAGE ON SCHEMA cat TO ddl_reader;
        COMMENT ON FUNCTION cat.add(int, int) IS 'adds';`, { db: SRC });
  t = await startTusk({});
  c = new Client(t.url);
  c.csrf = (await c.post('api/v1/auth/login', ADMIN)).body.csrf_token;
  id = (await c.post('api/v1/servers', { name: 'pg', host: pg.host, port: pg.port, username: pg.user })).body.server.id;
  assert.equal((await c.post(`api/v1/servers/${id}/connect`, { password: pg.password })).status, 200);
});

after(async () => {
  if (t) assert.equal(await t.stop(), 0, t.output());
});

async function ddl(path) {
  const r = await c.get(`api/v1/servers/${id}/objects/ddl?path=${encodeURIComponent(path)}`);
  assert.equal(r.status, 200, `${path}: ${r.raw}`);
  assert.match(r.headers.get('content-type'), /text\/plain/);
  return r.raw;
}

function dump(db) {
  const out = execFileSync('pg_dump', ['--schema-only', '--no-comments=false', '-n', 'cat', '-d', db].filter((a) => a !== '--no-comments=false'), {
    env: { ...process.env, PGHOST: pg.host, PGPORT: String(pg.port), PGUSER: pg.user, PGPASSWORD: pg.password },
    encoding: 'utf8',
  });
  return out.split('\n').filter((l) => !l.startsWith('--') && !/^SET |^SELECT pg_catalog.set_config|^\\(un)?restrict /.test(l)).join('\n').replace(/\n{3,}/g, '\n\n').trim();
}

test('the DDL of a table shows its columns, constraints, comments, grants, indexes, triggers, policies, rules', async () => {
  const text = await ddl(`/databases/${SRC}/schemas/cat/tables/parent`);
  for (const want of [
    'CREATE TABLE cat.parent (',
    'id integer GENERATED ALWAYS AS IDENTITY NOT NULL',
    'doubled numeric GENERATED ALWAYS AS ((amount * (2)::numeric)) STORED',
    'CONSTRAINT parent_pkey PRIMARY KEY (id)',
    "COMMENT ON TABLE cat.parent IS 'the parent''s table';",
    "COMMENT ON COLUMN cat.parent.code IS 'business key';",
    'GRANT INSERT ON TABLE cat.parent TO ddl_reader;',
    'CREATE INDEX parent_lower_code ON cat.parent USING btree (lower(code));',
    'CREATE TRIGGER parent_touch BEFORE UPDATE ON cat.parent FOR EACH ROW EXECUTE FUNCTION cat.touch();',
    'ALTER TABLE cat.parent ENABLE ROW LEVEL SECURITY;',
    'CREATE POLICY parent_policy ON cat.parent AS PERMISSIVE FOR ALL TO PUBLIC USING ((amount > (0)::numeric));',
    'CREATE RULE parent_rule AS',
    'CREATE STATISTICS cat.parent_stats ON code, amount FROM cat.parent;',
  ]) assert.ok(text.includes(want), `missing: ${want}\n---\n${text}`);
  assert.equal((await c.get(`api/v1/servers/${id}/objects/ddl?path=${encodeURIComponent(`/databases/${SRC}/schemas/cat/tables`)}`)).status, 404);
  assert.equal((await c.get(`api/v1/servers/${id}/objects/ddl?path=${encodeURIComponent(`/databases/${SRC}/schemas/cat/tables/nope`)}`)).status, 404);
  const cast = await c.get(`api/v1/servers/${id}/objects/ddl?path=${encodeURIComponent(`/databases/${SRC}/languages/plpgsql`)}`);
  assert.equal(cast.status, 422);
  assert.equal(cast.body.error.code, 'ddl_unavailable');
});

const dumpable = () => pgDumpMajor() >= Math.floor(serverVersion() / 10000);

test('round trip: Tusk DDL applied to an empty database gives the same pg_dump --schema-only', async (ctx) => {
  if (!dumpable()) {
    ctx.skip(`pg_dump ${pgDumpMajor()} cannot dump PostgreSQL ${Math.floor(serverVersion() / 10000)}`);
    return;
  }
  const base = `/databases/${SRC}/schemas/cat`;
  const paths = [
    `/databases/${SRC}/schemas/cat`,
    `${base}/types/mood`, `${base}/types/pair`, `${base}/types/floatrange`,
    `${base}/domains/posint`,
    `${base}/sequences/seq`,
    `${base}/functions/add(a integer, b integer)`, `${base}/procedures/noop()`, `${base}/trigger_functions/touch()`,
    `${base}/tables/parent`, `${base}/tables/child`, `${base}/tables/events`,
    `${base}/tables/events/partitions/events_2026`, `${base}/tables/odd%2Fname "x"`,
    `${base}/views/v_parent`, `${base}/materialized_views/mv_parent`,
  ];
  let script = '';
  for (const p of paths) script += `${await ddl(p)}\n`;
  const file = join(tempDir(), 'ddl.sql');
  writeFileSync(file, script);
  execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', DST, '-f', file], {
    env: { ...process.env, PGHOST: pg.host, PGPORT: String(pg.port), PGUSER: pg.user, PGPASSWORD: pg.password },
  });
  const want = dump(SRC), got = dump(DST);
  if (want !== got) {
    const a = want.split('\n'), b = got.split('\n');
    const i = a.findIndex((l, k) => l !== b[k]);
    assert.fail(`dumps differ at line ${i}:\n  original: ${a[i]}\n  from Tusk: ${b[i]}\n--- Tusk DDL ---\n${script}`);
  }
});
