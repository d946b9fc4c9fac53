// Changing one's password, user management, the audit log, the change a weak first-start
// password must get.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openBrowser, screenshot } from './browser.mjs';
import { startTusk } from '../lib/tusk.mjs';
import { ADMIN, apiCall, assertNoErrors, chooseMenuItem, dialog, logIn, logOut, openUserMenu, startServer, submitLogin, waitUntil } from './app.mjs';

const NEW_ADMIN_PASSWORD = 'Tusk-e2e-Changed-2!';
const USER = { email: 'analyst@tusk.local', password: 'Tusk-e2e-Analyst-3!' };

async function changePassword(page, current, next) {
  await chooseMenuItem(page, 'Change password…');
  const d = await dialog(page, 'Change password');
  await d.locator('#current-password').fill(current);
  await d.locator('#new-password').fill(next);
  await d.locator('#confirm-password').fill(next);
  await screenshot(page, 'dialog-change-password');
  await d.locator('#confirm-password').press('Enter');
  await d.waitFor({ state: 'detached' });
}

async function createUser(page, user) {
  await chooseMenuItem(page, 'User management…');
  const d = await dialog(page, 'User management');
  await d.getByRole('row').filter({ hasText: ADMIN.email }).waitFor();
  await d.locator('#new-user-email').fill(user.email);
  await d.locator('#new-user-password').fill(user.password);
  await d.locator('#new-user-role').selectOption('user');
  await d.getByRole('button', { name: 'Add user' }).click();
  const row = d.getByRole('row').filter({ hasText: user.email });
  await row.waitFor();
  assert.equal(await row.getByRole('combobox').inputValue(), 'user');
  await screenshot(page, 'dialog-users');
  await page.keyboard.press('Escape');
  await d.waitFor({ state: 'detached' });
}

test('passwords, users and the audit log', async (t) => {
  const tusk = await startServer();
  t.after(() => tusk.stop());
  const admin = await openBrowser();
  t.after(() => admin.close());
  const { page } = admin;

  await t.test('the admin changes the password through the dialog', async () => {
    await page.goto(tusk.url);
    await logIn(page, ADMIN.email, ADMIN.password);
    await changePassword(page, ADMIN.password, NEW_ADMIN_PASSWORD);
    await logOut(page);
  });

  await t.test('the new password works and the old one fails in place', async () => {
    await logIn(page, ADMIN.email, NEW_ADMIN_PASSWORD);
    await logOut(page);
    await submitLogin(page, ADMIN.email, ADMIN.password);
    const error = page.getByRole('alert');
    await error.waitFor();
    assert.ok((await error.textContent()).trim().length > 0, 'the server says why');
    assert.ok(await page.locator('#email').isVisible(), 'still on the login form');
    await screenshot(page, 'login-error');
    await logIn(page, ADMIN.email, NEW_ADMIN_PASSWORD);
  });

  await t.test('the admin creates a user who sees no admin items', async () => {
    await createUser(page, USER);
    const other = await openBrowser();
    t.after(() => other.close());
    await other.page.goto(tusk.url);
    await logIn(other.page, USER.email, USER.password);
    const status = other.page.getByRole('contentinfo', { name: 'Status bar' });
    await status.getByText(USER.email).waitFor();
    const menu = await openUserMenu(other.page);
    await menu.getByRole('menuitem', { name: 'Change password…' }).waitFor();
    assert.equal(await menu.getByRole('menuitem', { name: 'User management…' }).count(), 0);
    assert.equal(await menu.getByRole('menuitem', { name: 'Audit log…' }).count(), 0);
    await screenshot(other.page, 'user-menu-non-admin');
    assertNoErrors(other.errors);
  });

  await t.test('the audit log lists the logins', async () => {
    await chooseMenuItem(page, 'Audit log…');
    const d = await dialog(page, 'Audit log');
    const logins = d.getByRole('row').filter({ hasText: USER.email }).filter({ hasText: /login/i });
    await logins.first().waitFor();
    await d.getByRole('row').filter({ hasText: ADMIN.email }).filter({ hasText: /login/i }).first().waitFor();
    await screenshot(page, 'dialog-audit');
    await page.keyboard.press('Alt+Shift+T');
    await screenshot(page, 'dialog-audit-dark');
    await page.keyboard.press('Alt+Shift+T');
    await d.getByRole('searchbox', { name: 'Filter entries' }).fill(USER.email);
    const rows = d.locator('tbody tr');
    await waitUntil(async () => {
      const texts = await rows.allTextContents();
      return texts.length > 0 && texts.every((text) => text.includes(USER.email));
    });
    await page.keyboard.press('Escape');
    await d.waitFor({ state: 'detached' });
    assertNoErrors(admin.errors);
  });
});

