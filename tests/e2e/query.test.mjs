// The query tool against the real server and the test cluster: open a tab
// from the tree, run scripts (results, notices, errors marked in the
// editor), scroll a large result, cancel, explain, view and edit a table's
// data through the SQL preview, and get the tab back after a reload.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { psql, pg as PG } from '../lib/pg.mjs';
import { screenshot } from './browser.mjs';
import { ADMIN, assertNoErrors, dialog, openApp, waitUntil } from './app.mjs';

const SERVER = 'e2e-query';
const TAB = `postgres on ${SERVER}`;

let tusk;
let browser;
let page;

before(async () => {
  psql('DROP TABLE IF EXISTS e2e_items; CREATE TABLE e2e_items (id int PRIMARY KEY, name text, qty int); ' +
    "INSERT INTO e2e_items VALUES (1, 'apple', 3), (2, 'pear', NULL), (3, '', 7);");
  ({ tusk, browser, page } = await openApp(SERVER, PG));
});

after(async () => {
  await browser?.close();
  await tusk?.stop();
  psql('DROP TABLE IF EXISTS e2e_items');
});

const panel = () => page.locator('.tab-panel:not([hidden])');
const status = () => panel().getByRole('status', { name: 'Query status' });

async function setSql(sql) {
  const content = panel().locator('.cm-content');
  await content.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await content.fill(sql);
}

async function run(sql, expected = 'Done') {
  await setSql(sql);
  await page.keyboard.press('F5');
  try {
    await status().locator('.qs-state', { hasText: expected }).waitFor({ timeout: 30_000 });
  } catch (err) {
    await screenshot(page, 'query-failure');
    throw err;
  }
}

async function toolbarButton(name) {
  await panel().getByRole('toolbar', { name: 'Query toolbar' }).getByRole('button', { name, exact: true }).click();
}

async function bothThemes(name) {
  await page.evaluate(() => document.querySelectorAll('.toast button[aria-label="Dismiss"]').forEach((b) => b.click()));
  await screenshot(page, `${name}-light`);
  await page.keyboard.press('Alt+Shift+T');
  await screenshot(page, `${name}-dark`);
  await page.keyboard.press('Alt+Shift+T');
}

test('opens a query tab from the tree and runs a script', async () => {
  const server = page.getByRole('tree', { name: 'Servers' }).getByRole('treeitem', { name: SERVER, exact: true });
  await server.click({ button: 'right' });
  await page.getByRole('menu', { name: 'Object explorer menu' }).getByText('Query Tool', { exact: true }).click();
  await page.getByRole('tab', { name: TAB }).waitFor();
  await status().getByText('Ready').waitFor();

  await run("DO $$ BEGIN RAISE NOTICE 'hello from e2e'; END $$;\nSELECT 1 AS one, 'x' AS two, NULL::text AS nothing;\nSELECT g, g * 2 AS twice FROM generate_series(1, 3) g;");
  const results = panel().getByRole('tablist', { name: 'Results' });
  await results.getByRole('tab', { name: 'Result 2 · 1 row' }).waitFor();
  await results.getByRole('tab', { name: 'Result 3 · 3 rows' }).click();
  await panel().getByRole('grid', { name: 'Result 3' }).getByRole('gridcell', { name: '6' }).waitFor();
  await results.getByRole('tab', { name: 'Result 2 · 1 row' }).click();
  await panel().getByRole('grid', { name: 'Result 2' }).locator('.cell-null').waitFor();
  await bothThemes('query-results');
  await results.getByRole('tab', { name: 'Messages' }).click();
  await panel().locator('.message-text', { hasText: 'hello from e2e' }).waitFor();
  await panel().locator('.message-text', { hasText: 'DO' }).first().waitFor();
});

test('result columns are as wide as the first rows\' values, and a header edge\'s double-click fits one', async () => {
  await run(`SELECT 'a value of about forty characters, whole' AS label, repeat('x', 300) AS wide, 7 AS n`);
  const grid = panel().getByRole('grid', { name: 'Result 1' });
  const label = grid.getByRole('gridcell', { name: 'a value of about forty characters, whole' });
  await label.waitFor();
  const cut = (cell) => cell.evaluate((el) => el.scrollWidth > el.clientWidth + 1);
  await waitUntil(async () => !(await cut(label)));
  // a very long value is bounded, so one column never takes the whole pane by itself
  const wide = grid.locator('.grid-cell').nth(1);
  const bounded = (await wide.boundingBox()).width;
  assert.ok(bounded <= 440 && bounded >= 300, `the long column is ${bounded} px`);
  assert.ok(await cut(wide));
  await grid.getByRole('columnheader').nth(1).locator('.grid-resize').dblclick();
  await waitUntil(async () => (await wide.boundingBox()).width > bounded + 100);
  await bothThemes('query-column-widths');
});

