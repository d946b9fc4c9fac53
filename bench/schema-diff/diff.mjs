// Schema Diff at scale: two databases, each with a schema `app` of TABLES tables (default 5,000;
// 4 to 8 columns, a primary key, an index on every third, a foreign key on every fifth to an
// earlier table, a view on every tenth), the target differing from the source in 2 % of the
// tables (a column added, one retyped, an index gone, a comment). Times POST /api/v1/schema-diff
// through the API (a warm-up, then RUNS runs: median and maximum) and the size of the answer.
// Starts its own PostgreSQL and the release tusk.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(new URL('../..', import.meta.url).pathname);
const bin = process.env.TUSK_BIN || join(root, 'build/release/tusk');
const TABLES = Number(process.env.DIFF_TABLES || 5000);
const RUNS = Number(process.env.DIFF_RUNS || 3);

const base = mkdtempSync(join(tmpdir(), 'tusk-bench-diff-'));
chmodSync(base, 0o755);
const pgDir = join(base, 'pg');
execFileSync(join(root, 'scripts/pg-cluster.sh'), ['start', pgDir]);
const env = Object.fromEntries(readFileSync(join(pgDir, 'env'), 'utf8').trim().split('\n').map((l) => l.split(/=(.*)/s).slice(0, 2)));
const pgEnv = { ...process.env, ...env };
const psql = (sql, db) => execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', db], { env: pgEnv, input: sql });

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

for (const [db, target] of [['src', false], ['tgt', true]]) {
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

const tusk = spawn(bin, ['--listen', '127.0.0.1', '--port', '0', '--data-dir', join(base, 'data')], {
  env: { PATH: process.env.PATH, TUSK_ALLOW_ROOT: '1', PGADMIN_DEFAULT_EMAIL: 'bench@tusk.local', PGADMIN_DEFAULT_PASSWORD: 'bench password' },
  stdio: ['ignore', 'ignore', 'pipe'],
});
let log = '';
tusk.stderr.on('data', (d) => {
  if (log.length < 65536) log += d;
});
const url = await new Promise((res) => {
  const check = setInterval(() => {
    const m = log.match(/tusk ready url=(\S+)/);
    if (m) {
      clearInterval(check);
      res(m[1].replace('localhost', '127.0.0.1'));
    }
  }, 10);
});
let cookie = '';
let csrf = '';
async function api(method, path, body) {
  const res = await fetch(new URL(path, url), { method, headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf }, body: body && JSON.stringify(body) });
  const set = res.headers.getSetCookie()[0];
  if (set) cookie = set.split(';')[0];
  return { text: await res.text(), status: res.status };
}
csrf = JSON.parse((await api('POST', 'api/v1/auth/login', { email: 'bench@tusk.local', password: 'bench password' })).text).csrf_token;
const server = JSON.parse((await api('POST', 'api/v1/servers', { name: 'b', host: env.PGHOST, port: Number(env.PGPORT), username: env.PGUSER })).text).server;
await api('POST', `api/v1/servers/${server.id}/connect`, { password: env.PGPASSWORD });

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
// with both DDLs of every object that differs (the default), and without the tables' (table_ddl: false)
for (const tableDdl of [true, false]) {
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
  console.log(JSON.stringify({
    tables: TABLES, table_ddl: tableDdl, objects: out.objects.length, summary: out.summary, statements: out.statements.length,
    answer_mb: +(answer.text.length / 1048576).toFixed(1),
    diff_ms: { median: Math.round(median(times)), max: Math.round(Math.max(...times)) },
  }));
}
tusk.kill('SIGTERM');
await new Promise((r) => tusk.on('exit', r));
execFileSync(join(root, 'scripts/pg-cluster.sh'), ['destroy', pgDir]);
rmSync(base, { recursive: true, force: true });
