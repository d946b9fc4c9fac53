// The PSQL tool in a real browser: opened from a database's context menu, a
// real psql in xterm.js; typing \dt shows the tables; copy (Ctrl+Shift+C)
// and paste (Ctrl+Shift+V) work; the tab survives a reload by attaching to
// the same psql again (its earlier output replayed); \q shows the exit with
// its code and Restart starts a new psql; both themes are looked at
// (screenshots); where the tool is off, the tab says how to turn it on;
// where its sandbox cannot run, the menu says the tool is unavailable and
// the tab says why and what the operator can set.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { psql, pg as PG } from '../lib/pg.mjs';
import { startTusk } from '../lib/tusk.mjs';
import { openBrowser, screenshot } from './browser.mjs';
import { ADMIN, addConnectedServer, assertNoErrors, chooseInNodeMenu, expandTreeItem, logIn, openApp, treeItem, waitUntil } from './app.mjs';

const SERVER = 'e2e-psql';
const DB = 'e2e_psql';

let tusk;
let browser;
let page;

before(async () => {
  psql(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  psql(`CREATE DATABASE ${DB}`);
  psql("CREATE TABLE widgets (id int PRIMARY KEY, name text); CREATE TABLE orders (id int); INSERT INTO widgets VALUES (1, 'flange');", { db: DB });
  ({ tusk, browser, page } = await openApp(SERVER, PG, { width: 1440, height: 900, args: ['--enable-psql'] }));
});

after(async () => {
  await browser?.close();
  if (tusk) assert.equal(await tusk.stop(), 0, tusk.output());
  psql(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
});

const terminal = () => page.getByTestId('psql-terminal');
const status = () => page.getByTestId('psql-status');

/** The terminal's visible text (xterm's DOM rows). */
async function screenText() {
  return terminal().locator('.xterm-rows').innerText();
}

async function waitForText(re, timeout = 15_000) {
  await waitUntil(async () => re.test(await screenText()), timeout).catch(async () => {
    assert.fail(`the terminal never showed ${re}:\n${await screenText()}`);
  });
}

async function typeLine(text) {
  await terminal().click();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

test("a database's context menu opens psql on it; \\dt shows its tables", async () => {
  await expandTreeItem(page, treeItem(page, SERVER));
  await expandTreeItem(page, treeItem(page, /^Databases \(\d+\)$/));
  await chooseInNodeMenu(page, treeItem(page, DB), 'PSQL Tool');
  await page.getByRole('tab', { name: new RegExp(`PSQL — ${DB}`) }).waitFor();
  await waitForText(new RegExp(`${DB}=#`));
  await waitUntil(async () => (await status().innerText()) === 'Connected');
  await typeLine('\\dt');
  await waitForText(/public \| orders\s+\| table/);
  await waitForText(/public \| widgets\s+\| table/);
  await typeLine("SELECT name, 'x' || repeat('-', 3) AS deco FROM widgets;");
  await waitForText(/flange \| x---/);
  await screenshot(page, 'psql-light');
  assertNoErrors(browser.errors);
});

test('copy and paste: Ctrl+Shift+C copies the selection, Ctrl+Shift+V pastes into psql', async () => {
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(tusk.url).origin });
  await page.evaluate(() => navigator.clipboard.writeText('SELECT 6 * 7 AS pasted_answer;'));
  await terminal().click();
  await page.keyboard.press('Control+Shift+V');
  await page.keyboard.press('Enter');
  await waitForText(/pasted_answer\s+-+\s+42/);
  // pasted once, not by both the key and the browser's own paste
  assert.equal((await screenText()).split('AS pasted_answer;').length - 1, 1, await screenText());
  // a word of the output selected by a double click, then copied (the clipboard emptied first)
  await page.evaluate(() => navigator.clipboard.writeText(''));
  // xterm's screen layer takes the pointer: double-click where the word is (again, if the
  // terminal was still drawing when the first landed)
  await waitUntil(async () => {
    const word = terminal().locator('.xterm-rows').getByText('pasted_answer', { exact: false }).last();
    const box = await word.boundingBox();
    if (!box) return false;
    await page.mouse.dblclick(box.x + box.width / 2, box.y + box.height / 2);
    await page.keyboard.press('Control+Shift+C');
    await page.waitForTimeout(200);
    // the word under the pointer: the result's header, or the typed line's (xterm counts ';' in a word)
    return /^pasted_answer;?$/.test(await page.evaluate(() => navigator.clipboard.readText()));
  });
  await page.getByRole('button', { name: 'Paste' }).waitFor();
  assertNoErrors(browser.errors);
});

test('after a reload the tab attaches to the same psql and replays what it showed', async () => {
  await typeLine('\\set before_reload 41');
  await typeLine('\\echo before_reload is :before_reload');
  await waitForText(/before_reload is 41/); // psql has it before the page goes
  await page.reload();
  await page.getByRole('tree', { name: 'Servers' }).waitFor();
  await page.getByRole('tab', { name: new RegExp(`PSQL — ${DB}`) }).click();
  await waitForText(/flange \| x---/); // the earlier output, replayed
  await waitUntil(async () => (await status().innerText()) === 'Connected');
  await typeLine('SELECT :before_reload + 1 AS answer;');
  await waitForText(/answer\s+-+\s+42/); // the same psql: its variable is still set
  assertNoErrors(browser.errors);
});

test('dark theme; \\q shows the exit code and Restart starts a new psql', async () => {
  // the theme is the user's preference, kept in Tusk's store (Alt+Shift+T saves it)
  await page.getByRole('tree', { name: 'Servers' }).focus(); // the terminal keeps the keys it has focus for
  await page.keyboard.press('Alt+Shift+T');
  await waitUntil(async () => (await page.evaluate(() => document.documentElement.dataset.theme)) === 'dark');
  await waitUntil(async () => (await page.evaluate(async () => (await (await fetch('api/v1/preferences')).json()).preferences?.theme)) === 'dark');
  await page.reload();
  await page.getByRole('tree', { name: 'Servers' }).waitFor();
  await page.getByRole('tab', { name: new RegExp(`PSQL — ${DB}`) }).click();
  await waitForText(/\b42\b/);
  const bg = await terminal().locator('.xterm-scrollable-element').first().evaluate((el) => getComputedStyle(el).backgroundColor);
  assert.equal(bg, 'rgb(30, 31, 34)', 'the terminal follows the dark theme');
  await screenshot(page, 'psql-dark');
  await typeLine('\\q');
  await waitUntil(async () => /psql exited with code 0/.test(await status().innerText()));
  await waitForText(/psql exited with code 0/);
  await page.getByRole('button', { name: 'Restart' }).click();
  await waitUntil(async () => (await status().innerText()) === 'Connected');
  await waitForText(new RegExp(`${DB}=#`));
  await typeLine('SELECT :before_reload IS NULL;');
  await waitForText(/syntax error|:before_reload/); // a new psql: the variable is gone
  await page.setViewportSize({ width: 1024, height: 768 });
  await screenshot(page, 'psql-dark-1024');
  assertNoErrors(browser.errors);
});

test('where the operator has not turned the tool on, the tab says so and how', async () => {
  const off = await openApp('e2e-psql-off', PG, { width: 1024, height: 768 });
  try {
    await chooseInNodeMenu(off.page, treeItem(off.page, 'e2e-psql-off'), 'PSQL Tool (unavailable)');
    const offStatus = off.page.getByTestId('psql-status');
    await waitUntil(async () => /^Unavailable/.test(await offStatus.innerText()));
    assert.match(await offStatus.getAttribute('title'), /TUSK_ENABLE_PSQL=true/);
    // the reason, broken into lines at its blanks
    await waitUntil(async () => /operator turns it on with TUSK_ENABLE_PSQL/.test((await off.page.getByTestId('psql-terminal').locator('.xterm-rows').innerText()).replace(/\s+/g, ' ')));
    await screenshot(off.page, 'psql-off');
    const expected = off.browser.errors.filter((e) => !/403/.test(e));
    assertNoErrors(expected);
  } finally {
    await off.browser.close();
    assert.equal(await off.tusk.stop(), 0, off.tusk.output());
  }
});

test('where the sandbox cannot run, the menu says the tool is unavailable and the tab says why and what to set', async () => {
  // user namespaces refused to Tusk, as on a node with user.max_user_namespaces=0
  const spawnWrap = (bin, argv) => ['unshare', ['--user', '--map-root-user', 'sh', '-c', 'echo 0 > /proc/sys/user/max_user_namespaces && exec "$0" "$@"', bin, ...argv]];
  const t = await startTusk({ env: { PGADMIN_DEFAULT_EMAIL: ADMIN.email, PGADMIN_DEFAULT_PASSWORD: ADMIN.password, TUSK_ENABLE_PSQL: 'true' }, spawnWrap });
  const b = await openBrowser({ width: 1440, height: 900 });
  try {
    const p = b.page;
    await p.goto(t.url);
    await logIn(p, ADMIN.email, ADMIN.password);
    await addConnectedServer(p, 'e2e-psql-nosandbox', PG);
    await chooseInNodeMenu(p, treeItem(p, 'e2e-psql-nosandbox'), 'PSQL Tool (unavailable)');
    const st = p.getByTestId('psql-status');
    await waitUntil(async () => /^Unavailable/.test(await st.innerText()));
    assert.match(await st.getAttribute('title'), /user namespace/);
    const shown = async () => p.getByTestId('psql-terminal').locator('.xterm-rows').innerText();
    await waitUntil(async () => /seccompProfile/.test((await shown()).replace(/\s+/g, '')));
    assert.match((await shown()).replace(/\s+/g, ' '), /does not run psql unconfined/);
    await screenshot(p, 'psql-no-sandbox');
    await p.setViewportSize({ width: 1024, height: 768 });
    await p.getByRole('tree', { name: 'Servers' }).focus();
    await p.keyboard.press('Alt+Shift+T');
    await waitUntil(async () => (await p.evaluate(() => document.documentElement.dataset.theme)) === 'dark');
    await screenshot(p, 'psql-no-sandbox-dark-1024');
    assertNoErrors(b.errors.filter((e) => !/403/.test(e)));
  } finally {
    await b.close();
    assert.equal(await t.stop(), 0, t.output());
  }
});
