// Object browser at scale: a database with 10,000 tables; time to list
// them through the API (what the tree asks when "Tables" is expanded), and
// the size of the answer. Starts its own PostgreSQL and release tusk.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openBrowser } from '../../tests/e2e/browser.mjs';
import { expandTreeItem, selectTreeItem, treeItem } from '../../tests/e2e/app.mjs';

const root = resolve(new URL('../..', import.meta.url).pathname);
const bin = process.env.TUSK_BIN || join(root, 'build/release/tusk');
const TABLES = 10000, RUNS = 20, RUNS_BROWSER = 5;

const base = mkdtempSync(join(tmpdir(), 'tusk-bench-b-'));
chmodSync(base, 0o755);
const pgDir = join(base, 'pg');
execFileSync(join(root, 'scripts/pg-cluster.sh'), ['start', pgDir]);
const env = Object.fromEntries(readFileSync(join(pgDir, 'env'), 'utf8').trim().split('\n').map((l) => l.split(/=(.*)/s).slice(0, 2)));
const pgEnv = { ...process.env, ...env };
execFileSync('psql', ['-X', '-q', '-c', 'CREATE DATABASE many'], { env: pgEnv });
// in batches: one transaction cannot hold locks on 10,000 new tables
for (let from = 1; from <= TABLES; from += 1000) {
  execFileSync('psql', ['-X', '-q', '-d', 'many', '-c',
    `DO $$ BEGIN FOR i IN ${from}..${from + 999} LOOP EXECUTE format('CREATE TABLE public.t%s (id int PRIMARY KEY, v text)', i); END LOOP; END $$`], { env: pgEnv });
}

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
  return { text: await res.text(), status: res.status };
}
csrf = JSON.parse((await api('POST', 'api/v1/auth/login', { email: 'bench@tusk.local', password: 'bench password' })).text).csrf_token;
const server = JSON.parse((await api('POST', 'api/v1/servers', { name: 'b', host: env.PGHOST, port: Number(env.PGPORT), username: env.PGUSER })).text).server;
await api('POST', `api/v1/servers/${server.id}/connect`, { password: env.PGPASSWORD });

const path = encodeURIComponent('/databases/many/schemas/public/tables');
const times = [];
let bytes = 0, nodes = 0;
for (let i = 0; i < RUNS + 1; i++) {
  const t0 = performance.now();
  const r = await api('GET', `api/v1/servers/${server.id}/objects?path=${path}`);
  const ms = performance.now() - t0;
  if (i > 0) times.push(ms); // the first run opens the pooled connection
  bytes = r.text.length;
  nodes = JSON.parse(r.text).nodes.length;
}
const t0 = performance.now();
await api('GET', `api/v1/servers/${server.id}/objects?path=${encodeURIComponent('/databases/many/schemas/public')}`);
const countsMs = performance.now() - t0;
const sql = execFileSync('psql', ['-X', '-q', '-At', '-d', 'many', '-c', "EXPLAIN (ANALYZE, FORMAT JSON) SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r','p') AND NOT c.relispartition ORDER BY 1"], { env: pgEnv, encoding: 'utf8' });
const catalogMs = JSON.parse(sql)[0]['Execution Time'];

// In Chromium: expanding "Tables (10000)" in the explorer until its first
// rows are drawn, then jumping to the end of the list until the last is drawn.
const browser = await openBrowser({ width: 1360, height: 860 });
const page = browser.page;
await page.goto(url);
await page.locator('#email').fill('bench@tusk.local');
await page.locator('#password').fill('bench password');
await page.locator('#password').press('Enter');
const tree = page.getByRole('tree', { name: 'Servers' });
await tree.waitFor();
for (const name of ['b', /^Databases \(\d+\)$/, 'many', /^Schemas \(\d+\)$/, 'public']) {
  try {
    await expandTreeItem(page, treeItem(page, name));
  } catch (err) {
    throw new Error(`could not expand ${name}: ${err.message}`);
  }
}
const tables = treeItem(page, 'Tables (10000)');
const expandMs = [], endMs = [];
for (let i = 0; i < RUNS_BROWSER; i++) {
  await selectTreeItem(tables);
  const t0 = performance.now();
  await page.keyboard.press('ArrowRight');
  await treeItem(page, 't1').waitFor({ timeout: 30000 });
  expandMs.push(performance.now() - t0);
  const t1 = performance.now();
  await tree.evaluate((el) => { el.scrollTop = el.scrollHeight; });
  await treeItem(page, 't9999').waitFor({ timeout: 30000 });
  endMs.push(performance.now() - t1);
  await tree.evaluate((el) => { el.scrollTop = 0; });
  await tables.waitFor();
  await selectTreeItem(tables);
  await page.keyboard.press('ArrowLeft');
  await treeItem(page, 't1').waitFor({ state: 'detached' });
}
const rendered = await tree.getByRole('treeitem').count();
if (browser.errors.length) throw new Error(`browser errors: ${browser.errors.join('; ')}`);
await browser.close();

tusk.kill('SIGTERM');
await new Promise((r) => tusk.on('exit', r));
execFileSync(join(root, 'scripts/pg-cluster.sh'), ['destroy', pgDir]);
rmSync(base, { recursive: true, force: true });

const sorted = [...times].sort((a, b) => a - b);
console.log(`object browser benchmark: ${TABLES} tables, ${RUNS} runs (${bin})`);
console.log(`list the Tables collection through the API: median ${sorted[RUNS >> 1].toFixed(1)} ms, p90 ${sorted[Math.floor(RUNS * 0.9)].toFixed(1)} ms (${nodes} nodes, ${(bytes / 1024).toFixed(0)} KiB JSON)`);
console.log(`a schema's collections with their counts (17 kinds): ${countsMs.toFixed(1)} ms`);
console.log(`the bare catalog query inside PostgreSQL: ${catalogMs.toFixed(1)} ms`);
const ms = (x) => x.toFixed(0);
const sortedExpand = [...expandMs].sort((a, b) => a - b), sortedEnd = [...endMs].sort((a, b) => a - b);
console.log(`Chromium, expand Tables (10000) until its first rows are drawn: first ${ms(expandMs[0])} ms (fetching the list), then from the browser's cache median ${ms(sortedExpand[RUNS_BROWSER >> 1])} ms (${RUNS_BROWSER} runs)`);
console.log(`Chromium, jump to the end of the expanded list until the last table is drawn: median ${ms(sortedEnd[RUNS_BROWSER >> 1])} ms; ${rendered} tree rows in the page after collapsing`);
