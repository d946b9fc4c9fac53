// Schema Diff at scale: two databases, each with a schema `app` of TABLES tables (default 5,000;
// 4 to 8 columns, a primary key, an index on every third, a foreign key on every fifth to an
// earlier table, a view on every tenth), the target differing from the source in 2 % of the
// tables (a column added, one retyped, an index gone, a comment). Times POST /api/v1/schema-diff
// through the API (a warm-up, then RUNS runs: median and maximum) and the size of the answer.
// Starts its own PostgreSQL and the release tusk (TUSK_BIN for another build). DIFF_KEEP=DIR keeps
// the cluster and its two databases in DIR between runs (made on the first, reused after).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root, startPg, startTusk } from '../lib.mjs';

const TABLES = Number(process.env.DIFF_TABLES || 5000);
const RUNS = Number(process.env.DIFF_RUNS || 3);
const RUNS_ONLY = process.env.DIFF_ONLY; // 'ddl' or 'noddl': one of the two measurements
const SAVE = process.env.DIFF_SAVE; // PREFIX: the last answer of each measurement in PREFIX-ddl.json, PREFIX-noddl.json

// a kept cluster: {base, env, psql, stop (leaves it running)}
function keptPg(dir) {
  mkdirSync(dir, { recursive: true });
  const pid = join(dir, 'pg/data/postmaster.pid');
  if (!existsSync(pid) || !existsSync(join(dir, 'pg/env'))) execFileSync(join(root, 'scripts/pg-cluster.sh'), ['start', join(dir, 'pg')]);
  const env = Object.fromEntries(readFileSync(join(dir, 'pg/env'), 'utf8').trim().split('\n').map((l) => l.split(/=(.*)/s).slice(0, 2)));
  const pgEnv = { ...process.env, ...env };
  return {
    base: dir, env,
    psql: (sql, db) => execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', db], { env: pgEnv, input: sql }),
    stop() {},
  };
}
const keep = process.env.DIFF_KEEP;
const made = keep && existsSync(join(keep, 'made')) && readFileSync(join(keep, 'made'), 'utf8') === String(TABLES);
const pg = keep ? keptPg(keep) : startPg('diff');
const psql = pg.psql;
if (keep && !made) for (const db of ['src', 'tgt']) psql(`DROP DATABASE IF EXISTS ${db}`, 'postgres');

// one table's DDL; changed: the target's version of a table that differs
function table(i, changed) {
  const cols = [`id integer PRIMARY KEY`];
  for (let c = 0; c < 3 + (i % 5); c++) cols.push(`c${c} ${c % 2 ? 'text' : 'integer'}${c === 0 ? ' NOT NULL DEFAULT 0' : ''}`);
  if (i % 5 === 0 && i > 0) cols.push(`ref integer REFERENCES app.t${Math.max(0, i - 1 - (i % 7))} (id)`);
  if (changed) cols.push('extra text');
  if (changed) cols[1] = 'c0 bigint NOT NULL DEFAULT 0';
  let sql = `CREATE TABLE app.t${i} (${cols.join(', ')});\n`;
  if (i % 3 === 0 && !changed) sql += `CREATE INDEX t${i}_c0 ON app.t${i} (c0);\n`;
  if (i % 10 === 0) sql += `CREATE VIEW app.v${i} AS SELECT id, c1 FROM app.t${i};\n`;
  if (changed) sql += `COMMENT ON TABLE app.t${i} IS 'changed';\n`;
  return sql;
}

for (const [db, target] of made ? [] : [['src', false], ['tgt', true]]) {
  psql(`CREATE DATABASE ${db}`, 'postgres');
  let sql = 'CREATE SCHEMA app;\n';
  for (let i = 0; i < TABLES; i++) {
    sql += table(i, target && i % 50 === 7);
    if (sql.length > 200000) {
      psql(sql, db);
      sql = '';
    }
  }
  psql(sql, db);
}

if (keep && !made) writeFileSync(join(keep, 'made'), String(TABLES));
if (keep) rmSync(join(keep, 'data'), { recursive: true, force: true }); // tusk's own data: a fresh store each run
const tusk = await startTusk(pg.base, pg.env);
const { api } = tusk;
const server = { id: tusk.serverId };

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
// with both DDLs of every object that differs (the default), and without the tables' (table_ddl: false)
for (const tableDdl of [true, false].filter((d) => !RUNS_ONLY || (RUNS_ONLY === 'ddl') === d)) {
  const body = {
    source: { server_id: server.id, database: 'src', schema: 'app' }, target: { server_id: server.id, database: 'tgt', schema: 'app' },
    options: { table_ddl: tableDdl },
  };
  const times = [];
  let answer;
  for (let i = 0; i <= RUNS; i++) {
    const t0 = performance.now();
    answer = await api('POST', 'api/v1/schema-diff', body);
    if (answer.status !== 200) throw new Error(`schema-diff: ${answer.status} ${answer.text}`);
    if (i > 0) times.push(performance.now() - t0);
  }
  const out = JSON.parse(answer.text);
  if (SAVE) writeFileSync(`${SAVE}-${tableDdl ? 'ddl' : 'noddl'}.json`, answer.text);
  console.log(JSON.stringify({
    tables: TABLES, table_ddl: tableDdl, objects: out.objects.length, summary: out.summary, statements: out.statements.length,
    answer_mb: +(answer.text.length / 1048576).toFixed(1),
    diff_ms: { median: Math.round(median(times)), max: Math.round(Math.max(...times)) },
  }));
}
await tusk.stop();
pg.stop();
