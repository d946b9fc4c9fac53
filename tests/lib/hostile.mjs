// Hostile names for the tree's statements (drop, rename, comment, owner,
// schema): names with " on ", " ON ", ".", '"', "'", "\", "/", "%",
// spaces, mixed case, unicode, keywords and exactly 63 bytes, each made
// beside siblings named what a wrong reading of PostgreSQL's identity text
// would give ("a ON b", "a", "b", "x", "y"). exercise() walks one kind of
// object through its path, properties, DDL, comment, owner, rename, schema
// and drop, and after every step compares pg_catalog with what should be:
// exactly that object changed, every sibling stayed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startTusk, ADMIN } from './tusk.mjs';
import { Client } from './http.mjs';
import { pg, psql } from './pg.mjs';

export const LONG = `${'ü'.repeat(30)}.on`; // 63 bytes
export const LONG_RENAMED = `${'é'.repeat(30)} 2.`; // 63 bytes
export const HOSTILE = ['a on b', 'x.y', `Q"u'o\\t/e%d Ünï SELECT`, 'select', LONG];
export const RENAMED = { 'a on b': 'A on B r', 'x.y': 'x.y.z', [HOSTILE[2]]: `${HOSTILE[2]} r`, select: 'Order', [LONG]: LONG_RENAMED };
export const BAIT = ['a ON b', 'a', 'b', 'x', 'y'];
/** Every name a kind's rows are looked for by. */
export const EVERY_NAME = [...HOSTILE, ...BAIT, ...Object.values(RENAMED)];
/** The role objects are given to; made by open(), dropped by close(). */
export const OWNER = 'hn owner "o" on x';

export const lit = (s) => `'${s.replace(/'/g, "''")}'`;
export const ident = (s) => `"${s.replace(/"/g, '""')}"`;
export const arr = (names) => `ARRAY[${names.map(lit).join(', ')}]::text[]`;
/** A name as a path segment: '/' and '%' escaped, as Tusk's paths have them. */
export const seg = (s) => s.replace(/%/g, '%25').replace(/\//g, '%2F');

/**
 * One psql kept open on db for the many small catalog queries the checks
 * make (a psql per query costs tens of milliseconds): query(sql) resolves to
 * its output, as psql -At prints it.
 */
function psqlSession(db) {
  const proc = spawn('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', db], {
    env: { ...process.env, PGHOST: pg.host, PGPORT: String(pg.port), PGUSER: pg.user, PGPASSWORD: pg.password },
  });
  const MARK = '--tusk-test-end--';
  let out = '';
  let err = '';
  let pending = null;
  const settle = () => {
    const at = out.indexOf(`${MARK}\n`);
    if (!pending || at < 0) return;
    const { resolve } = pending;
    pending = null;
    const text = out.slice(0, at).trim();
    out = out.slice(at + MARK.length + 1);
    resolve(text);
  };
  proc.stdout.setEncoding('utf8').on('data', (d) => {
    out += d;
    settle();
  });
  proc.stderr.setEncoding('utf8').on('data', (d) => (err += d));
  proc.on('exit', () => pending?.reject(new Error(`psql stopped: ${err}`)));
  return {
    query(sql) {
      assert.equal(pending, null, 'one query at a time');
      return new Promise((resolve, reject) => {
        pending = { resolve, reject };
        proc.stdin.write(`${sql};\n\\echo ${MARK}\n`);
      });
    },
    close() {
      proc.stdin.end();
    },
  };
}

/** A fresh database and a tusk connected to the test cluster; close() ends both. */
export async function open(db) {
  assert.equal(Buffer.byteLength(LONG), 63);
  assert.equal(Buffer.byteLength(LONG_RENAMED), 63);
  if (psql(`SELECT count(*) FROM pg_database WHERE datname = ${lit(db)}`) !== '0') {
    // a run stopped half way: its subscriptions (slotless) keep the database from being dropped
    psql(`DO $$ DECLARE s text; BEGIN FOR s IN SELECT subname FROM pg_subscription WHERE subdbid = (SELECT oid FROM pg_database WHERE datname = current_database()) LOOP
      EXECUTE format('ALTER SUBSCRIPTION %I DISABLE', s); EXECUTE format('ALTER SUBSCRIPTION %I SET (slot_name = NONE)', s); EXECUTE format('DROP SUBSCRIPTION %I', s); END LOOP; END $$`, { db });
    psql(`DROP DATABASE ${db} WITH (FORCE)`);
  }
  psql(`CREATE DATABASE ${db}`);
  psql(`DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${lit(OWNER)}) THEN CREATE ROLE ${ident(OWNER)}; END IF; END $$`);
  const t = await startTusk({});
  const c = new Client(t.url);
  c.csrf = (await c.post('api/v1/auth/login', ADMIN)).body.csrf_token;
  const id = (await c.post('api/v1/servers', { name: 'pg', host: pg.host, port: pg.port, username: pg.user })).body.server.id;
  assert.equal((await c.post(`api/v1/servers/${id}/connect`, { password: pg.password })).status, 200);
  const sql = (s) => psql(s, { db });
  const session = psqlSession(db);
  const api = {
    t,
    c,
    id,
    db,
    sql,
    /** sql through the one open psql: for the checks after each step. */
    query: (s) => session.query(s),
    dbPath: `/databases/${db}`,
    drop: (path, extra = {}) => c.post(`api/v1/servers/${id}/objects/drop`, { path, ...extra }),
    alter: (path, changes, preview = false) => c.post(`api/v1/servers/${id}/objects/alter`, { path, changes, preview }),
    create: (kind, spec, preview = false) => c.post(`api/v1/servers/${id}/objects/create`, { database: db, kind, spec, preview }),
    /** PostgreSQL's own quoting: the oracle for exact statements. */
    qi: (s) => sql(`SELECT quote_ident(${lit(s)})`),
    async close() {
      session.close();
      assert.equal(await t.stop(), 0, t.output());
      psql(`DROP DATABASE ${db}`);
    },
  };
  return api;
}

