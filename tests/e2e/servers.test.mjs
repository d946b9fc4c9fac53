// Servers in the object explorer: register one through the dialog, connect
// with a password prompt, browse its databases, disconnect and reconnect
// with the saved password, import and export pgAdmin's servers.json.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pg as PG } from '../lib/pg.mjs';
import { openBrowser, screenshot } from './browser.mjs';
import { ADMIN, assertNoErrors, dialog, logIn, startServer, treeItem, waitUntil } from './app.mjs';

const SERVER = 'e2e-pg';
const GROUP = 'E2E group';

// Answers the tests provoke on purpose; the browser logs each as a failed load.
const PROVOKED = /Failed to load resource: the server responded with a status of (400|409|502)/;

async function toolbar(page, label) {
  await page.getByRole('toolbar', { name: 'Object explorer toolbar' }).getByRole('button', { name: label, exact: true }).click();
}

async function expand(row) {
  if ((await row.getAttribute('aria-expanded')) !== 'true') await row.locator('.tree-twisty').click();
}

async function isDimmed(row) {
  return (await row.getAttribute('class')).split(' ').includes('is-dimmed');
}

/** Toasts pile up when steps run fast; clear them so screenshots show the subject. */
async function dismissToasts(page) {
  // in one go in the page: a toast may time out between a count and a click
  await page.evaluate(() => document.querySelectorAll('.toast button[aria-label="Dismiss"]').forEach((b) => b.click()));
  await page.locator('.toast').first().waitFor({ state: 'detached' });
}

async function screenshotBothThemes(page, name) {
  await screenshot(page, `${name}-light`);
  await page.keyboard.press('Alt+Shift+T');
  await screenshot(page, `${name}-dark`);
  await page.keyboard.press('Alt+Shift+T');
}

async function addServer(page) {
  await toolbar(page, 'Add server');
  const d = await dialog(page, 'Add server');
  await d.getByRole('button', { name: 'Save' }).click();
  await d.getByText('Enter a name for the server.').waitFor();

  await d.locator('#server-name').fill(SERVER);
  await d.locator('#server-group').fill(GROUP);
  await d.locator('#server-bgColor').fill('#d8ecdd');
  await d.locator('#server-fgColor').fill('#1d4d2a');
  await d.locator('#server-comment').fill('The throwaway cluster of the browser tests');
  await screenshotBothThemes(page, 'dialog-server');
  await d.getByRole('tab', { name: 'Connection' }).click();
  await d.locator('#server-host').fill(PG.host);
  await d.locator('#server-port').fill(String(PG.port));
  await d.locator('#server-username').fill(PG.user);
  await screenshot(page, 'dialog-server-connection');

  await d.getByRole('tab', { name: 'Parameters' }).click();
  await d.getByRole('button', { name: 'Add parameter' }).click();
  const key = d.getByRole('combobox', { name: 'Name of parameter 1' });
  await key.selectOption('sslmode');
  await d.getByLabel('Value of sslmode').fill('sometimes');
  await d.getByRole('button', { name: 'Save' }).click();
  // the server refuses the value and names the parameter: the error shows at its row
  await d.getByText(/sslmode/).filter({ hasText: /sometimes/ }).waitFor();
  await screenshot(page, 'dialog-server-parameter-error');
  await d.getByLabel('Value of sslmode').fill('prefer');
  await d.getByRole('button', { name: 'Add parameter' }).click();
  await d.getByRole('combobox', { name: 'Name of parameter 2' }).selectOption('application_name');
  await d.getByLabel('Value of application_name').fill('tusk-e2e');
  // a file parameter names a file in the user's storage, with a picker for it
  await d.getByRole('button', { name: 'Add parameter' }).click();
  await d.getByRole('combobox', { name: 'Name of parameter 3' }).selectOption('sslrootcert');
  await d.getByText('Files are read from your storage', { exact: false }).waitFor();
  await d.locator('.params-table').getByRole('button', { name: 'Browse…' }).click();
  const picker = page.getByRole('dialog', { name: 'Choose a file' });
  await picker.getByRole('button', { name: 'Cancel' }).click();
  await d.getByRole('button', { name: 'Remove sslrootcert' }).click();
  await screenshot(page, 'dialog-server-parameters');

  await d.getByLabel('Value of application_name').press('Enter');
  await d.waitFor({ state: 'detached' });
}

