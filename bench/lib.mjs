// What a benchmark needs around it: a private PostgreSQL, the release tusk on a free port, and a
// logged-in API client (cookie and CSRF token).
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const root = resolve(new URL('..', import.meta.url).pathname);
// the binary measured: TUSK_BIN, else the release build
export const tuskBin = process.env.TUSK_BIN || join(root, 'build/release/tusk');

// A PostgreSQL cluster in a new temporary folder: {env (PGHOST...), psql(sql, db), stop()}.
export function startPg(name) {
  const base = mkdtempSync(join(tmpdir(), `tusk-bench-${name}-`));
  chmodSync(base, 0o755);
  const dir = join(base, 'pg');
  execFileSync(join(root, 'scripts/pg-cluster.sh'), ['start', dir]);
  const env = Object.fromEntries(readFileSync(join(dir, 'env'), 'utf8').trim().split('\n').map((l) => l.split(/=(.*)/s).slice(0, 2)));
  const pgEnv = { ...process.env, ...env };
  return {
    base, env,
    psql: (sql, db) => execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', db], { env: pgEnv, input: sql }),
    stop() {
      execFileSync(join(root, 'scripts/pg-cluster.sh'), ['destroy', dir]);
      rmSync(base, { recursive: true, force: true });
    },
  };
}

// The tusk binary (TUSK_BIN, else the release build) with its data in base, logged in as an
// administrator and connected to the cluster: {api(method, path, body), url, serverId,
// pid, cookie, stop()}.
export async function startTusk(base, pgEnv) {
  const tusk = spawn(tuskBin, ['--listen', '127.0.0.1', '--port', '0', '--data-dir', join(base, 'data')], {
    env: { PATH: process.env.PATH, TUSK_ALLOW_ROOT: '1', PGADMIN_DEFAULT_EMAIL: 'bench@tusk.local', PGADMIN_DEFAULT_PASSWORD: 'bench password' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  tusk.stderr.on('data', (d) => {
    if (log.length < 65536) log += d;
  });
  const url = await new Promise((res, rej) => {
    const timer = setTimeout(() => {
      clearInterval(check);
      rej(new Error(`tusk did not start within 20 s:\n${log}`));
    }, 20000);
    const check = setInterval(() => {
      const m = log.match(/tusk ready url=(\S+)/);
      if (m) {
        clearInterval(check);
        clearTimeout(timer);
        res(m[1].replace('localhost', '127.0.0.1'));
      }
    }, 10);
  });
  let cookie = '', csrf = '';
  async function api(method, path, body) {
    const res = await fetch(new URL(path, url), { method, headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf }, body: body && JSON.stringify(body) });
    const set = res.headers.getSetCookie()[0];
    if (set) cookie = set.split(';')[0];
    return { text: await res.text(), status: res.status };
  }
  csrf = JSON.parse((await api('POST', 'api/v1/auth/login', { email: 'bench@tusk.local', password: 'bench password' })).text).csrf_token;
  const server = JSON.parse((await api('POST', 'api/v1/servers', { name: 'b', host: pgEnv.PGHOST, port: Number(pgEnv.PGPORT), username: pgEnv.PGUSER })).text).server;
  await api('POST', `api/v1/servers/${server.id}/connect`, { password: pgEnv.PGPASSWORD });
  return {
    api, url, serverId: server.id, pid: tusk.pid,
    get cookie() {
      return cookie;
    },
    async stop() {
      tusk.kill('SIGTERM');
      await new Promise((r) => tusk.on('exit', r));
    },
  };
}