test('the tab switches to another database of its server and keeps the editor\'s text', async () => {
  psql('DROP DATABASE IF EXISTS e2e_other');
  psql('CREATE DATABASE e2e_other');
  try {
    await setSql('SELECT current_database()');
    const picker = panel().getByRole('combobox', { name: 'Database' });
    await picker.focus();
    await waitUntil(async () => (await picker.locator('option').allInnerTexts()).includes('e2e_other'));
    await picker.selectOption('e2e_other');
    await page.getByRole('tab', { name: `e2e_other on ${SERVER}` }).waitFor();
    await status().getByText('Ready').waitFor();
    assert.match(await panel().locator('.cm-content').innerText(), /SELECT current_database\(\)/);
    await toolbarButton('Run');
    await panel().getByRole('grid', { name: 'Result 1' }).getByRole('gridcell', { name: 'e2e_other', exact: true }).waitFor();
    await bothThemes('query-database-switch');
  } finally {
    const picker = panel().getByRole('combobox', { name: 'Database' });
    await picker.selectOption('postgres');
    await page.getByRole('tab', { name: TAB }).waitFor();
    await status().getByText(/Ready|Done/).first().waitFor();
    psql('DROP DATABASE IF EXISTS e2e_other WITH (FORCE)');
  }
});

test('an error shows in place with its position marked in the editor', async () => {
  await run('SELECT 1;\nSELECT nosuchcolumn FROM pg_class;', 'Error');
  await panel().getByRole('alert').getByText('column "nosuchcolumn" does not exist').waitFor();
  await panel().getByText('42703').waitFor();
  assert.equal(await panel().locator('.cm-error-mark').innerText(), 'nosuchcolumn');
  await panel().getByText('Line 2, column 8', { exact: false }).waitFor();
});

test('scrolls a 100,000-row result to its last row', async () => {
  await run('SELECT g, md5(g::text) FROM generate_series(1,100000) g');
  await panel().getByRole('tab', { name: 'Result 1 · 100,000 rows' }).waitFor();
  const grid = panel().getByRole('grid', { name: 'Result 1' });
  await grid.getByRole('rowheader', { name: '1', exact: true }).waitFor();
  await grid.getByRole('gridcell').first().click();
  await page.keyboard.press('Control+End');
  await grid.getByRole('rowheader', { name: '100000', exact: true }).waitFor();
  await grid.getByRole('gridcell', { name: 'e8ab1b4c7d3a39b0dcc6d7a2fb1b2b8c', exact: true }).or(grid.getByRole('gridcell', { name: '100000', exact: true })).first().waitFor();
  assert.ok(await grid.getByRole('rowheader', { name: '100000', exact: true }).isVisible());
});

test('shows the first rows while the query still runs', async () => {
  await setSql("SELECT g, repeat('x', 100) AS pad, CASE WHEN g = 3000 THEN pg_sleep(20)::text END AS slow FROM generate_series(1, 3000) g");
  await page.keyboard.press('F5');
  const grid = panel().getByRole('grid', { name: 'Result 1' });
  await grid.getByRole('rowheader', { name: '1', exact: true }).waitFor();
  await grid.getByRole('gridcell', { name: 'x'.repeat(100), exact: true }).first().waitFor();
  assert.ok(await status().getByText('Running…').isVisible(), 'rows are shown before the query ends');
  assert.equal(await grid.locator('.grid-th-type').first().innerText(), 'integer');
  await toolbarButton('Cancel');
  await status().locator('.qs-state', { hasText: 'Cancelled' }).waitFor();
});

test('cancels a running query', async () => {
  await setSql('SELECT pg_sleep(30)');
  await page.keyboard.press('F5');
  await status().getByText('Running…').waitFor();
  await toolbarButton('Cancel');
  await status().locator('.qs-state', { hasText: 'Cancelled' }).waitFor();
  await panel().getByText('canceling statement due to user request').waitFor();
});

