// A user's query tab on a shared server, when an administrator unshares it:
// the running query ends and the tab says why, in place, with the SQL kept.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pg as PG } from '../lib/pg.mjs';
import { Client } from '../lib/http.mjs';
import { openBrowser, screenshot } from './browser.mjs';
import { ADMIN, apiCall, logIn, startServer } from './app.mjs';

const SERVER = 'e2e-team-db';
const USER = { email: 'bob@tusk.local', password: 'bob e2e password' };

let tusk, browser, page, admin, serverId;

before(async () => {
  tusk = await startServer();
  admin = new Client(tusk.url);
  admin.csrf = (await admin.post('api/v1/auth/login', ADMIN)).body.csrf_token;
  assert.equal((await admin.post('api/v1/users', { ...USER, role: 'user' })).status, 201);
  const made = await admin.post('api/v1/servers', { name: SERVER, host: PG.host, port: PG.port, username: PG.user, shared: true, shared_username: PG.user });
  serverId = made.body.server.id;
  browser = await openBrowser({ width: 1280, height: 800 });
  page = browser.page;
  await page.goto(tusk.url);
  await logIn(page, USER.email, USER.password);
  assert.equal((await apiCall(page, 'POST', `servers/${serverId}/connect`, { password: PG.password })).status, 200);
  await page.reload();
  await page.getByRole('tree', { name: 'Servers' }).waitFor();
});

after(async () => {
  await browser?.close();
  await tusk?.stop();
});

test('unsharing the server closes the running tab and the tab says why', async () => {
  await page.getByRole('tree', { name: 'Servers' }).getByRole('treeitem', { name: new RegExp(`^${SERVER}`) }).click({ button: 'right' });
  await page.getByRole('menu', { name: 'Object explorer menu' }).getByText('Query Tool', { exact: true }).click();
  const panel = page.locator('.tab-panel:not([hidden])');
  await panel.getByRole('status', { name: 'Query status' }).getByText('Ready').waitFor();
  const editor = panel.locator('.cm-content');
  await editor.click();
  await editor.fill('SELECT pg_sleep(60)');
  await page.keyboard.press('F5');
  await panel.getByRole('status', { name: 'Query status' }).getByText(/Running/).waitFor();
  assert.equal((await admin.put(`api/v1/servers/${serverId}`, { shared: false })).status, 200);
  const banner = panel.getByRole('alert');
  await banner.getByText('The session was closed: The server was deleted, or is no longer shared with you. Your SQL is kept.').waitFor();
  assert.equal(await panel.locator('.cm-content').textContent(), 'SELECT pg_sleep(60)');
  await panel.getByRole('status', { name: 'Query status' }).getByText('Closed').waitFor();
  // the explorer no longer lists the server
  await page.getByRole('tree', { name: 'Servers' }).getByRole('treeitem', { name: new RegExp(`^${SERVER}`) }).waitFor({ state: 'detached' });
  assert.equal(await panel.getByRole('button', { name: 'Reopen' }).count(), 0, 'nothing to reopen on');
  await screenshot(page, 'query-revoked');
  // the errors a closed tab meets on its way out are answers, not script errors
  assert.deepEqual(browser.errors.filter((e) => !/Failed to load resource/.test(e)), []);
});
