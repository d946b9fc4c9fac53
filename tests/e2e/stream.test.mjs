// Past six tabs something must still open: a browser allows six HTTP/1.1
// connections to a host, and an event stream per tab used them all up. Over
// plain HTTP/1.1, a dashboard, a running job's log and twelve query tabs are
// open at once, each tab runs its query and shows its result, and the window
// holds one event stream for all of them.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import { psql, pg as PG } from '../lib/pg.mjs';
import { openBrowser, screenshot } from './browser.mjs';
import { ADMIN, addConnectedServer, apiCall, assertNoErrors, chooseInNodeMenu, logIn, startServer, treeItem, waitUntil } from './app.mjs';

const SERVER = 'e2e-stream';
const TABS = 12;

let tusk;
let browser;
let page;
let holder;
const streams = [];
const perTabStreams = [];
/** The events of the window's stream, as the browser received them (CDP). */
const received = [];

/** Keeps e2e_stream_locked locked, so a backup of it runs (and logs) until released. */
async function lockTable() {
  psql('CREATE TABLE IF NOT EXISTS e2e_stream_locked (n int)');
  holder = spawn('psql', ['-X', '-d', 'postgres', '-c', 'BEGIN; LOCK TABLE e2e_stream_locked IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(300);'], {
    env: { ...process.env, PGHOST: PG.host, PGPORT: String(PG.port), PGUSER: PG.user, PGPASSWORD: PG.password },
    stdio: 'ignore',
  });
  await waitUntil(
    () => psql("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'e2e_stream_locked' AND l.granted") === '1',
    20_000,
  );
}

function unlockTable() {
  holder?.kill('SIGKILL');
  holder = null;
  psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%LOCK TABLE e2e_stream_locked%' AND pid <> pg_backend_pid()");
}

before(async () => {
  tusk = await startServer();
  browser = await openBrowser({ width: 1900, height: 900 });
  page = browser.page;
  page.on('request', (req) => {
    const url = req.url();
    if (/\/api\/v1\/stream$/.test(url)) streams.push(url);
    if (/\/api\/v1\/(sessions\/[^/]+|jobs\/\d+|servers\/\d+\/dashboard)\/events/.test(url)) perTabStreams.push(url);
  });
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send('Network.enable');
  cdp.on('Network.eventSourceMessageReceived', (e) => {
    try {
      received.push(JSON.parse(e.data));
    } catch {
      // not one of the stream's JSON events
    }
  });
  await page.goto(tusk.url);
  await logIn(page, ADMIN.email, ADMIN.password);
  await addConnectedServer(page, SERVER, PG);
});

after(async () => {
  unlockTable();
  await browser?.close();
  await tusk?.stop();
  psql('DROP TABLE IF EXISTS e2e_stream_locked');
});

const panels = () => page.locator('.tab-panel');
const activePanel = () => page.locator('.tab-panel:not([hidden])');

test('twelve query tabs, a dashboard and a running job log share one stream over HTTP/1.1', async () => {
  // a dashboard, live
  await chooseInNodeMenu(page, treeItem(page, SERVER), 'Dashboard');
  await page.getByRole('tab', { name: `Dashboard — ${SERVER}` }).waitFor();
  await activePanel().getByRole('status').getByText('Live, every second').waitFor({ timeout: 20_000 });

  // a job that keeps running, its log followed in the Jobs tab
  await lockTable();
  const serverId = (await apiCall(page, 'GET', 'servers')).body.servers.find((s) => s.name === SERVER).id;
  const started = await apiCall(page, 'POST', `servers/${serverId}/jobs`, {
    kind: 'backup',
    database: 'postgres',
    spec: { file: 'e2e-stream.dump', verbose: true, tables: [{ schema: 'public', name: 'e2e_stream_locked' }] },
  });
  assert.equal(started.status, 201, JSON.stringify(started.body));
  await page.locator('.status-jobs').click();
  const row = page.getByRole('table', { name: 'Jobs' }).locator('tbody tr').filter({ hasText: 'e2e-stream.dump' });
  await row.getByText('running').waitFor({ timeout: 20_000 });
  await row.click();
  const log = page.getByLabel('Job log');
  await waitUntil(async () => /\$ \S*pg_dump/.test(await log.innerText()), 20_000);

  // twelve query tabs, each running its own query
  for (let i = 1; i <= TABS; i++) {
    const server = treeItem(page, SERVER);
    await server.locator('.tree-label').click({ button: 'right' });
    await page.getByRole('menu', { name: 'Object explorer menu' }).getByText('Query Tool', { exact: true }).click();
    await waitUntil(async () => (await page.locator('.tab-panel .cm-content').count()) === i, 10_000);
    const status = activePanel().getByRole('status', { name: 'Query status' });
    try {
      await status.getByText('Ready').waitFor({ timeout: 20_000 });
      const content = activePanel().locator('.cm-content');
      await content.click();
      await content.fill(`SELECT ${i} * 1000 + 7 AS tab_${i}`);
      await page.keyboard.press('F5');
      await status.locator('.qs-state', { hasText: 'Done' }).waitFor({ timeout: 30_000 });
      await activePanel().getByRole('gridcell', { name: String(i * 1000 + 7), exact: true }).waitFor();
    } catch (err) {
      await screenshot(page, `stream-tab-${i}-stuck`);
      throw new Error(`query tab ${i} (with the dashboard, the job log and ${i - 1} tabs open) did not show its result: ${err.message}`);
    }
  }
  await screenshot(page, 'stream-twelve-tabs');

  // every tab (the hidden ones too) still shows its own result
  for (let i = 1; i <= TABS; i++) {
    const cell = panels().locator('[role="gridcell"]').filter({ hasText: new RegExp(`^${i * 1000 + 7}$`) });
    assert.equal(await cell.count(), 1, `tab ${i}'s result`);
  }
  // the job's log goes on arriving: released, the backup finishes and its log shows the table dumped
  unlockTable();
  await page.locator('.status-jobs').click();
  await row.getByText('succeeded').waitFor({ timeout: 30_000 });
  await waitUntil(async () => /dumping contents of table "public\.e2e_stream_locked"/.test(await log.innerText()), 20_000).catch(async (err) => {
    throw new Error(`${err.message}: the log shows ${await log.innerText()}`);
  });
  // and the dashboard's samples still arrive, on the same stream
  const samples = () => received.filter((e) => e.event === 'sample').length;
  const sofar = samples();
  await waitUntil(async () => samples() >= sofar + 2, 10_000);
  const keys = new Set(received.filter((e) => e.key).map((e) => e.key));
  assert.ok(keys.size >= TABS + 2, `the tabs, the dashboard and the job log were topics of the one stream: ${[...keys]}`);

  assert.equal(streams.length, 1, `one event stream for the window: ${streams.join(', ')}`);
  assert.deepEqual(perTabStreams, [], 'no stream of its own per tab');
  assertNoErrors(browser.errors);
});
