// Starts a real tusk process for a test: fresh data dir, random port, logs
// captured. TUSK_BIN picks the binary (make test uses the sanitized build).
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, createWriteStream, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(new URL('../..', import.meta.url).pathname);
export const tuskBin = process.env.TUSK_BIN || join(root, 'build/asan/tusk');

// The first-start administrator every test tusk gets unless a test says otherwise.
export const ADMIN = { email: 'admin@tusk.local', password: 'admin-test-password-1' };

// The environment a test tusk sees: nothing of the caller's TUSK_*/PGADMIN_* settings.
export function cleanEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(TUSK_|PGADMIN_|SCRIPT_NAME$|PG)/.test(k)) env[k] = v;
  }
  if (process.getuid && process.getuid() === 0) env.TUSK_ALLOW_ROOT = '1';
  env.ASAN_OPTIONS = env.ASAN_OPTIONS || 'detect_leaks=1:abort_on_error=0:exitcode=23';
  env.PGADMIN_DEFAULT_EMAIL = ADMIN.email;
  env.PGADMIN_DEFAULT_PASSWORD = ADMIN.password;
  const merged = { ...env, ...extra };
  for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
  return merged;
}

export function tempDir(prefix = 'tusk-test-') {
  return mkdtempSync(join(tmpdir(), prefix));
}

// TUSK_TEST_STORE=postgres runs test tusks on a PostgreSQL metadata store:
// a database of the test cluster per data directory (a restart finds it again).
export const pgStore = process.env.TUSK_TEST_STORE === 'postgres';

export function storeUrlFor(dataDir) {
  const db = `tusk_store_${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}`;
  const env = { ...process.env, PGHOST: process.env.TEST_PGHOST, PGPORT: process.env.TEST_PGPORT,
    PGUSER: process.env.TEST_PGUSER, PGPASSWORD: process.env.TEST_PGPASSWORD };
  const exists = execFileSync('psql', ['-X', '-At', '-d', 'postgres', '-c', `SELECT 1 FROM pg_database WHERE datname = '${db}'`],
    { env, encoding: 'utf8' }).trim();
  if (!exists) execFileSync('psql', ['-X', '-q', '-d', 'postgres', '-c', `CREATE DATABASE ${db}`], { env });
  const p = encodeURIComponent(process.env.TEST_PGPASSWORD || '');
  return `postgresql://${process.env.TEST_PGUSER}:${p}@${process.env.TEST_PGHOST}:${process.env.TEST_PGPORT}/${db}`;
}

// Resolves once tusk logs "tusk ready"; rejects with its log if it exits first.
export async function startTusk({ env = {}, args = [], dataDir, bin = tuskBin, spawnWrap } = {}) {
  dataDir = dataDir || join(tempDir(), 'data');
  if (pgStore && !('TUSK_STORE_URL' in env) && !args.includes('--store-url')) env = { ...env, TUSK_STORE_URL: storeUrlFor(dataDir) };
  const logPath = `${dataDir}.log`;
  const log = createWriteStream(logPath, { flags: 'a' });
  const argv = ['--listen', '127.0.0.1', '--port', '0', '--data-dir', dataDir, ...args];
  const [cmd, cmdArgs] = spawnWrap ? spawnWrap(bin, argv) : [bin, argv];
  const proc = spawn(cmd, cmdArgs, { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise((res) => proc.on('exit', (code, signal) => res(code ?? signal)));
  const onData = (chunk) => {
    output += chunk.toString();
    log.write(chunk);
  };
  proc.stdout.on('data', onData);
  proc.stderr.on('data', onData);
  const url = await new Promise((res, rej) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      rej(new Error(`tusk did not start in 15 s:\n${output}`));
    }, 15000);
    const check = () => {
      // text: `tusk ready url=...`; JSON: {"msg":"tusk ready","url":"..."}
      const m = output.match(/tusk ready url=(\S+)/) || output.match(/"msg":"tusk ready","url":"([^"]+)"/);
      if (m) {
        clearTimeout(timer);
        res(m[1]);
      }
    };
    proc.stderr.on('data', check);
    exited.then((code) => {
      clearTimeout(timer);
      rej(Object.assign(new Error(`tusk exited with ${code} before it was ready:\n${output}`), { code, output }));
    });
  });
  const port = Number(new URL(url).port);
  return {
    url: url.replace('localhost', '127.0.0.1'),
    port,
    dataDir,
    logPath,
    proc,
    exited,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      const code = await exited;
      await new Promise((r) => log.end(r));
      return code;
    },
  };
}

// Runs tusk to completion (for flags like --help and start-up failures).
export function runTusk({ env = {}, args = [], bin = tuskBin, input, spawnWrap, timeoutMs = 15000 } = {}) {
  const dataDir = args.indexOf('--data-dir');
  if (pgStore && dataDir >= 0 && !('TUSK_STORE_URL' in env)) env = { ...env, TUSK_STORE_URL: storeUrlFor(args[dataDir + 1]) };
  return new Promise((res, rej) => {
    const [cmd, cmdArgs] = spawnWrap ? spawnWrap(bin, args) : [bin, args];
    const proc = spawn(cmd, cmdArgs, { env: cleanEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    proc.stdout.on('data', (c) => (stdout += c));
    proc.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      rej(new Error(`tusk ${args.join(' ')} did not finish in ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      res({ code, stdout, stderr });
    });
    proc.stdin.end(input ?? '');
  });
}

export function readLog(t) {
  return readFileSync(t.logPath, 'utf8');
}