/** The kind's rows ([key, schema, owner, comment]) as {key: [schema, owner, comment]}. */
async function snapshot(api, k, schemas) {
  const rows = k.rows(schemas, k.scope ?? EVERY_NAME);
  return JSON.parse(await api.query(`SELECT COALESCE(json_object_agg(x.k, json_build_array(x.s, x.o, x.c)), '{}') FROM (${rows}) x (k, s, o, c)`));
}

async function members(api, path) {
  const r = await api.c.get(`api/v1/servers/${api.id}/objects?path=${encodeURIComponent(path)}`);
  assert.equal(r.status, 200, `${path}: ${r.raw}`);
  return r.body.nodes.map((n) => n.path);
}

/** Its properties answer, and its DDL answers or says it is not written for the kind yet. */
async function readable(api, path) {
  const props = await api.c.get(`api/v1/servers/${api.id}/objects/properties?path=${encodeURIComponent(path)}`);
  assert.equal(props.status, 200, `properties of ${path}: ${props.raw}`);
  const ddl = await api.c.get(`api/v1/servers/${api.id}/objects/ddl?path=${encodeURIComponent(path)}`);
  assert.ok(ddl.status === 200 || (ddl.status === 422 && ddl.body.error.code === 'ddl_unavailable'), `DDL of ${path}: ${ddl.status} ${ddl.raw}`);
}

/**
 * Walks kind k through comment, owner, rename, schema and drop for each of
 * its hostile names (k.hostile, default HOSTILE; its siblings k.bait,
 * default BAIT), checking pg_catalog after every step. k: {kind, key(name)
 * the row key, segment(name) the path segment, rows(schemas, names) SQL of
 * (key, schema, owner, comment), can: {comment, owner, rename, schema},
 * renamed?, dropsAlone? (its DROP runs outside a transaction block)}.
 * where: the collection's path, and where it is after a move to schema2.
 */
export async function exercise(api, k, { schema = null, schema2 = null, collectionPath, collectionPath2 = collectionPath }) {
  const key = k.key ?? ((n) => n);
  const segment = k.segment ?? seg;
  const hostile = k.hostile ?? HOSTILE;
  const bait = k.bait ?? BAIT;
  const schemas = [schema, schema2].filter(Boolean);
  const seen = () => snapshot(api, k, schemas);
  const expected = await seen();
  for (const n of [...hostile, ...bait]) assert.ok(key(n) in expected, `${k.kind} ${JSON.stringify(n)} was made: ${JSON.stringify(expected)}`);
  const listed = await members(api, collectionPath);
  for (const n of [...hostile, ...bait])
    assert.ok(listed.includes(`${collectionPath}/${segment(n)}`), `${k.kind} ${JSON.stringify(n)} is listed by its path: ${JSON.stringify(listed)}`);
  for (const h of hostile) {
    let name = h;
    let path = `${collectionPath}/${segment(h)}`;
    const where = `${k.kind} ${JSON.stringify(h)}`;
    await readable(api, path);
    if (k.can.comment) {
      const r = await api.alter(path, { comment: `it's ${h}` });
      assert.equal(r.status, 200, `${where} comment: ${r.raw}`);
      expected[key(name)][2] = `it's ${h}`;
      assert.deepEqual(await seen(), expected, `${where}: commented alone (${r.body.sql})`);
    }
    if (k.can.owner) {
      const r = await api.alter(path, { owner: OWNER });
      assert.equal(r.status, 200, `${where} owner: ${r.raw}`);
      expected[key(name)][1] = OWNER;
      assert.deepEqual(await seen(), expected, `${where}: its owner alone changed (${r.body.sql})`);
    }
    if (k.can.rename) {
      const to = (k.renamed ?? RENAMED)[h];
      const r = await api.alter(path, { name: to });
      assert.equal(r.status, 200, `${where} rename: ${r.raw}`);
      assert.equal(r.body.done, true);
      expected[key(to)] = expected[key(name)];
      delete expected[key(name)];
      assert.deepEqual(await seen(), expected, `${where}: renamed alone (${r.body.sql})`);
      name = to;
      path = `${collectionPath}/${segment(to)}`;
    }
    if (k.can.schema && schema2) {
      const r = await api.alter(path, { schema: schema2 });
      assert.equal(r.status, 200, `${where} schema: ${r.raw}`);
      expected[key(name)][0] = schema2;
      assert.deepEqual(await seen(), expected, `${where}: moved alone (${r.body.sql})`);
      path = `${collectionPath2}/${segment(name)}`;
    }
    const pre = await api.drop(path, { preview: true });
    assert.equal(pre.status, 200, `${where} drop preview: ${pre.raw}`);
    assert.equal(pre.body.done, false);
    assert.equal(pre.body.transaction, !k.dropsAlone, `${where}: ${pre.body.sql} runs ${k.dropsAlone ? 'alone' : 'in a transaction'}`);
    assert.deepEqual(await seen(), expected, `${where}: the preview dropped nothing`);
    const r = await api.drop(path);
    assert.equal(r.status, 200, `${where} drop: ${r.raw}`);
    assert.equal(r.body.sql, pre.body.sql, `${where}: what ran is what was previewed`);
    delete expected[key(name)];
    assert.deepEqual(await seen(), expected, `${where}: dropped alone (${r.body.sql})`);
  }
  for (const n of bait) assert.ok(key(n) in expected, `${k.kind} ${JSON.stringify(n)} stays`);
}
