// Query tool benchmark: a 1,000,000-row, 4-column result spooled by Tusk
// against psql's COPY TO STDOUT on the same server; Tusk's RSS growth; the
// latency of 100-row windows; time to the first rows; 100,000 rows fetched
// completely through the API (what pgAdmin does). Starts its own PostgreSQL
// and a release tusk; loopback only; bounded runs.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startPg, startTusk, tuskBin as bin } from '../lib.mjs';
import { openBrowser } from '../../tests/e2e/browser.mjs';

const SQL = "SELECT g AS n, md5(g::text) AS h, g * 2 AS twice, now() AS at FROM generate_series(1, 1000000) g";
const RUNS = 3;

const pg = startPg('q');
const { env } = pg;
const pgEnv = { ...process.env, ...env };

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
const now = () => Number(process.hrtime.bigint()) / 1e6;

function psqlCopyMs() {
  const t0 = now();
  execFileSync('bash', ['-c', `psql -X -q -c "COPY (${SQL}) TO STDOUT" > /dev/null`], { env: pgEnv });
  return now() - t0;
}

function proc(pid, key) {
  return Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`${key}:\\s+(\\d+)`))[1]) / 1024;
}

const tusk = await startTusk(pg.base, env);
const { url } = tusk;
const server = { id: tusk.serverId };
async function api(method, path, body) {
  const { text } = await tusk.api(method, path, body);
  return text ? JSON.parse(text) : {};
}
const sid = (await api('POST', `api/v1/servers/${server.id}/sessions`, { database: 'postgres' })).session_id;

async function runTusk(sql) {
  const t0 = now();
  await api('POST', `api/v1/sessions/${sid}/execute`, { sql });
  let first = null, s;
  for (;;) {
    s = await api('GET', `api/v1/sessions/${sid}/status`);
    if (first === null && s.results?.[0]?.row_count >= 100) first = now() - t0;
    if (s.state !== 'running') break;
    await new Promise((r) => setTimeout(r, 2));
  }
  if (s.state !== 'done') throw new Error(JSON.stringify(s.error));
  return { ms: now() - t0, first: first ?? now() - t0, rows: s.results[0].row_count };
}

await runTusk('SELECT 1'); // warm the connection
const rssBefore = proc(tusk.pid, 'VmRSS');
const psqlMs = [], tuskMs = [], firstMs = [];
for (let i = 0; i < RUNS; i++) {
  psqlMs.push(psqlCopyMs());
  const r = await runTusk(SQL);
  if (r.rows !== 1000000) throw new Error(`rows ${r.rows}`);
  tuskMs.push(r.ms);
  firstMs.push(r.first);
}
const peak = proc(tusk.pid, 'VmHWM');

const windows = [];
for (let i = 0; i < 200; i++) {
  const offset = Math.floor(Math.random() * (1000000 - 100));
  const t0 = now();
  const w = await api('GET', `api/v1/sessions/${sid}/results/0/rows?offset=${offset}&limit=100`);
  windows.push(now() - t0);
  if (w.rows.length !== 100 || w.rows[0][0] !== String(offset + 1)) throw new Error('bad window');
}

const full = [];
for (let i = 0; i < RUNS; i++) {
  const t0 = now();
  await runTusk('SELECT g AS n, md5(g::text) AS h, g * 2 AS twice, now() AS at FROM generate_series(1, 100000) g');
  let got = 0;
  for (let off = 0; off < 100000; off += 10000) got += (await api('GET', `api/v1/sessions/${sid}/results/0/rows?offset=${off}&limit=10000`)).rows.length;
  if (got !== 100000) throw new Error(`fetched ${got}`);
  full.push(now() - t0);
}

// In Chromium: the time from pressing F5 on the 1M-row query to its first
// rows drawn in the result grid, while the rest are still arriving.
const browser = await openBrowser({ width: 1360, height: 860 });
const page = browser.page;
await page.goto(url);
await page.locator('#email').fill('bench@tusk.local');
await page.locator('#password').fill('bench password');
await page.locator('#password').press('Enter');
await page.getByRole('tree', { name: 'Servers' }).getByRole('treeitem', { name: 'bench', exact: true }).click({ button: 'right' });
await page.getByRole('menu', { name: 'Object explorer menu' }).getByText('Query Tool', { exact: true }).click();
const panel = page.locator('.tab-panel:not([hidden])');
const qstatus = panel.getByRole('status', { name: 'Query status' });
await qstatus.getByText('Ready').waitFor({ timeout: 30000 });
async function setSql(sql) {
  await panel.locator('.cm-content').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await panel.locator('.cm-content').fill(sql);
}
const grid = panel.getByRole('grid', { name: 'Result 1' });
const browserFirst = [];
let stillRunning = 0;
for (let i = 0; i < RUNS + 1; i++) {
  // a statement without rows first, so no grid of the last run is left to find
  await setSql('DO $$ BEGIN END $$');
  await page.keyboard.press('F5');
  await grid.waitFor({ state: 'detached', timeout: 60000 });
  await qstatus.locator('.qs-state', { hasText: 'Done' }).waitFor({ timeout: 60000 });
  await setSql(SQL);
  const t0 = now();
  await page.keyboard.press('F5');
  await grid.getByRole('gridcell', { name: '1', exact: true }).first().waitFor({ timeout: 30000 });
  const ms = now() - t0;
  if (await qstatus.getByText('Running…').isVisible()) stillRunning++;
  if (i > 0) browserFirst.push(ms); // the first run loads the grid's code
  await qstatus.locator('.qs-state', { hasText: 'Done' }).waitFor({ timeout: 60000 });
}
if (browser.errors.length) throw new Error(`browser errors: ${browser.errors.join('; ')}`);
await browser.close();

await tusk.stop();
pg.stop();

const m = (x) => x.toFixed(0);
console.log(`query benchmark (median of ${RUNS}; ${bin})`);
console.log(`1,000,000 rows x 4 columns:  psql COPY TO STDOUT ${m(median(psqlMs))} ms | Tusk spooled ${m(median(tuskMs))} ms (ratio ${(median(tuskMs) / median(psqlMs)).toFixed(2)}x)`);
console.log(`first 100 rows visible to the API after ${m(median(firstMs))} ms`);
console.log(`first rows drawn in the browser grid after F5: median ${m(median(browserFirst))} ms, max ${m(Math.max(...browserFirst))} ms (${stillRunning} of ${RUNS + 1} times while the query was still running)`);
console.log(`Tusk RSS: ${rssBefore.toFixed(1)} MiB before, peak ${peak.toFixed(1)} MiB (growth ${(peak - rssBefore).toFixed(1)} MiB)`);
console.log(`100-row window at a random offset, over HTTP: median ${median(windows).toFixed(2)} ms, p99 ${pct(windows, 0.99).toFixed(2)} ms (200 windows)`);
console.log(`100,000 rows executed and fetched completely through the API: median ${m(median(full))} ms`);
