// A database from the tree: Disconnect Database closes Tusk's connections to
// it; Drop… runs DROP DATABASE once Tusk's own idle connections are closed,
// and when another session holds it, PostgreSQL's refusal (55006) offers
// Drop (Force)…, which ends that session and drops it. A collection's count
// agrees with its members after a refresh; a label cut by the pane shows whole
// on hover; the server's actions (reload, restore point, WAL replay).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { psql, pg as PG } from '../lib/pg.mjs';
import { screenshot } from './browser.mjs';
import { ADMIN, assertNoErrors, chooseInNodeMenu, dialog, expandTreeItem, openApp, treeItem, waitUntil } from './app.mjs';

const SERVER = 'e2e-databases';
const DB = 'e2e_drop_db';
let tusk;
let browser;
let page;

const held = () => Number(psql(`SELECT count(*) FROM pg_stat_activity WHERE datname = '${DB}'`));

before(async () => {
  psql(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  psql(`CREATE DATABASE ${DB}`);
  psql('CREATE TABLE t (id int)', { db: DB });
  ({ tusk, browser, page } = await openApp(SERVER, PG));
});

after(async () => {
  await browser?.close();
  await tusk?.stop();
  psql(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
});

test('a refreshed collection counts the members it shows', async () => {
  psql(`CREATE SCHEMA IF NOT EXISTS e2e_counts; CREATE TABLE IF NOT EXISTS e2e_counts.a (id int)`, { db: DB });
  await expandTreeItem(page, treeItem(page, SERVER));
  await expandTreeItem(page, treeItem(page, /^Databases/));
  await expandTreeItem(page, treeItem(page, DB));
  await expandTreeItem(page, treeItem(page, /^Schemas/));
  await expandTreeItem(page, treeItem(page, 'e2e_counts'));
  const tables = treeItem(page, /^Tables \(\d+\)$/);
  await expandTreeItem(page, tables);
  await treeItem(page, 'a').waitFor();
  assert.match(await tables.getAttribute('aria-label') ?? await tables.innerText(), /Tables\s*\(1\)/);
  psql('CREATE TABLE e2e_counts.b (id int); CREATE TABLE e2e_counts.c (id int)', { db: DB });
  await tables.locator('.tree-label').click();
  await page.keyboard.press('F5');
  await treeItem(page, 'c').waitFor();
  await waitUntil(async () => /Tables\s*\(3\)/.test((await tables.getAttribute('aria-label')) ?? (await tables.innerText())));
  await chooseInNodeMenu(page, treeItem(page, DB), 'Disconnect Database');
});

test('the tree opens again as it was after a reload', async () => {
  await expandTreeItem(page, treeItem(page, SERVER));
  await expandTreeItem(page, treeItem(page, /^Databases/));
  await expandTreeItem(page, treeItem(page, DB));
  await expandTreeItem(page, treeItem(page, /^Schemas/));
  await treeItem(page, 'e2e_counts').locator('.tree-label').click();
  // the tree is kept (per user, in this browser) a moment after its last change
  await waitUntil(() => page.evaluate(() => Object.keys(localStorage).some((k) => k.startsWith('tusk.tree.') && localStorage.getItem(k).includes('e2e_counts'))));
  await page.reload();
  await page.getByRole('tree', { name: 'Servers' }).waitFor();
  const schema = treeItem(page, 'e2e_counts');
  await schema.waitFor();
  assert.equal(await schema.getAttribute('aria-selected'), 'true');
  assert.equal(await treeItem(page, DB).getAttribute('aria-expanded'), 'true');
});

test('Disconnect Database folds it and closes the tree\'s connections to it', async () => {
  await expandTreeItem(page, treeItem(page, SERVER));
  await expandTreeItem(page, treeItem(page, /^Databases/));
  const db = treeItem(page, DB);
  await expandTreeItem(page, db);
  await treeItem(page, /^Schemas/).first().waitFor();
  await waitUntil(async () => held() >= 1);
  await chooseInNodeMenu(page, db, 'Disconnect Database');
  await page.locator('.toast', { hasText: `Disconnected from ${DB}` }).last().waitFor();
  assert.equal(await db.getAttribute('aria-expanded'), 'false');
  await waitUntil(async () => held() === 0);
});

test('Drop… on a database in use shows PostgreSQL\'s refusal and offers Drop (Force)…', async () => {
  const db = treeItem(page, DB);
  // a query tab on the database: a session Tusk does not close by itself
  await chooseInNodeMenu(page, db, 'Query Tool');
  const panel = page.locator('.tab-panel:not([hidden])');
  await panel.getByRole('status', { name: 'Query status' }).getByText('Ready').waitFor();
  await chooseInNodeMenu(page, db, 'Drop…');
  let d = await dialog(page, 'Drop database');
  await d.getByText(`DROP DATABASE ${DB};`).waitFor();
  await d.getByRole('button', { name: 'Drop', exact: true }).click();
  await d.getByRole('alert').getByText(/is being accessed by other users/).waitFor();
  await d.getByText('55006').waitFor();
  await screenshot(page, 'drop-database-in-use-light');
  await d.getByRole('button', { name: 'Drop (Force)…' }).click();
  d = await dialog(page, 'Drop database (force)');
  await d.getByText(`DROP DATABASE ${DB} WITH (FORCE);`).waitFor();
  // the statement is coloured as the editor colours SQL
  await d.locator('.statement-sql .tok-keyword', { hasText: 'FORCE' }).waitFor();
  await page.keyboard.press('Alt+Shift+T');
  await screenshot(page, 'drop-database-force-dark');
  await page.keyboard.press('Alt+Shift+T');
  await d.getByRole('button', { name: 'Drop (Force)', exact: true }).click();
  await d.waitFor({ state: 'detached' });
  await page.locator('.toast', { hasText: `Dropped database ${DB}` }).waitFor();
  await waitUntil(async () => (await treeItem(page, DB).count()) === 0);
  assert.equal(psql(`SELECT count(*) FROM pg_database WHERE datname = '${DB}'`), '0');
  // the refused drop's 409 is the answer the dialog shows
  assertNoErrors(browser.errors.filter((e) => !/409 \(Conflict\): POST .*objects\/drop$/.test(e)));
});

test('a database name too long for the pane shows whole on hover', async () => {
  const long = `e2e_${'long_name_'.repeat(5)}end`;
  psql(`DROP DATABASE IF EXISTS ${long}`);
  psql(`CREATE DATABASE ${long}`);
  try {
    await chooseInNodeMenu(page, treeItem(page, /^Databases/), 'Refresh');
    const row = treeItem(page, long);
    await row.waitFor();
    const label = row.locator('.tree-label');
    await label.hover();
    await waitUntil(async () => (await label.getAttribute('title')) === long);
    // a label that fits has no title to repeat it
    const short = treeItem(page, 'postgres').locator('.tree-label');
    await short.hover();
    assert.equal(await short.getAttribute('title'), '');
  } finally {
    psql(`DROP DATABASE IF EXISTS ${long}`);
  }
});

test('the server menu reloads the configuration, creates a named restore point, and says why a primary cannot pause replay', async () => {
  const server = treeItem(page, SERVER);
  await chooseInNodeMenu(page, server, 'Reload Configuration');
  await page.locator('.toast', { hasText: `${SERVER} reloaded its configuration.` }).waitFor();
  await chooseInNodeMenu(page, server, 'Add Named Restore Point…');
  const d = await dialog(page, `Add named restore point on ${SERVER}`);
  await d.getByRole('button', { name: 'Create' }).click();
  await d.getByText('Enter a name for the restore point.').waitFor();
  await d.locator('#restore-point-name').fill('e2e before release');
  await screenshot(page, 'restore-point-light');
  await d.getByRole('button', { name: 'Create' }).click();
  await d.waitFor({ state: 'detached' });
  await page.locator('.toast', { hasText: /Restore point e2e before release created on .* at [0-9A-F]+\/[0-9A-F]+\./ }).waitFor();
  await chooseInNodeMenu(page, server, 'Pause WAL Replay');
  await page.locator('.toast', { hasText: /recovery is not in progress/ }).waitFor();
});

test('a selected server shows its entry and what its PostgreSQL says of itself', async () => {
  await treeItem(page, SERVER).locator('.tree-label').click();
  // (a query tab in front stays there: the object tab opens behind it)
  await page.getByRole('tab', { name: `server ${SERVER}` }).click();
  const panel = page.locator('.tab-panel:not([hidden])');
  const entry = panel.getByRole('table', { name: 'Server entry' });
  await entry.getByRole('cell', { name: SERVER, exact: true }).waitFor();
  const pgTable = panel.getByRole('table', { name: 'PostgreSQL' });
  await pgTable.getByText(/^PostgreSQL \d+/).waitFor();
  assert.equal(await pgTable.locator('tr', { hasText: 'In recovery' }).locator('td').innerText(), 'No');
  await screenshot(page, 'server-view-light');
  await page.keyboard.press('Alt+Shift+T');
  await screenshot(page, 'server-view-dark');
  await page.keyboard.press('Alt+Shift+T');
});

test('an open dashboard comes back after a reload', async () => {
  await chooseInNodeMenu(page, treeItem(page, SERVER), 'Dashboard');
  await page.getByRole('tab', { name: `Dashboard — ${SERVER}` }).waitFor();
  await waitUntil(() => page.evaluate(() => Object.keys(localStorage).some((k) => k.startsWith('tusk.panels.') && localStorage.getItem(k).includes('dashboard'))));
  await page.reload();
  await page.getByRole('tree', { name: 'Servers' }).waitFor();
  await page.getByRole('tab', { name: `Dashboard — ${SERVER}` }).waitFor();
  // closed, it stays closed
  await page.getByRole('tab', { name: `Dashboard — ${SERVER}` }).click();
  await page.keyboard.press('Delete');
  await waitUntil(() => page.evaluate(() => !Object.keys(localStorage).some((k) => k.startsWith('tusk.panels.') && localStorage.getItem(k).includes('dashboard'))));
  await page.reload();
  await page.getByRole('tree', { name: 'Servers' }).waitFor();
  await treeItem(page, SERVER).waitFor();
  assert.equal(await page.getByRole('tab', { name: `Dashboard — ${SERVER}` }).count(), 0);
});
