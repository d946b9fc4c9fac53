// Time from exec to the first 200 from /misc/ping, and resident memory when
// idle. Usage: node bench/startup/startup.mjs [runs] (TUSK_BIN overrides the binary).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import net from 'node:net';

const root = resolve(new URL('../..', import.meta.url).pathname);
const bin = process.env.TUSK_BIN || join(root, 'build/release/tusk');
const runs = Number(process.argv[2] || 20);

function freePort() {
  return new Promise((res) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

// One raw HTTP request; resolves true on "200", false on refusal.
function ping(port) {
  return new Promise((res) => {
    const sock = net.connect(port, '127.0.0.1');
    let data = '';
    sock.on('connect', () => sock.write('GET /misc/ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
    sock.on('data', (d) => (data += d));
    sock.on('end', () => res(data.startsWith('HTTP/1.1 200')));
    sock.on('error', () => res(false));
  });
}

function rssKiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(status.match(/VmRSS:\s+(\d+)/)[1]);
}

async function once(dataDir) {
  const port = await freePort();
  const env = {
    PATH: process.env.PATH,
    TUSK_ALLOW_ROOT: '1',
    PGADMIN_DEFAULT_EMAIL: 'bench@tusk.local',
    PGADMIN_DEFAULT_PASSWORD: 'bench password',
    TUSK_LOG_LEVEL: 'warn',
  };
  const t0 = process.hrtime.bigint();
  const proc = spawn(bin, ['--listen', '127.0.0.1', '--port', String(port), '--data-dir', dataDir], { env, stdio: 'ignore' });
  while (!(await ping(port))) { /* retry at once: the connect itself is the wait */ }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  await new Promise((r) => setTimeout(r, 1000));
  const rss = rssKiB(proc.pid);
  const exited = new Promise((r) => proc.on('exit', r));
  proc.kill('SIGTERM');
  await exited;
  return { ms, rss };
}

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { min: s[0], median: q(0.5), p90: q(0.9), max: s[s.length - 1] };
}

const fmt = (o, unit, digits = 1) => Object.entries(o).map(([k, v]) => `${k} ${v.toFixed(digits)}${unit}`).join(', ');

const base = mkdtempSync(join(tmpdir(), 'tusk-bench-'));
const first = [], warm = [];
for (let i = 0; i < runs; i++) first.push(await once(join(base, `first-${i}`)));
const dir = join(base, 'warm');
await once(dir);
for (let i = 0; i < runs; i++) warm.push(await once(dir));
rmSync(base, { recursive: true, force: true });

console.log(`tusk startup benchmark: ${runs} runs each, binary ${bin}`);
console.log(`first start (new data dir: migrations + admin hash): ${fmt(stats(first.map((r) => r.ms)), ' ms')}`);
console.log(`restart (existing data dir):                       ${fmt(stats(warm.map((r) => r.ms)), ' ms')}`);
console.log(`idle RSS 1 s after ready:                           ${fmt(stats(warm.map((r) => r.rss / 1024)), ' MiB')}`);
