// A query tab whose session lived in another Tusk process: what a user sees
// when the replica holding the tab stops and the load balancer sends the
// browser to another one. Here the other process is the same Tusk
// restarted on its store (the session id names the process that issued it,
// so the web app meets 409 session_elsewhere the same way).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pg as PG } from '../lib/pg.mjs';
import { startTusk } from '../lib/tusk.mjs';
import { openBrowser, screenshot } from './browser.mjs';
import { ADMIN, addConnectedServer, logIn, startServer } from './app.mjs';

const SERVER = 'e2e-relocate';
const TAB = `postgres on ${SERVER}`;

let tusk;
let browser;
let page;

before(async () => {
  tusk = await startServer();
  browser = await openBrowser({ width: 1280, height: 800 });
  page = browser.page;
  await page.goto(tusk.url);
  await logIn(page, ADMIN.email, ADMIN.password);
  await addConnectedServer(page, SERVER, PG); // the password is saved
});

after(async () => {
  await browser?.close();
  await tusk?.stop();
});

const panel = () => page.locator('.tab-panel:not([hidden])');
const status = () => panel().getByRole('status', { name: 'Query status' });

async function openTab() {
  const server = page.getByRole('tree', { name: 'Servers' }).getByRole('treeitem', { name: SERVER, exact: true });
  await server.click({ button: 'right' });
  await page.getByRole('menu', { name: 'Object explorer menu' }).getByText('Query Tool', { exact: true }).click();
  await page.getByRole('tab', { name: TAB }).waitFor();
  await status().getByText('Ready').waitFor();
}

async function setSql(sql) {
  const editor = panel().locator('.cm-content');
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await editor.fill(sql);
}

async function runAndSee(sql, cell) {
  await setSql(sql);
  // F5 waits for the run before (its last status may still be on its way)
  await panel().getByRole('button', { name: 'Run', exact: true }).and(page.locator(':enabled')).waitFor();
  await page.keyboard.press('F5');
  await panel().getByRole('grid', { name: 'Result 1' }).getByRole('gridcell', { name: cell }).waitFor();
}

// The process holding the session goes (signal); another answers at the same address.
async function replaceTusk(signal) {
  const { dataDir, port } = tusk;
  await tusk.stop(signal);
  tusk = await startTusk({
    env: { PGADMIN_DEFAULT_EMAIL: ADMIN.email, PGADMIN_DEFAULT_PASSWORD: ADMIN.password },
    args: ['--port', String(port)],
    dataDir,
  });
}

async function seeReopened(name, sql) {
  const toast = page.locator('.toasts').getByText("the Tusk server holding this tab's session is gone", { exact: false });
  await toast.waitFor({ timeout: 30_000 });
  await page.locator('.toasts').getByText('your SQL is kept, but the previous results and any open transaction were lost', { exact: false }).first().waitFor();
  await status().getByText('Ready').waitFor({ timeout: 30_000 });
  await screenshot(page, name);
  assert.equal(await panel().locator('.cm-content').innerText(), sql, 'the editor kept its SQL');
  await page.evaluate(() => document.querySelectorAll('.toast button[aria-label="Dismiss"]').forEach((b) => b.click()));
}

test('the Tusk holding a tab stops (SIGTERM, a rolling update): the tab waits, reopens on the next, SQL kept', async () => {
  await openTab();
  await runAndSee("SELECT 'first run' AS marker", 'first run');
  const sql = "SELECT 'second run' AS marker";
  await setSql(sql);
  await replaceTusk('SIGTERM');
  await seeReopened('query-relocated-after-stop', sql);
  await page.keyboard.press('F5');
  await panel().getByRole('grid', { name: 'Result 1' }).getByRole('gridcell', { name: 'second run' }).waitFor();
});

test('the Tusk holding a tab dies (SIGKILL): its successor answers session_elsewhere and the tab reopens, SQL kept', async () => {
  await runAndSee("SELECT 'before the crash' AS marker", 'before the crash');
  const sql = "SELECT 'after the crash' AS marker";
  await setSql(sql);
  await replaceTusk('SIGKILL');
  await seeReopened('query-relocated-after-crash', sql);
  await page.keyboard.press('F5');
  await panel().getByRole('grid', { name: 'Result 1' }).getByRole('gridcell', { name: 'after the crash' }).waitFor();
  // requests to the stopped process and its 409s are the browser's only complaints
  assert.deepEqual(browser.errors.filter((e) => !/Failed to load resource|ERR_CONNECTION_REFUSED|net::/.test(e)), []);
});
