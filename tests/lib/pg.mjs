// The test cluster that scripts/test.sh started (TEST_PG* variables), and
// psql for arranging fixtures in it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(new URL('../..', import.meta.url).pathname);

export const pg = {
  host: process.env.TEST_PGHOST || '127.0.0.1',
  port: Number(process.env.TEST_PGPORT || 5432),
  user: process.env.TEST_PGUSER || 'postgres',
  password: process.env.TEST_PGPASSWORD || '',
  dir: process.env.TEST_PG_DIR,
  /* the server's own client programs (pg_dump, pg_restore, psql) */
  bin: process.env.TEST_PG_BIN || '/usr/lib/postgresql/15/bin',
};

export function psql(sql, { db = 'postgres', cluster = pg } = {}) {
  return execFileSync('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', db, '-c', sql], {
    env: { ...process.env, PGHOST: cluster.host, PGPORT: String(cluster.port), PGUSER: cluster.user, PGPASSWORD: cluster.password },
    encoding: 'utf8',
  }).trim();
}

// A second, private cluster for tests that stop and start PostgreSQL; bin: another server's
// binaries (scripts/pg-server-bin.sh), else Debian's.
export function startCluster({ bin } = {}) {
  const dir = join(mkdtempSync(join(tmpdir(), 'tusk-pg-')), 'pg');
  chmodSync(join(dir, '..'), 0o755);
  const runEnv = bin ? { ...process.env, PG_BIN: bin } : process.env;
  execFileSync(join(root, 'scripts/pg-cluster.sh'), ['start', dir], { stdio: 'inherit', env: runEnv });
  const env = Object.fromEntries(readFileSync(join(dir, 'env'), 'utf8').trim().split('\n').map((l) => l.split(/=(.*)/s).slice(0, 2)));
  const cluster = { host: env.PGHOST, port: Number(env.PGPORT), user: env.PGUSER, password: env.PGPASSWORD, dir };
  cluster.stop = () => execFileSync(join(root, 'scripts/pg-cluster.sh'), ['stop', dir], { env: runEnv });
  cluster.start = () => execFileSync(join(root, 'scripts/pg-cluster.sh'), ['start', dir, String(cluster.port)], { env: runEnv });
  cluster.destroy = () => execFileSync(join(root, 'scripts/pg-cluster.sh'), ['destroy', dir], { env: runEnv });
  return cluster;
}

// server_version_num of the cluster, e.g. 150020
export function serverVersion(cluster = pg) {
  return Number(psql('SHOW server_version_num', { cluster }));
}

// The major version of the pg_dump on PATH (a client older than the server refuses to dump it).
export function pgDumpMajor() {
  const out = execFileSync('pg_dump', ['--version'], { encoding: 'utf8' });
  return Number(out.match(/(\d+)\.\d+/)[1]);
}