test('servers in the object explorer', { skip: !process.env.TEST_PGHOST && 'TEST_PGHOST is not set (scripts/test.sh sets it)' }, async (t) => {
  const tusk = await startServer();
  t.after(() => tusk.stop());
  const browser = await openBrowser();
  t.after(() => browser.close());
  const { page } = browser;
  const temp = await mkdtemp(join(tmpdir(), 'tusk-servers-'));
  t.after(() => rm(temp, { recursive: true, force: true }));

  await t.test('the admin adds a server through the dialog', async () => {
    await page.goto(tusk.url);
    await logIn(page, ADMIN.email, ADMIN.password);
    await page.getByText('No servers yet').waitFor();
    await addServer(page);
    await treeItem(page, GROUP).waitFor();
    const server = treeItem(page, SERVER);
    await server.waitFor();
    assert.ok(await isDimmed(server), 'a new server is not connected');
    assert.equal(await server.getAttribute('aria-selected'), 'true', 'the new server is selected');
  });

  await t.test('expanding asks for the password and refuses a wrong one in place', async () => {
    await expand(treeItem(page, SERVER));
    const d = await dialog(page, `Connect to ${SERVER}`);
    await d.getByText(PG.user, { exact: true }).waitFor();
    await d.locator('#connect-password').fill('not the password');
    await d.locator('#connect-password').press('Enter');
    const error = d.getByRole('alert');
    await error.waitFor();
    assert.match(await error.textContent(), /password/i);
    await screenshotBothThemes(page, 'dialog-connect-password');

    await d.locator('#connect-password').fill(PG.password);
    await d.locator('#connect-save').check();
    await d.locator('#connect-password').press('Enter');
    await d.waitFor({ state: 'detached' });
    await treeItem(page, /^Databases \(\d+\)$/).waitFor();
    assert.ok(!(await isDimmed(treeItem(page, SERVER))), 'the server shows as connected');
    await treeItem(page, /^Login\/Group Roles \(\d+\)$/).waitFor();
    await treeItem(page, /^Tablespaces \(\d+\)$/).waitFor();
  });

  await t.test('Databases expands to the databases', async () => {
    await expand(treeItem(page, /^Databases/));
    await treeItem(page, 'postgres').waitFor();
    await treeItem(page, 'postgres').click();
    await dismissToasts(page);
    await screenshotBothThemes(page, 'explorer-servers');
  });

  await t.test('the keyboard moves through the tree and opens the context menu', async () => {
    const tree = page.getByRole('tree', { name: 'Servers' });
    await treeItem(page, SERVER).click();
    await tree.press('Shift+F10');
    const menu = page.getByRole('menu', { name: 'Object explorer menu' });
    await menu.getByRole('menuitem', { name: 'Disconnect' }).waitFor();
    await menu.getByRole('menuitem', { name: /Edit/ }).waitFor();
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
    await tree.press('F2');
    const d = await dialog(page, `Edit server ${SERVER}`);
    assert.equal(await d.locator('#server-group').inputValue(), GROUP);
    await d.getByRole('tab', { name: 'Connection' }).click();
    assert.equal(await d.locator('#server-host').inputValue(), PG.host);
    assert.equal(await d.locator('#server-password').count(), 0, 'no password field when editing');
    await d.getByRole('tab', { name: 'Parameters' }).click();
    assert.equal(await d.getByLabel('Value of application_name').inputValue(), 'tusk-e2e');
    await page.keyboard.press('Escape');
    await d.waitFor({ state: 'detached' });
  });

  await t.test('disconnect, then reconnect with the saved password', async () => {
    await treeItem(page, SERVER).click();
    await toolbar(page, 'Disconnect');
    await waitUntil(async () => isDimmed(treeItem(page, SERVER)));
    assert.equal(await treeItem(page, /^Databases/).count(), 0);
    await expand(treeItem(page, SERVER));
    await treeItem(page, /^Databases \(\d+\)$/).waitFor();
    assert.equal(await page.getByRole('dialog').count(), 0, 'no password prompt');
    assert.ok(!(await isDimmed(treeItem(page, SERVER))));
  });

  await t.test('a servers.json imports through the dialog', async () => {
    const file = join(temp, 'servers.json');
    const servers = {
      Servers: {
        1: { Name: 'imported-primary', Group: 'Imported', Host: PG.host, Port: Number(PG.port), MaintenanceDB: 'postgres', Username: PG.user, BGColor: '#f4d9d9', FGColor: '#6b1f1f', Shared: true },
        2: { Name: 'imported-nowhere', Group: 'Imported', Host: '127.0.0.1', Port: 1, MaintenanceDB: 'postgres', Username: 'nobody' },
      },
    };
    await writeFile(file, JSON.stringify(servers, null, 2));
    await toolbar(page, 'Import servers');
    const d = await dialog(page, 'Import servers');
    await d.locator('#import-file').setInputFiles(file);
    await waitUntil(async () => (await d.locator('#import-text').inputValue()).includes('imported-primary'));
    await d.getByRole('button', { name: 'Import' }).click();
    await d.waitFor({ state: 'detached' });
    await page.getByRole('status').getByText('Imported 2 servers').waitFor();
    await treeItem(page, 'Imported').waitFor();
    await treeItem(page, 'imported-primary shared').waitFor();
    await treeItem(page, 'imported-nowhere').waitFor();
    await dismissToasts(page);
    await screenshotBothThemes(page, 'explorer-imported');
  });

  await t.test('a server that cannot be reached shows why, under it and in a toast', async () => {
    await expand(treeItem(page, 'imported-nowhere'));
    const failure = page.getByRole('tree', { name: 'Servers' }).locator('.tree-row.is-error');
    await failure.waitFor();
    const toast = page.getByRole('status').locator('.toast-error');
    await toast.waitFor();
    assert.match(await toast.textContent(), /imported-nowhere/);
    assert.ok((await failure.getAttribute('title')).length > 0, 'the whole message is in the tooltip');
    await screenshot(page, 'explorer-connect-failed');
  });

  await t.test('an invalid servers.json lists the problem of each entry', async () => {
    await dismissToasts(page);
    await toolbar(page, 'Import servers');
    const d = await dialog(page, 'Import servers');
    const bad = { Servers: { 1: { Group: 'Broken', Host: 'db.example.com' }, 2: { Name: 'bad port', Host: 'db.example.com', Port: 'many' } } };
    await d.locator('#import-text').fill(JSON.stringify(bad, null, 2));
    await d.getByRole('button', { name: 'Import' }).click();
    const rows = d.locator('.import-problems tbody tr');
    await rows.first().waitFor();
    const texts = await rows.allTextContents();
    assert.ok(texts.some((r) => r.startsWith('1') && r.includes('Name')), `entry 1 lacks Name: ${texts}`);
    assert.ok(texts.some((r) => r.startsWith('2') && r.includes('Port')), `entry 2 has a bad Port: ${texts}`);
    assert.match(await d.getByRole('alert').textContent(), /nothing was imported/i);
    await screenshot(page, 'dialog-import-invalid');
    await page.keyboard.press('Escape');
    await d.waitFor({ state: 'detached' });
    assert.equal(await treeItem(page, 'Broken').count(), 0, 'nothing was imported');
  });

  await t.test('an empty group is added and deleted', async () => {
    await toolbar(page, 'Add group');
    const add = await dialog(page, 'Add server group');
    await add.locator('#group-name').fill('Scratch');
    await add.locator('#group-name').press('Enter');
    await add.waitFor({ state: 'detached' });
    const group = treeItem(page, 'Scratch');
    await group.waitFor();
    assert.equal(await group.getAttribute('aria-selected'), 'true');
    await toolbar(page, 'Delete');
    const confirm = await dialog(page, 'Delete group');
    await confirm.getByRole('button', { name: 'Delete group' }).click();
    await confirm.waitFor({ state: 'detached' });
    await waitUntil(async () => (await group.count()) === 0);
  });

  await t.test('a group with servers is not deleted; the reason shows in place', async () => {
    await treeItem(page, 'Imported').click({ button: 'right' });
    await page.getByRole('menu', { name: 'Object explorer menu' }).getByRole('menuitem', { name: /Delete/ }).click();
    const d = await dialog(page, 'Delete group');
    await d.getByRole('button', { name: 'Delete group' }).click();
    await d.getByRole('alert').waitFor();
    await page.keyboard.press('Escape');
    await d.waitFor({ state: 'detached' });
    await treeItem(page, 'Imported').waitFor();
  });

  await t.test('export downloads a servers.json with every server', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), toolbar(page, 'Export servers')]);
    const saved = join(temp, 'export.json');
    await download.saveAs(saved);
    const names = Object.values(JSON.parse(await readFile(saved, 'utf8')).Servers).map((s) => s.Name);
    assert.deepEqual(names.sort(), [SERVER, 'imported-nowhere', 'imported-primary'].sort());
  });

  await t.test('deleting a server asks first', async () => {
    await treeItem(page, 'imported-nowhere').click();
    await page.getByRole('tree', { name: 'Servers' }).press('Delete');
    const d = await dialog(page, 'Delete server');
    await d.getByRole('button', { name: 'Delete server' }).click();
    await d.waitFor({ state: 'detached' });
    await waitUntil(async () => (await treeItem(page, 'imported-nowhere').count()) === 0);
    assertNoErrors(browser.errors.filter((e) => !PROVOKED.test(e)));
  });
});
