// The dashboard against the real server and the test cluster: opened from a
// server's menu, its charts fill from the live stream while queries run; the
// Activity panel shows a sleeping backend and the blocking tree, and
// terminates the sleeper through the confirmation; Configuration finds
// wal_level; a database's dashboard opens with Alt+Shift+D and shows its
// top statements and table health.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import { psql, pg as PG } from '../lib/pg.mjs';
import { openBrowser, screenshot } from './browser.mjs';
import {
  ADMIN,
  addConnectedServer,
  assertNoErrors,
  chooseInNodeMenu,
  dialog,
  expandTreeItem,
  logIn,
  selectTreeItem,
  startServer,
  treeItem,
  waitUntil,
} from './app.mjs';

const SERVER = 'e2e-dash';
const DB = 'e2e_dash';
const PLAIN = 'e2e_dash_plain';

let tusk;
let browser;
let page;
const sessions = [];

/** A psql session left open (PGAPPNAME=APP); write SQL to it as the test goes. */
function session(app) {
  const proc = spawn('psql', ['-X', '-q', '-d', DB], {
    env: { ...process.env, PGHOST: PG.host, PGPORT: String(PG.port), PGUSER: PG.user, PGPASSWORD: PG.password, PGAPPNAME: app },
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  proc.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => proc.on('exit', resolve));
  const s = { send: (sql) => proc.stdin.write(`${sql}\n`), exited, stderr: () => stderr, end: () => proc.stdin.end() };
  sessions.push(s);
  return s;
}

function dropDatabase() {
  psql(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  psql(`DROP DATABASE IF EXISTS ${PLAIN} WITH (FORCE)`);
}

before(async () => {
  dropDatabase();
  psql(`CREATE DATABASE ${DB}`);
  psql(`CREATE DATABASE ${PLAIN}`);
  psql(
    'CREATE EXTENSION IF NOT EXISTS pg_stat_statements; ' +
      'CREATE TABLE dash_lock (id int PRIMARY KEY); ' +
      'CREATE TABLE dash_rows (id int PRIMARY KEY, note text); CREATE INDEX dash_rows_note ON dash_rows (note); ' +
      "INSERT INTO dash_rows SELECT g, 'row ' || g FROM generate_series(1, 2000) g; DELETE FROM dash_rows WHERE id % 3 = 0;",
    { db: DB },
  );
  tusk = await startServer();
  browser = await openBrowser({ width: 1440, height: 900 });
  page = browser.page;
  await page.goto(tusk.url);
  await logIn(page, ADMIN.email, ADMIN.password);
  await addConnectedServer(page, SERVER, PG);
});

after(async () => {
  for (const s of sessions) s.end();
  psql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'e2e_dash_%' OR application_name = 'e2e_sleeper'`);
  await browser?.close();
  await tusk?.stop();
  dropDatabase();
});

const dashboard = () => page.locator('.tab-panel:not([hidden]) .dashboard');
const chart = (id) => dashboard().locator(`.dash-chart[data-chart="${id}"]`);
const points = async (id) => Number(await chart(id).getAttribute('data-points'));
const panelTab = (name) => dashboard().getByRole('tablist', { name: 'Monitoring panels' }).getByRole('tab', { name, exact: true });
const table = (name) => dashboard().getByRole('table', { name, exact: true });

async function dismissToasts() {
  await page.evaluate(() => document.querySelectorAll('.toast button[aria-label="Dismiss"]').forEach((b) => b.click()));
}

async function bothThemes(name) {
  await dismissToasts();
  await page.mouse.move(0, 0);
  await screenshot(page, `${name}-light`);
  await page.keyboard.press('Alt+Shift+T');
  await page.waitForTimeout(300);
  await screenshot(page, `${name}-dark`);
  await page.keyboard.press('Alt+Shift+T');
}

test('the server menu opens the dashboard; its charts fill from the live stream', async () => {
  await chooseInNodeMenu(page, treeItem(page, SERVER), 'Dashboard');
  await page.getByRole('tab', { name: `Dashboard — ${SERVER}` }).waitFor();
  await dashboard().getByRole('status').getByText('Live, every second').waitFor();
  await waitUntil(async () => (await points('transactions')) >= 3, 15_000);
  assert.equal(await chart('transactions').locator('canvas').count(), 1, 'uPlot drew a canvas');
  assert.equal(await dashboard().locator('.dash-chart').count(), 9);

  const before = await points('transactions');
  const commits = chart('transactions').locator('[data-series="commits"] .dash-legend-value');
  const seen = new Set();
  const end = Date.now() + 3500;
  while (Date.now() < end) {
    psql('SELECT 1; SELECT 2; SELECT 3;', { db: DB });
    seen.add(await commits.innerText());
  }
  assert.ok((await points('transactions')) >= before + 2, 'new samples arrived');
  assert.ok([...seen].some((v) => /^[\d.,]+\/s$/.test(v) && Number.parseFloat(v.replace(/,/g, '')) > 0), `commits per second seen: ${[...seen]}`);
  const size = await chart('database-size').locator('.dash-legend-value').innerText();
  assert.match(size, /^[\d.,]+ (B|KiB|MiB|GiB)$/);
  await bothThemes('dashboard-charts');

  // A hidden browser tab closes the stream; showing it again reopens it.
  const setVisibility = (state) =>
    page.evaluate((s) => {
      Object.defineProperty(document, 'visibilityState', { value: s, configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    }, state);
  await setVisibility('hidden');
  await dashboard().getByRole('status').getByText('Paused while the page is hidden').waitFor();
  const paused = await points('transactions');
  await page.waitForTimeout(2000);
  assert.equal(await points('transactions'), paused, 'no samples while hidden');
  await setVisibility('visible');
  await waitUntil(async () => (await points('transactions')) > paused);
});

test('Activity shows a sleeping backend and the blocking tree, and terminates the sleeper', async () => {
  const holder = session('e2e_dash_holder');
  holder.send('BEGIN; LOCK TABLE dash_lock IN ACCESS EXCLUSIVE MODE;');
  await waitUntil(() => psql("SELECT state FROM pg_stat_activity WHERE application_name = 'e2e_dash_holder'") === 'idle in transaction');
  const waiter = session('e2e_dash_waiter');
  waiter.send('SELECT count(*) FROM dash_lock;');
  const sleeper = spawn('psql', ['-X', '-q', '-d', DB, '-c', 'SELECT pg_sleep(60)'], {
    env: { ...process.env, PGHOST: PG.host, PGPORT: String(PG.port), PGUSER: PG.user, PGPASSWORD: PG.password, PGAPPNAME: 'e2e_sleeper' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let sleeperErr = '';
  sleeper.stderr.on('data', (d) => (sleeperErr += d));
  const sleeperExit = new Promise((resolve) => sleeper.on('exit', resolve));

  await panelTab('Activity').click();
  const sessionsTable = table('Sessions');
  const row = (app) => sessionsTable.locator('tbody tr').filter({ hasText: app });
  await row('e2e_sleeper').waitFor();
  await row('e2e_sleeper').getByText('SELECT pg_sleep(60)').waitFor();
  assert.match(await row('e2e_sleeper').innerText(), /PgSleep/);

  // The waiter is drawn under the session that blocks it.
  await waitUntil(async () => (await row('e2e_dash_waiter').locator('.dash-tree-mark').count()) === 1);
  const order = await sessionsTable.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.textContent));
  const h = order.findIndex((t) => t.includes('e2e_dash_holder'));
  assert.equal(order[h + 1].includes('e2e_dash_waiter'), true, 'the waiter follows its blocker');
  assert.match(await row('e2e_dash_holder').innerText(), /blocks 1/);
  assert.equal(await row('e2e_dash_holder').getAttribute('class').then((c) => c.includes('is-idle-tx')), true);

  // Tusk's own connection is marked and cannot be terminated from here.
  const own = sessionsTable.locator('tbody tr.is-tusk');
  assert.equal(await own.count(), 1);
  assert.equal(await own.getByRole('button', { name: /^Terminate/ }).count(), 0);

  await bothThemes('dashboard-activity');

  // Keyboard: rows take focus and arrows move between them.
  await row('e2e_sleeper').click({ position: { x: 4, y: 4 } });
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'TR');

  const pid = (await row('e2e_sleeper').locator('.dash-pid').innerText()).replace(/\D/g, '');
  await row('e2e_sleeper').getByRole('button', { name: `Terminate ${pid}` }).click();
  const confirm = await dialog(page, `Terminate backend ${pid}?`);
  assert.match(await confirm.innerText(), /SELECT pg_sleep\(60\)/);
  await confirm.getByRole('button', { name: 'Terminate', exact: true }).click();
  await confirm.waitFor({ state: 'detached' });
  await sleeperExit;
  assert.match(sleeperErr, /terminating connection due to administrator command/);
  await waitUntil(async () => (await row('e2e_sleeper').count()) === 0, 8000);

  // An idle psql notices nothing until it reads more; the end of its input closes it.
  holder.end();
  await holder.exited;
  waiter.end();
  await waiter.exited;
});

test('Configuration finds wal_level, marked as changed from its default', async () => {
  await panelTab('Configuration').click();
  const search = dashboard().getByRole('searchbox', { name: 'Search settings' });
  await search.fill('wal_level');
  const settings = table('Settings');
  await waitUntil(async () => (await settings.locator('tbody tr.is-changed').count()) === 1 && (await settings.locator('tbody tr').count()) <= 3);
  const walLevel = settings.locator('tbody tr.is-changed');
  assert.match(await walLevel.innerText(), /wal_level\s*changed/);
  assert.match(await walLevel.innerText(), /logical/);
  await settings.getByRole('rowheader', { name: /Write-Ahead Log/ }).waitFor();
  await bothThemes('dashboard-settings');
  // Arrow keys move between the panels' tabs.
  await panelTab('Configuration').focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await panelTab('Replication').getAttribute('aria-selected'), 'true');
  await table('Replication slots').waitFor();
});

test('Alt+Shift+D opens a database dashboard with top statements and table health', async () => {
  await expandTreeItem(page, treeItem(page, SERVER));
  await expandTreeItem(page, treeItem(page, /^Databases \(\d+\)$/));
  await selectTreeItem(treeItem(page, DB));
  await page.keyboard.press('Alt+Shift+D');
  await page.getByRole('tab', { name: `Dashboard — ${DB}` }).waitFor();
  await waitUntil(async () => (await points('sessions')) >= 1, 15_000);

  psql('SELECT pg_sleep(0.5) AS e2e_dash_marker', { db: DB });
  await panelTab('Top statements').click();
  await dashboard().getByRole('searchbox', { name: 'Filter statements' }).fill('e2e_dash_marker');
  await table('Top statements').locator('tbody tr').filter({ hasText: 'e2e_dash_marker' }).first().waitFor();

  await panelTab('Table health').click();
  const health = table('Table health');
  const rows = health.locator('tbody tr').filter({ hasText: 'public.dash_rows' });
  await rows.waitFor();
  assert.match(await rows.innerText(), /dash_rows_note/, 'the unused index is listed');
  await bothThemes('dashboard-health');
  // Sorting by a column header.
  await health.getByRole('button', { name: 'Dead %' }).click();
  const sortedBy = health.locator('th[aria-sort]');
  assert.match(await sortedBy.innerText(), /^Dead %/);
  assert.equal(await sortedBy.getAttribute('aria-sort'), 'descending');
  assertNoErrors(browser.errors);
});

test('a database without pg_stat_statements says how to install it', async () => {
  await expandTreeItem(page, treeItem(page, SERVER));
  await expandTreeItem(page, treeItem(page, /^Databases \(\d+\)$/));
  await selectTreeItem(treeItem(page, PLAIN));
  await page.keyboard.press('Alt+Shift+D');
  await page.getByRole('tab', { name: `Dashboard — ${PLAIN}` }).waitFor();
  await panelTab('Top statements').click();
  await dashboard().getByText('CREATE EXTENSION pg_stat_statements', { exact: false }).waitFor();
  assert.equal(await table('Top statements').count(), 0, 'no empty table under the hint');
  await bothThemes('dashboard-no-statements');
  // the statements request answers 404 extension_missing, which Chromium logs
  assertNoErrors(browser.errors.filter((e) => !/status of 404 \(Not Found\)/.test(e)));
});
