// A query tab's Role picker, next to its Database picker: it offers the roles the server's
// login is a member of (a hostile name among them) and the login's own; choosing one runs the
// tab as that role, the choice stays after the session's connection is lost and comes back,
// and "(login role)" returns to the login.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { psql, pg as PG } from '../lib/pg.mjs';
import { screenshot } from './browser.mjs';
import { assertNoErrors, openApp, treeItem, waitUntil } from './app.mjs';

const SERVER = 'e2e-role';
const MEMBER = 'qr e2e "Reader"; x';
const OUTSIDER = 'qr e2e outsider';
const LOGIN = 'qr e2e login';
const PASSWORD = 'qr-e2e-login-1';

let tusk;
let browser;
let page;

const lit = (s) => `'${s.replace(/'/g, "''")}'`;
const ident = (s) => `"${s.replace(/"/g, '""')}"`;
function dropRoles() {
  psql(`DO $$ DECLARE r text; BEGIN FOR r IN SELECT rolname FROM pg_roles WHERE rolname IN (${[MEMBER, OUTSIDER, LOGIN].map(lit).join(', ')})
    LOOP EXECUTE format('DROP ROLE %I', r); END LOOP; END $$`);
}

before(async () => {
  dropRoles();
  psql(`CREATE ROLE ${ident(MEMBER)}; CREATE ROLE ${ident(OUTSIDER)};
    CREATE ROLE ${ident(LOGIN)} LOGIN PASSWORD ${lit(PASSWORD)} IN ROLE ${ident(MEMBER)}`);
  ({ tusk, browser, page } = await openApp(SERVER, { ...PG, user: LOGIN, password: PASSWORD }));
});

after(async () => {
  await browser?.close();
  await tusk?.stop();
  dropRoles();
});

const panel = () => page.locator('.tab-panel:not([hidden])');
const status = () => panel().getByRole('status', { name: 'Query status' });
const picker = () => panel().getByRole('combobox', { name: 'Role' });

async function runSql(sql) {
  const content = panel().locator('.cm-content');
  await content.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await content.fill(sql);
  await page.keyboard.press('F5');
  await status().locator('.qs-state', { hasText: /Done|Error/ }).waitFor({ timeout: 30_000 });
}

async function currentUserIs(name) {
  await runSql('SELECT current_user AS who, pg_backend_pid() AS pid');
  await panel().getByRole('grid', { name: 'Result 1' }).getByRole('gridcell', { name, exact: true }).waitFor();
}

async function shots(name) {
  await page.keyboard.press('Escape');
  await page.evaluate(() => document.querySelectorAll('.toast button[aria-label="Dismiss"]').forEach((b) => b.click()));
  for (const [width, height] of [[1440, 900], [1024, 768]]) {
    await page.setViewportSize({ width, height });
    await screenshot(page, `${name}-${width}-light`);
    await page.keyboard.press('Alt+Shift+T');
    await screenshot(page, `${name}-${width}-dark`);
    await page.keyboard.press('Alt+Shift+T');
  }
}

test('the Role picker runs the tab as a role the login is a member of, and back', async () => {
  await treeItem(page, SERVER).click({ button: 'right' });
  await page.getByRole('menu', { name: 'Object explorer menu' }).getByText('Query Tool', { exact: true }).click();
  await status().getByText('Ready').waitFor();
  await picker().focus();
  await waitUntil(async () => (await picker().locator('option').allInnerTexts()).includes(MEMBER));
  const offered = await picker().locator('option').allInnerTexts();
  assert.equal(offered[0], '(login role)');
  assert.equal(await picker().locator('xpath=..').getAttribute('title'), `The tab's session runs as the login role ${LOGIN}`);
  assert.ok(!offered.includes(OUTSIDER), 'a role the login is not a member of is not offered');

  await picker().selectOption(MEMBER);
  await status().getByText('Ready').waitFor();
  await currentUserIs(MEMBER);
  assert.equal(await picker().inputValue(), MEMBER);
  assert.match(await panel().locator('.query-database.is-role-set').getAttribute('title'), /SET ROLE/);
  await shots('query-role');

  // the session's connection goes; the tab's next runs reconnect as the role
  const pid = psql(`SELECT pid FROM pg_stat_activity WHERE usename = ${lit(LOGIN)} AND application_name LIKE 'Tusk - Query Tool%'`);
  assert.match(pid, /^\d+$/);
  psql(`SELECT pg_terminate_backend(${pid})`);
  await waitUntil(async () => {
    await runSql('SELECT current_user AS who');
    return (await panel().getByRole('grid', { name: 'Result 1' }).getByRole('gridcell', { name: MEMBER, exact: true }).count()) === 1;
  }, 20_000);
  assert.equal(await picker().inputValue(), MEMBER);

  // the open tabs come back after a reload with their role
  await page.waitForTimeout(1500); // the tabs are saved a second after the last change
  await page.reload();
  await status().getByText('Ready').waitFor({ timeout: 30_000 });
  await waitUntil(async () => (await picker().inputValue()) === MEMBER);
  await currentUserIs(MEMBER);

  await picker().selectOption({ index: 0 });
  await status().getByText('Ready').waitFor();
  await currentUserIs(LOGIN);
  assert.equal(await panel().locator('.query-database.is-role-set').count(), 0);
  assertNoErrors(browser.errors);
});