test('a first-start password shorter than the minimum: the login leads to a change-password screen and nothing else', async (t) => {
  const weak = 'pw12';
  const tusk = await startTusk({ env: { PGADMIN_DEFAULT_EMAIL: 'admin@pgadmin.local', PGADMIN_DEFAULT_PASSWORD: weak } });
  t.after(() => tusk.stop());
  const b = await openBrowser();
  t.after(() => b.close());
  const { page } = b;

  // the address a pgAdmin bookmark holds: the browser is sent to the login page
  await page.goto(`${tusk.url}browser/`);
  await page.locator('#email').waitFor();
  assert.equal(new URL(page.url()).pathname, '/login');
  await submitLogin(page, 'admin@pgadmin.local', weak);
  const screen = page.getByRole('heading', { name: 'Change your password' });
  await screen.waitFor();
  await page.getByText("This account's password is shorter than Tusk accepts").waitFor();
  assert.equal(await page.getByRole('tree', { name: 'Servers' }).count(), 0, 'no shell behind it');
  await screenshot(page, 'forced-password-change');

  // too short again: the server's answer, in place
  await page.locator('#current-password').fill(weak);
  await page.locator('#new-password').fill('short1');
  await page.locator('#confirm-password').fill('short1');
  await page.locator('#confirm-password').press('Enter');
  const error = page.getByRole('alert');
  await error.waitFor();
  assert.match(await error.textContent(), /at least 8 characters/);

  // a reload keeps asking
  await page.reload();
  await screen.waitFor();
  await page.locator('#current-password').fill(weak);
  await page.locator('#new-password').fill(NEW_ADMIN_PASSWORD);
  await page.locator('#confirm-password').fill(NEW_ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.getByRole('tree', { name: 'Servers' }).waitFor();
  await logOut(page);
  await logIn(page, 'admin@pgadmin.local', NEW_ADMIN_PASSWORD);
  // the one refusal above is the page's expected 400
  assertNoErrors(b.errors.filter((e) => !/status of 400 .*: PUT \S+\/api\/v1\/auth\/password$/.test(e)));
});

test('the users table fits the dialog at 1024x768 and 1440x900, light and dark', async (t) => {
  const tusk = await startServer();
  t.after(() => tusk.stop());
  const b = await openBrowser({ width: 1024, height: 768 });
  t.after(() => b.close());
  const { page } = b;
  await page.goto(tusk.url);
  await logIn(page, ADMIN.email, ADMIN.password);
  for (const body of [
    { email: 'a.very.long.name.of.a.person@engineering.example.org', auth_source: 'ldap', role: 'admin' },
    { email: 'proxyuser', auth_source: 'webserver', role: 'user' },
    { email: 'analyst@tusk.local', password: 'Tusk-e2e-Analyst-3!', role: 'user' },
  ]) assert.equal((await apiCall(page, 'POST', 'users', body)).status, 201);
  for (const [width, height] of [[1024, 768], [1440, 900]]) {
    await page.setViewportSize({ width, height });
    for (const theme of ['Light', 'Dark']) {
      await chooseMenuItem(page, theme);
      await chooseMenuItem(page, 'User management…');
      const d = await dialog(page, 'User management');
      const row = d.getByRole('row').filter({ hasText: 'a.very.long.name' });
      await row.waitFor();
      // before: 1198 px of table in a 960 px box, the actions out of sight
      const box = await d.locator('.users-table').evaluate((el) => ({ client: el.clientWidth, scroll: el.scrollWidth }));
      assert.ok(box.scroll <= box.client, `the table is ${box.scroll} px in ${box.client} px at ${width}x${height}`);
      assert.ok(await row.getByRole('button', { name: 'Delete…' }).isVisible());
      const dialogBox = await d.boundingBox();
      const del = await row.getByRole('button', { name: 'Delete…' }).boundingBox();
      assert.ok(del.x + del.width <= dialogBox.x + dialogBox.width, "the row's actions are inside the dialog");
      // the name cut short keeps its whole in the tooltip
      assert.match(await row.locator('td').first().getAttribute('title'), /a\.very\.long\.name\.of\.a\.person@engineering\.example\.org/);
      await screenshot(page, `dialog-users-${theme.toLowerCase()}-${width}`);
      await page.keyboard.press('Escape');
      await d.waitFor({ state: 'detached' });
    }
  }
  assertNoErrors(b.errors);
});
