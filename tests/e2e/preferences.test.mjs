// Preferences (user menu → Preferences…, Alt+Shift+P): the editor's font and tab size and
// completion, the keys of the query tool's commands (a clash shown and refused), View/Edit
// Data's rows, the confirmation before closing a query tab with SQL and the theme apply as soon
// as saved, stay after a reload and in another browser, and are the user's own.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pg as PG } from '../lib/pg.mjs';
import { openBrowser, screenshot } from './browser.mjs';
import { ADMIN, apiCall, assertNoErrors, chooseMenuItem, dialog, logIn, openApp, treeItem, waitUntil } from './app.mjs';

const SERVER = 'e2e-prefs';
const TAB = `postgres on ${SERVER}`;
const BOB = { email: 'bob@tusk.local', password: 'Bob-e2e-password-1' };

let tusk;
let browser;
let page;

before(async () => {
  ({ tusk, browser, page } = await openApp(SERVER, PG));
});

after(async () => {
  await browser?.close();
  await tusk?.stop();
});

const panel = () => page.locator('.tab-panel:not([hidden])');
const editor = () => panel().locator('.cm-content');

async function openQueryTool() {
  await treeItem(page, SERVER).click({ button: 'right' });
  await page.getByRole('menu', { name: 'Object explorer menu' }).getByText('Query Tool', { exact: true }).click();
  await page.getByRole('tab', { name: TAB }).waitFor();
  await panel().getByRole('status', { name: 'Query status' }).getByText('Ready').waitFor();
}

async function setSql(sql) {
  await editor().click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await editor().fill(sql);
}

const fontSize = () => editor().evaluate((el) => getComputedStyle(el).fontSize);

async function shots(name) {
  for (const [width, height] of [[1440, 900], [1024, 768]]) {
    await page.setViewportSize({ width, height });
    const dark = await page.evaluate(() => document.documentElement.dataset.theme === 'dark');
    await screenshot(page, `${name}-${width}-${dark ? 'dark' : 'light'}`);
  }
}

test('the dialog changes the editor, the keys, View Data\'s rows and the close confirmation at once', async () => {
  await openQueryTool();
  assert.equal(await fontSize(), '13px');
  await chooseMenuItem(page, 'Preferences…');
  let d = await dialog(page, 'Preferences');
  await shots('preferences-dialog');
  await d.locator('#pref-editor_font_size').fill('18');
  await d.locator('#pref-editor_tab_size').fill('4');
  await d.locator('#pref-autocompletion').uncheck();
  await d.locator('#pref-view_data_limit').fill('25');
  await d.locator('#pref-confirm-close').check();
  await d.locator('#pref-query_row_limit').fill('100');
  await d.locator('#pref-number-format').selectOption('grouped');
  await d.locator('#pref-date-format').selectOption('locale');

  // a key another command has is shown as a clash and not saved
  await d.getByRole('button', { name: 'Key for Format the SQL' }).click();
  await page.keyboard.press('F5');
  await d.getByRole('alert').filter({ hasText: 'Also: Run the script or the selection' }).waitFor();
  await d.getByRole('button', { name: 'Save' }).click();
  await d.getByText('Two commands have the same key').waitFor();
  await page.keyboard.press('Alt+Shift+T');
  await shots('preferences-conflict');
  await page.keyboard.press('Alt+Shift+T');
  await d.getByRole('row', { name: /Format the SQL/ }).getByRole('button', { name: 'Default' }).click();
  await d.getByRole('button', { name: 'Key for Explain the statement' }).click();
  await page.keyboard.press('F8');
  assert.equal(await d.getByRole('button', { name: 'Key for Explain the statement' }).innerText(), 'F8');
  await d.getByRole('button', { name: 'Save' }).click();
  await d.waitFor({ state: 'detached' });

  // applied to the open editor without a reload
  assert.equal(await fontSize(), '18px');
  await setSql('SELECT 1');
  await page.keyboard.press('Home');
  await page.keyboard.press('Tab');
  assert.equal(await editor().innerText(), '    SELECT 1');
  await setSql('SELECT * FROM pg_cla');
  await page.waitForTimeout(600);
  assert.equal(await page.locator('.cm-tooltip-autocomplete').count(), 0, 'no completion while it is off');
  await setSql('SELECT count(*) FROM generate_series(1, 10) g');
  await page.keyboard.press('F8');
  await panel().locator('.explain').getByText('Aggregate', { exact: true }).waitFor();
  // the toolbar and results have the chosen keys too, not only the editor
  await panel().getByRole('toolbar', { name: 'Query toolbar' }).getByRole('button', { name: 'Run', exact: true }).focus();
  await page.keyboard.press('F5');
  await panel().getByRole('grid', { name: 'Result 1' }).getByRole('gridcell', { name: '10', exact: true }).waitFor();
  assert.equal(await panel().getByRole('button', { name: 'Explain', exact: true }).getAttribute('title'), 'Explain (F8)');

  // a script keeps 100 rows of each result; numbers and dates drawn as chosen
  await setSql("SELECT 1234567.25::numeric AS amount, DATE '2024-03-09' AS day, g FROM generate_series(1, 300) g");
  await page.keyboard.press('F5');
  const results = panel().getByRole('tablist', { name: 'Results' });
  await results.getByRole('tab', { name: 'Result 1 · 100 rows' }).waitFor();
  const grid = panel().getByRole('grid', { name: 'Result 1' });
  await grid.getByRole('gridcell', { name: '1,234,567.25' }).first().waitFor();
  const day = await page.evaluate(() => new Date(Date.UTC(2024, 2, 9)).toLocaleDateString(undefined, { timeZone: 'UTC', year: 'numeric', month: 'short', day: 'numeric' }));
  await grid.getByRole('gridcell', { name: day, exact: true }).first().waitFor();
  await screenshot(page, 'preferences-results');
  await results.getByRole('tab', { name: 'Messages' }).click();
  await panel().getByText('Result 1: the first 100 of 300 rows are kept').waitFor();

  // View/Edit Data offers the first 25 rows by default
  await panel().getByRole('toolbar', { name: 'Query toolbar' }).getByRole('button', { name: 'View/Edit Data', exact: true }).click();
  d = await dialog(page, 'View/Edit Data');
  assert.equal(await d.locator('#view-limit option:checked').innerText(), 'First 25 rows');
  await d.getByRole('button', { name: 'Cancel' }).click();

  // closing the tab with SQL in it asks first
  await page.getByRole('button', { name: `Close ${TAB}` }).click();
  d = await dialog(page, 'Close the tab?');
  await d.getByText('goes with the tab').waitFor();
  await d.getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('tab', { name: TAB }).waitFor();
  assertNoErrors(browser.errors);
});

