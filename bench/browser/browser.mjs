// Object browser at scale: a database with 10,000 tables; time to list
// them through the API (what the tree asks when "Tables" is expanded) and
// the size of the answer, a schema's counts, pages of the Tables grid; then
// the same in Chromium. Starts its own PostgreSQL and release tusk.
import { execFileSync } from 'node:child_process';
import { startPg, startTusk, tuskBin as bin } from '../lib.mjs';
import { openBrowser } from '../../tests/e2e/browser.mjs';
import { expandTreeItem, selectTreeItem, treeItem } from '../../tests/e2e/app.mjs';

const TABLES = 10000, RUNS = 20, RUNS_COUNTS = 10, RUNS_BROWSER = 10;

const pg = startPg('b');
const { env } = pg;
const pgEnv = { ...process.env, ...env };
execFileSync('psql', ['-X', '-q', '-c', 'CREATE DATABASE many'], { env: pgEnv });
// in batches: one transaction cannot hold locks on 10,000 new tables
for (let from = 1; from <= TABLES; from += 1000) {
  execFileSync('psql', ['-X', '-q', '-d', 'many', '-c',
    `DO $$ BEGIN FOR i IN ${from}..${from + 999} LOOP EXECUTE format('CREATE TABLE public.t%s (id int PRIMARY KEY, v text)', i); END LOOP; END $$`], { env: pgEnv });
}

const tusk = await startTusk(pg.base, env);
const { api, url } = tusk;
const server = { id: tusk.serverId };

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)];

/** Times GET path RUNS times after one warm-up (which may open the pooled connection). */
async function timeGet(path, runs) {
  const times = [];
  let last;
  for (let i = 0; i < runs + 1; i++) {
    const t0 = performance.now();
    last = await api('GET', path);
    const ms = performance.now() - t0;
    if (last.status !== 200) throw new Error(`${path}: ${last.status} ${last.text}`);
    if (i > 0) times.push(ms);
  }
  return { times, text: last.text };
}

const tablesPath = '/databases/many/schemas/public/tables';
const path = encodeURIComponent(tablesPath);
const compact = await timeGet(`api/v1/servers/${server.id}/objects?path=${path}&compact=true`, RUNS);
const nodes = JSON.parse(compact.text).members.length;
const full = await timeGet(`api/v1/servers/${server.id}/objects?path=${path}`, RUNS);
const counts = await timeGet(`api/v1/servers/${server.id}/objects?path=${encodeURIComponent('/databases/many/schemas/public')}`, RUNS_COUNTS);
const firstPage = await timeGet(`api/v1/servers/${server.id}/objects/collection?path=${path}&limit=100`, RUNS);
const lastPage = await timeGet(`api/v1/servers/${server.id}/objects/collection?path=${path}&limit=100&offset=${TABLES - 100}`, RUNS);
const bySize = await timeGet(`api/v1/servers/${server.id}/objects/collection?path=${path}&limit=100&order=size&desc=true`, 3);
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
const grid = page.getByRole('grid', { name: 'Tables in public' });
const gridCell = (name) => grid.getByRole('gridcell', { name, exact: true });

/**
 * Starts watching the page for an element matching WHERE (tree labels or
 * grid cells) whose text is NAME. The clock
 * starts at the next keydown, or at once when SCROLL names an element to
 * scroll to its end; it stops at the frame after the one that shows NAME.
 * Playwright's own waits poll every 20 to 100 ms, too coarse for this.
 */
function watchInPage(where, name, scroll) {
  return page.evaluate(({ where, name, scroll }) => {
    window.__drawn = new Promise((resolve) => {
      let start = 0;
      const seen = () => [...document.querySelectorAll(where)].some((el) => el.textContent === name);
      const observer = new MutationObserver(() => {
        if (!start || !seen()) return;
        observer.disconnect();
        requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - start), 0));
      });
      observer.observe(document.body, { childList: true, subtree: true, characterData: true });
      if (scroll) {
        const el = document.querySelector(scroll);
        start = performance.now();
        el.scrollTop = el.scrollHeight;
      } else {
        document.addEventListener('keydown', () => { start = performance.now(); }, { capture: true, once: true });
      }
    });
  }, { where, name, scroll });
}
const TREE = '.explorer .tree .tree-label', GRID = '.coll-grid .coll-cell';
const drawnInPage = () => page.evaluate(() => window.__drawn);

