// Dashboard sampling cost: with 1 and then 20 browsers watching the same
// server's dashboard for 10 s each, how many sample queries the monitored
// server runs per second and what each costs it (pg_stat_statements), and
// Tusk's CPU and memory. Starts its own PostgreSQL and release tusk.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(new URL('../..', import.meta.url).pathname);
const bin = process.env.TUSK_BIN || join(root, 'build/release/tusk');
const SECONDS = 10;

const base = mkdtempSync(join(tmpdir(), 'tusk-bench-d-'));
chmodSync(base, 0o755);
const pgDir = join(base, 'pg');
execFileSync(join(root, 'scripts/pg-cluster.sh'), ['start', pgDir]);
const env = Object.fromEntries(readFileSync(join(pgDir, 'env'), 'utf8').trim().split('\n').map((l) => l.split(/=(.*)/s).slice(0, 2)));
const psql = (sql) => execFileSync('psql', ['-X', '-q', '-At', '-c', sql], { env: { ...process.env, ...env }, encoding: 'utf8' }).trim();
psql('CREATE EXTENSION pg_stat_statements');

const tusk = spawn(bin, ['--listen', '127.0.0.1', '--port', '0', '--data-dir', join(base, 'data')], {
  env: { PATH: process.env.PATH, TUSK_ALLOW_ROOT: '1', PGADMIN_DEFAULT_EMAIL: 'bench@tusk.local', PGADMIN_DEFAULT_PASSWORD: 'bench password' },
  stdio: ['ignore', 'ignore', 'pipe'],
});
let log = '';
tusk.stderr.on('data', (d) => { if (log.length < 65536) log += d; });
const url = await new Promise((res) => {
  const check = setInterval(() => {
    const m = log.match(/tusk ready url=(\S+)/);
    if (m) { clearInterval(check); res(m[1].replace('localhost', '127.0.0.1')); }
  }, 10);
});
let cookie = '', csrf = '';
async function api(method, path, body) {
  const res = await fetch(new URL(path, url), { method, headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf }, body: body && JSON.stringify(body) });
  const set = res.headers.getSetCookie()[0];
  if (set) cookie = set.split(';')[0];
  return res.json();
}
csrf = (await api('POST', 'api/v1/auth/login', { email: 'bench@tusk.local', password: 'bench password' })).csrf_token;
const server = (await api('POST', 'api/v1/servers', { name: 'b', host: env.PGHOST, port: Number(env.PGPORT), username: env.PGUSER })).server;
await api('POST', `api/v1/servers/${server.id}/connect`, { password: env.PGPASSWORD });

const ticks = () => { const f = readFileSync(`/proc/${tusk.pid}/stat`, 'utf8').split(') ')[1].split(' '); return Number(f[11]) + Number(f[12]); };
const rss = () => Number(readFileSync(`/proc/${tusk.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]) / 1024;
const sampleStats = () => psql("SELECT COALESCE(sum(calls), 0) || ' ' || COALESCE(sum(total_exec_time), 0) FROM pg_stat_statements WHERE query LIKE '%pg_database_size%' AND query LIKE '%pg_is_in_recovery%'").split(' ').map(Number);

async function run(watchers) {
  const ctrls = [];
  let events = 0;
  for (let i = 0; i < watchers; i++) {
    const ctrl = new AbortController();
    ctrls.push(ctrl);
    const res = await fetch(new URL(`api/v1/servers/${server.id}/dashboard/events?database=postgres`, url), { headers: { cookie }, signal: ctrl.signal });
    (async () => {
      const reader = res.body.getReader();
      const dec = new TextDecoder();
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          events += (dec.decode(value).match(/event: sample/g) || []).length;
        }
      } catch { /* aborted */ }
    })();
  }
  await new Promise((r) => setTimeout(r, 1500)); // settle
  const [c0, t0] = sampleStats(), k0 = ticks(), e0 = events;
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const [c1, t1] = sampleStats(), k1 = ticks(), e1 = events;
  const mem = rss();
  ctrls.forEach((c) => c.abort());
  await new Promise((r) => setTimeout(r, 2500)); // the sampler stops
  return { watchers, queriesPerSecond: (c1 - c0) / SECONDS, msPerSample: (t1 - t0) / Math.max(1, c1 - c0), tuskCpuPercent: (k1 - k0) / SECONDS, eventsPerSecond: (e1 - e0) / SECONDS, rss: mem };
}

const results = [await run(1), await run(20)];
tusk.kill('SIGTERM');
await new Promise((r) => tusk.on('exit', r));
execFileSync(join(root, 'scripts/pg-cluster.sh'), ['destroy', pgDir]);
rmSync(base, { recursive: true, force: true });

console.log(`dashboard benchmark: ${SECONDS} s per run (${bin})`);
for (const r of results) {
  console.log(`${String(r.watchers).padStart(2)} watcher(s): server runs ${r.queriesPerSecond.toFixed(2)} sample queries/s at ${r.msPerSample.toFixed(2)} ms each; ` +
    `${r.eventsPerSecond.toFixed(1)} events/s delivered; Tusk CPU ${r.tuskCpuPercent.toFixed(1)}% of a core, RSS ${r.rss.toFixed(1)} MiB`);
}