test('explains a query as a plan tree and compares two plans', async () => {
  await setSql('SELECT count(*) FROM generate_series(1, 1000) g WHERE g % 3 = 0');
  await toolbarButton('Explain Analyze');
  const explain = panel().locator('.explain');
  await explain.getByText('Aggregate', { exact: true }).waitFor();
  await explain.getByText('Function Scan', { exact: true }).waitFor();
  await explain.getByRole('button', { name: 'Table', exact: true }).click(); // the plan opens drawn (Graphical)
  await explain.getByText('Excl. ms').waitFor();
  await bothThemes('query-explain');
  await toolbarButton('Explain');
  await explain.getByRole('combobox', { name: 'Plan' }).locator('option').nth(1).waitFor({ state: 'attached' });
  await explain.getByRole('button', { name: 'Compare' }).click();
  await explain.locator('.compare-table').getByText('Aggregate', { exact: true }).first().waitFor();
});

test('views and edits a table through the SQL preview', async () => {
  await toolbarButton('View/Edit Data');
  const d = await dialog(page, 'View/Edit Data');
  await d.locator('#view-table').fill('e2e_items');
  await d.locator('#view-sort').fill('id');
  await d.getByRole('button', { name: 'View' }).click();
  const grid = panel().getByRole('grid', { name: 'Data of e2e_items' });
  const apple = grid.getByRole('gridcell', { name: 'apple', exact: true });
  await apple.dblclick();
  const input = grid.getByRole('textbox', { name: 'Edit name' });
  await input.fill('banana');
  await input.press('Enter');
  await grid.locator('.is-changed', { hasText: 'banana' }).waitFor();
  await panel().getByRole('button', { name: 'Save (1)' }).click();
  const preview = await dialog(page, 'Save changes');
  await preview.getByText(/UPDATE .*e2e_items/).waitFor();
  await bothThemes('query-edit-preview');
  await preview.getByRole('button', { name: 'Save' }).click();
  await waitUntil(async () => psql('SELECT name FROM e2e_items WHERE id = 1') === 'banana');
  await grid.getByRole('gridcell', { name: 'banana', exact: true }).waitFor();
  assert.equal(await grid.locator('.is-changed').count(), 0);
});

test('the cell editor follows spreadsheet rules: Esc cancels, Tab and Enter keep and move', async () => {
  const grid = panel().getByRole('grid', { name: 'Data of e2e_items' });
  const pear = grid.getByRole('gridcell', { name: 'pear', exact: true });
  // Esc drops what was typed: no change is kept, nothing to save
  await pear.dblclick();
  let input = grid.getByRole('textbox', { name: 'Edit name' });
  await input.fill('typed then cancelled');
  await input.press('Escape');
  await input.waitFor({ state: 'detached' });
  await pear.waitFor();
  assert.equal(await grid.locator('.is-changed').count(), 0, 'Esc kept the typed value');
  // Tab keeps the value and goes on editing the next cell of the row
  await pear.dblclick();
  input = grid.getByRole('textbox', { name: 'Edit name' });
  await input.fill('plum');
  await input.press('Tab');
  const qty = grid.getByRole('textbox', { name: 'Edit qty' });
  await qty.waitFor();
  await grid.locator('.is-changed', { hasText: 'plum' }).waitFor();
  // Shift+Tab goes back, Enter keeps and moves down without editing
  await qty.fill('9');
  await qty.press('Shift+Tab');
  input = grid.getByRole('textbox', { name: 'Edit name' });
  await input.waitFor();
  await grid.locator('.is-changed', { hasText: '9' }).waitFor();
  await input.press('Enter');
  await input.waitFor({ state: 'detached' });
  assert.equal(await grid.locator('.is-changed').count(), 2);
  assert.equal(await grid.locator('.grid-cell.is-cursor').innerText(), '', 'the cursor moved down to the third row\'s name');
  await panel().getByRole('button', { name: 'Save (1)' }).click();
  const preview = await dialog(page, 'Save changes');
  await preview.getByRole('button', { name: 'Save' }).click();
  await waitUntil(async () => psql('SELECT name || \' \' || qty FROM e2e_items WHERE id = 2') === 'plum 9');
});