// Each run: F5 on "public" forgets its lists, so the first expansion of
// "Tables (10000)" fetches the list; collapsed and expanded again, it draws
// from the browser's copy; then a jump to the end of the list.
const fetchedMs = [], fetchedPlaywrightMs = [], cachedMs = [], endMs = [];
for (let i = 0; i < RUNS_BROWSER; i++) {
  await selectTreeItem(treeItem(page, 'public'));
  await page.keyboard.press('F5');
  await tables.waitFor({ timeout: 30000 });
  await selectTreeItem(tables);
  await gridCell('t1').waitFor({ timeout: 30000 }); // selecting Tables shows its grid: let it settle first
  await watchInPage(TREE, 't1');
  const t0 = performance.now();
  await page.keyboard.press('ArrowRight');
  // the page's own clock first: Playwright's polling would compete with the page for the main thread
  fetchedMs.push(await drawnInPage());
  await treeItem(page, 't1').waitFor({ timeout: 30000 });
  fetchedPlaywrightMs.push(performance.now() - t0);
  await page.keyboard.press('ArrowLeft');
  await treeItem(page, 't1').waitFor({ state: 'detached' });
  await watchInPage(TREE, 't1');
  await page.keyboard.press('ArrowRight');
  cachedMs.push(await drawnInPage());
  await watchInPage(TREE, 't9999', '.explorer .tree');
  endMs.push(await drawnInPage());
  await treeItem(page, 't9999').waitFor({ timeout: 30000 });
  await tree.evaluate((el) => { el.scrollTop = 0; });
  await tables.waitFor();
  await selectTreeItem(tables);
  await page.keyboard.press('ArrowLeft');
  await treeItem(page, 't1').waitFor({ state: 'detached' });
}

// The Tables grid: from the key that selects "Tables (10000)" (coming from
// "public") until its first rows are drawn, then scrolled to the end until
// the last table is drawn (a page fetched for it).
const gridMs = [], gridEndMs = [];
let gridRows = 0;
for (let i = 0; i < RUNS_BROWSER; i++) {
  await selectTreeItem(treeItem(page, 'public'));
  await page.getByRole('tab', { name: 'schema public' }).waitFor();
  await watchInPage(GRID, 't1');
  await page.keyboard.press('ArrowDown');
  gridMs.push(await drawnInPage());
  await gridCell('t1').waitFor({ timeout: 30000 });
  gridRows = Math.max(gridRows, await grid.getByRole('row').count());
  await watchInPage(GRID, 't9999', '.coll-grid');
  gridEndMs.push(await drawnInPage());
  await gridCell('t9999').waitFor({ timeout: 30000 });
}
const rendered = await tree.getByRole('treeitem').count();
if (browser.errors.length) throw new Error(`browser errors: ${browser.errors.join('; ')}`);
await browser.close();

await tusk.stop();
pg.stop();

const ms = (x) => x.toFixed(1);
const kib = (text) => `${(text.length / 1024).toFixed(0)} KiB`;
console.log(`object browser benchmark: ${TABLES} tables, ${RUNS} runs (${bin})`);
console.log(`API, list the Tables collection as the tree asks (compact): median ${ms(median(compact.times))} ms, p90 ${ms(p90(compact.times))} ms (${nodes} nodes, ${kib(compact.text)} JSON; the full form: median ${ms(median(full.times))} ms, ${kib(full.text)})`);
console.log(`API, a schema's collections with their counts (17 kinds): median ${ms(median(counts.times))} ms (${RUNS_COUNTS} runs)`);
console.log(`API, the Tables grid's first page of 100: median ${ms(median(firstPage.times))} ms, p90 ${ms(p90(firstPage.times))} ms (${kib(firstPage.text)}); its last page: median ${ms(median(lastPage.times))} ms; ordered by size: median ${ms(median(bySize.times))} ms (3 runs)`);
console.log(`the bare catalog query inside PostgreSQL: ${ms(catalogMs)} ms`);
const whole = (x) => x.toFixed(0);
console.log(`Chromium, expand Tables (10000) until its first rows are drawn, from the key to the frame: fetching the list median ${whole(median(fetchedMs))} ms, max ${whole(Math.max(...fetchedMs))} ms (${whole(median(fetchedPlaywrightMs))} ms until Playwright has seen the row); from the browser's copy median ${whole(median(cachedMs))} ms (${RUNS_BROWSER} runs)`);
console.log(`Chromium, jump to the end of the expanded list until the last table is drawn: median ${whole(median(endMs))} ms; ${rendered} tree rows in the page after collapsing`);
console.log(`Chromium, select Tables (10000) until its grid's first rows are drawn: median ${whole(median(gridMs))} ms (${RUNS_BROWSER} runs); scroll the grid to the end until the last table is drawn (a page fetched): median ${whole(median(gridEndMs))} ms; at most ${gridRows} grid rows in the page`);