test('Alt+Shift+P opens them; the theme is kept; all stay after a reload and in another browser, for this user only', async () => {
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Alt+Shift+P');
  const d = await dialog(page, 'Preferences');
  await d.locator('#pref-theme').selectOption('dark');
  await d.getByRole('button', { name: 'Save' }).click();
  await d.waitFor({ state: 'detached' });
  await waitUntil(async () => (await page.evaluate(() => document.documentElement.dataset.theme)) === 'dark');

  await page.reload();
  await page.getByRole('tab', { name: TAB }).click();
  await waitUntil(async () => (await editor().count()) === 1 && (await fontSize()) === '18px');
  await page.keyboard.press('Alt+Shift+P');
  const again = await dialog(page, 'Preferences');
  assert.equal(await again.locator('#pref-editor_tab_size').inputValue(), '4');
  assert.equal(await again.getByRole('button', { name: 'Key for Explain the statement' }).innerText(), 'F8');
  await shots('preferences-saved');
  await again.getByRole('button', { name: 'Cancel' }).click();
  // the list of shortcuts shows the chosen keys
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('?');
  const list = await dialog(page, 'Keyboard shortcuts');
  const explainKeys = list.getByRole('row', { name: /Explain \/ Explain Analyze the statement/ }).locator('kbd');
  assert.deepEqual(await explainKeys.allInnerTexts(), ['F8', 'Shift+F7']);
  await page.keyboard.press('Escape');

  const created = await apiCall(page, 'POST', 'users', { ...BOB, role: 'user' });
  assert.equal(created.status, 201, JSON.stringify(created.body));

  // another browser (its own storage): the same user finds the theme; another user does not
  const other = await openBrowser({ width: 1024, height: 768 });
  try {
    await other.page.goto(tusk.url);
    await logIn(other.page, ADMIN.email, ADMIN.password);
    await waitUntil(async () => (await other.page.evaluate(() => document.documentElement.dataset.theme)) === 'dark');
    await chooseMenuItem(other.page, 'Log out');
    await logIn(other.page, BOB.email, BOB.password);
    await other.page.keyboard.press('Alt+Shift+P');
    const bobs = await dialog(other.page, 'Preferences');
    assert.equal(await bobs.locator('#pref-editor_font_size').inputValue(), '13');
    assert.equal(await bobs.locator('#pref-theme').inputValue(), 'system');
    assert.equal(await other.page.evaluate(() => document.documentElement.dataset.theme), 'light');
    assertNoErrors(other.errors);
  } finally {
    await other.close();
  }
});