test('Save counts the statements it will run, as its toast does', async () => {
  // the rows read again: nothing of the last save is still arriving
  await toolbarButton('View/Edit Data');
  const d = await dialog(page, 'View/Edit Data');
  await d.locator('#view-table').fill('e2e_items');
  await d.getByRole('button', { name: 'View' }).click();
  await d.waitFor({ state: 'detached' });
  const grid = panel().getByRole('grid', { name: 'Data of e2e_items' });
  await grid.getByRole('gridcell', { name: 'plum', exact: true }).waitFor();
  await status().getByText('Done').waitFor();
  // a row edited and then deleted is one DELETE
  const cell = grid.getByRole('gridcell', { name: 'plum', exact: true });
  await cell.dblclick();
  const input = grid.getByRole('textbox', { name: 'Edit name' });
  await input.fill('gone soon');
  await input.press('Enter');
  await grid.getByRole('gridcell', { name: 'gone soon', exact: true }).click();
  await panel().getByRole('button', { name: 'Delete row' }).click();
  await panel().getByRole('button', { name: 'Save (1)' }).waitFor();
  // an added row whose cells are typed is one INSERT
  await panel().getByRole('button', { name: 'Insert row' }).click();
  await page.keyboard.type('4');
  await page.keyboard.press('Tab');
  await page.keyboard.type('kiwi');
  await page.keyboard.press('Enter');
  await panel().getByRole('button', { name: 'Save (2)' }).waitFor();
  await panel().getByRole('button', { name: 'Discard' }).click();
  await panel().getByRole('button', { name: 'Save', exact: true }).waitFor();
});

test('a long value is cut in the grid, whole in the viewer, on the clipboard and when edited', async () => {
  psql("DROP TABLE IF EXISTS e2e_long; CREATE TABLE e2e_long (id int PRIMARY KEY, body text); INSERT INTO e2e_long VALUES (1, repeat('lorem ', 5000) || 'THE END')");
  const whole = psql('SELECT body FROM e2e_long');
  assert.equal(whole.length, 30007);
  try {
    await run('SELECT id, body FROM e2e_long');
    const grid = panel().getByRole('grid', { name: 'Result 1' });
    const cell = grid.locator('.grid-cell.is-cut');
    await cell.waitFor();
    assert.match(await cell.getAttribute('title'), /^29\.3 KB: the grid holds the first part/);
    await cell.dblclick();
    const viewer = await dialog(page, 'body · row 1');
    await viewer.getByRole('status').getByText('29.3 KB', { exact: true }).waitFor();
    assert.equal(await viewer.locator('.cell-viewer').innerText(), whole, 'the viewer shows the whole value');
    await bothThemes('query-long-value');
    await page.keyboard.press('Escape');
    await cell.click();
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.keyboard.press('Control+C');
    await waitUntil(async () => (await page.evaluate(() => navigator.clipboard.readText())) === whole);

    // editing a cut value edits all of it: nothing past the cut is lost
    await toolbarButton('View/Edit Data');
    const d = await dialog(page, 'View/Edit Data');
    await d.locator('#view-table').fill('e2e_long');
    await d.getByRole('button', { name: 'View' }).click();
    const data = panel().getByRole('grid', { name: 'Data of e2e_long' });
    await data.locator('.grid-cell.is-cut').dblclick();
    const input = data.getByRole('textbox', { name: 'Edit body' });
    assert.equal(await input.inputValue(), whole);
    await input.press('End');
    await input.pressSequentially(' AND MORE');
    await input.press('Enter');
    await panel().getByRole('button', { name: 'Save (1)' }).click();
    const preview = await dialog(page, 'Save changes');
    await preview.getByRole('button', { name: 'Save' }).click();
    await waitUntil(async () => psql('SELECT body FROM e2e_long') === whole + ' AND MORE');
  } finally {
    psql('DROP TABLE IF EXISTS e2e_long');
  }
});

test('the tab and its SQL come back after a reload', async () => {
  await setSql("SELECT 'restored marker' AS kept");
  await page.waitForTimeout(1600);
  await page.reload();
  await page.getByRole('tab', { name: TAB }).waitFor();
  await panel().locator('.cm-content', { hasText: 'restored marker' }).waitFor();
  await status().getByText('Ready').waitFor();
  await page.keyboard.press('Escape');
  assertNoErrors(browser.errors);
});
