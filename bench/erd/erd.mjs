// Schema diagrams at scale: a schema of 500 tables joined by about 600
// foreign keys (modules of tables around their own hubs, a few tables
// everything references, self-references, a tenth unjoined); the time of
// GET /erd through the API and the size of its answer; then in Chromium the
// time from the answer to the laid-out diagram (the elkjs worker) and to its
// first paint. Starts its own PostgreSQL and release tusk.
import { startPg, startTusk, tuskBin as bin } from '../lib.mjs';
import { openBrowser } from '../../tests/e2e/browser.mjs';
import { chooseInNodeMenu, expandTreeItem, treeItem } from '../../tests/e2e/app.mjs';
import { schemaDdl } from './schema.mjs';

const TABLES = Number(process.env.ERD_TABLES || 500);
const FKS = Number(process.env.ERD_FKS || Math.round(TABLES * 1.2));
const RUNS_API = 20;
const RUNS_BROWSER = 5;

const pg = startPg('erd');
const psql = (sql, db = 'erd') => pg.psql(sql, db);
psql('CREATE DATABASE erd', 'postgres');
psql('CREATE SCHEMA app');
for (const batch of schemaDdl(TABLES, FKS)) psql(batch);
psql('ANALYZE');

const tusk = await startTusk(pg.base, pg.env);
const { api, url } = tusk;
const server = { id: tusk.serverId };

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const max = (xs) => Math.max(...xs);

// the API: one warm-up (it opens the pooled connection to the database), then RUNS_API
const erdPath = `api/v1/servers/${server.id}/erd?database=erd&schema=app`;
const apiTimes = [];
let answer;
for (let i = 0; i <= RUNS_API; i++) {
  const t0 = performance.now();
  answer = await api('GET', erdPath);
  if (answer.status !== 200) throw new Error(`GET erd: ${answer.status} ${answer.text}`);
  if (i > 0) apiTimes.push(performance.now() - t0);
}
const erd = JSON.parse(answer.text);
const columns = erd.tables.reduce((n, t) => n + t.columns.length, 0);

// the browser: open the diagram from the explorer (the first run loads the ERD code and starts the worker), then "Read the schema again"
const browser = await openBrowser({ width: 1600, height: 1000 });
const page = browser.page;
await page.goto(url);
await page.locator('#email').fill('bench@tusk.local');
await page.locator('#password').fill('bench password');
await page.locator('#password').press('Enter');
await page.getByRole('tree', { name: 'Servers' }).waitFor();
await expandTreeItem(page, treeItem(page, 'b'));
await expandTreeItem(page, treeItem(page, /^Databases \(\d+\)$/));
await expandTreeItem(page, treeItem(page, 'erd'));
await expandTreeItem(page, treeItem(page, /^Schemas \(\d+\)$/));
page.setDefaultTimeout(120_000);

/** The diagram's own timings once its first paint is done: fetch, layout (worker round trip), elk (inside the worker), render. */
async function timings() {
  await page.waitForFunction(() => document.querySelector('.erd[data-state="ready"]')?.dataset.renderMs !== undefined, null, { timeout: 120_000 });
  return page.locator('.erd').evaluate((e) => ({
    fetch: Number(e.dataset.fetchMs),
    layout: Number(e.dataset.layoutMs),
    elk: Number(e.dataset.elkMs),
    render: Number(e.dataset.renderMs),
    nodes: e.querySelectorAll('g.erd-table').length,
    edges: e.querySelectorAll('.erd-edges path').length,
  }));
}

const runs = [];
let t0 = performance.now();
await chooseInNodeMenu(page, treeItem(page, 'app'), 'Schema Diagram (ERD)');
let first = await timings();
first.wall = performance.now() - t0;
for (let i = 0; i < RUNS_BROWSER; i++) {
  await page.locator('.erd').evaluate((e) => delete e.dataset.renderMs);
  t0 = performance.now();
  await page.getByRole('button', { name: 'Read the schema again' }).click();
  const t = await timings();
  t.wall = performance.now() - t0;
  runs.push(t);
}
// panning and zooming the drawn diagram: frames while the wheel zooms out to the whole schema and back
const frames = await page.evaluate(async () => {
  const svg = document.querySelector('svg.erd-canvas');
  const r = svg.getBoundingClientRect();
  const times = [];
  let last = performance.now();
  for (let i = 0; i < 40; i++) {
    svg.dispatchEvent(new WheelEvent('wheel', { deltaY: i < 20 ? 120 : -120, clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, cancelable: true }));
    await new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(res)));
    const now = performance.now();
    times.push(now - last);
    last = now;
  }
  return times;
});
const errors = browser.errors;
await browser.close();
await tusk.stop();
pg.stop();

const f = (xs) => `median ${median(xs).toFixed(0)} ms, max ${max(xs).toFixed(0)} ms`;
console.log(`schema diagram benchmark: ${erd.tables.length} tables, ${erd.foreign_keys.length} foreign keys, ${columns} columns (${bin})`);
console.log(`API, GET /erd: median ${median(apiTimes).toFixed(1)} ms, max ${max(apiTimes).toFixed(1)} ms (${RUNS_API} runs; ${(answer.text.length / 1024).toFixed(0)} KiB JSON)`);
console.log(`Chromium, first diagram (loads the ERD code, starts the layout worker): fetch ${first.fetch} ms, layout ${first.layout} ms (elk ${first.elk} ms in the worker), first paint ${first.render} ms after the layout; menu click to painted: ${first.wall.toFixed(0)} ms; ${first.nodes} boxes, ${first.edges} edges`);
console.log(`Chromium, again (${RUNS_BROWSER} runs, worker warm): fetch ${f(runs.map((r) => r.fetch))}; layout ${f(runs.map((r) => r.layout))} (elk ${f(runs.map((r) => r.elk))}); first paint ${f(runs.map((r) => r.render))}; click to painted ${f(runs.map((r) => r.wall))}`);
console.log(`Chromium, wheel zoom out to the whole schema and back: frame median ${median(frames).toFixed(1)} ms, max ${max(frames).toFixed(1)} ms (40 frames)`);
if (errors.length) console.log(`console errors: ${errors.join('\n')}`);
process.exit(0);
