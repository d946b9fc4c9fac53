// The login page, the application shell, the theme, logging out.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openBrowser, screenshot } from './browser.mjs';
import { ADMIN, assertNoErrors, chooseMenuItem, dialog, logIn, logOut, startServer } from './app.mjs';

test('log in, look around the shell, switch theme, log out', async (t) => {
  const tusk = await startServer();
  t.after(() => tusk.stop());
  const browser = await openBrowser();
  t.after(() => browser.close());
  const { page, errors } = browser;

  await t.test('the login form is shown', async () => {
    await page.goto(tusk.url);
    await page.locator('#email').waitFor();
    assert.ok(await page.locator('#password').isVisible());
    assert.ok(await page.locator('button[type=submit]').isVisible());
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'email');
    assert.equal(await page.locator('html').getAttribute('data-theme'), 'light');
    await screenshot(page, 'login-light');
    assertNoErrors(errors);
  });

  await t.test('the admin logs in and sees the shell', async () => {
    await logIn(page, ADMIN.email, ADMIN.password);
    await page.getByRole('region', { name: 'Object explorer' }).waitFor();
    await page.getByText('No servers yet').waitFor();
    const welcome = page.getByRole('tab', { name: 'Welcome' });
    assert.equal(await welcome.getAttribute('aria-selected'), 'true');
    await page.getByRole('heading', { name: 'Welcome to Tusk' }).waitFor();
    const status = page.getByRole('contentinfo', { name: 'Status bar' });
    await status.getByText(ADMIN.email).waitFor();
    await status.getByText('Administrator').waitFor();
    await status.getByText('Connected').waitFor();
    assert.match(await status.textContent(), /Tusk \d+\.\d+/);
    await screenshot(page, 'shell-light');
  });

  await t.test('the tree answers the keyboard', async () => {
    const tree = page.getByRole('tree', { name: 'Servers' });
    await tree.focus();
    const root = tree.getByRole('treeitem', { name: /Servers/ });
    assert.equal(await root.getAttribute('aria-expanded'), 'true');
    await page.keyboard.press('ArrowLeft');
    assert.equal(await root.getAttribute('aria-expanded'), 'false');
    await page.keyboard.press('ArrowRight');
    assert.equal(await root.getAttribute('aria-expanded'), 'true');
  });

  await t.test('? shows the shortcuts and Esc closes them', async () => {
    await page.keyboard.press('?');
    const shortcuts = await dialog(page, 'Keyboard shortcuts');
    await screenshot(page, 'shortcuts-light');
    await page.keyboard.press('Escape');
    await shortcuts.waitFor({ state: 'detached' });
  });

  await t.test('the theme toggles by shortcut and by menu', async () => {
    const html = page.locator('html');
    await page.keyboard.press('Alt+Shift+T');
    assert.equal(await html.getAttribute('data-theme'), 'dark');
    await screenshot(page, 'shell-dark');
    await chooseMenuItem(page, 'Light');
    assert.equal(await html.getAttribute('data-theme'), 'light');
    await chooseMenuItem(page, 'Dark');
    assert.equal(await html.getAttribute('data-theme'), 'dark');
    await page.reload();
    await page.getByRole('tree', { name: 'Servers' }).waitFor();
    assert.equal(await html.getAttribute('data-theme'), 'dark', 'the choice survives a reload');
  });

  await t.test('logging out goes back to the login form', async () => {
    await logOut(page);
    await screenshot(page, 'login-dark');
    await page.reload();
    await page.locator('#email').waitFor();
    assertNoErrors(errors);
  });
});

test('the app works under a sub-path', async (t) => {
  const tusk = await startServer(['--script-name', '/pgadmin']);
  t.after(() => tusk.stop());
  assert.match(tusk.url, /\/pgadmin\/$/);
  const browser = await openBrowser();
  t.after(() => browser.close());
  const { page, errors } = browser;
  const requests = [];
  page.on('request', (req) => requests.push(new URL(req.url()).pathname));

  await page.goto(tusk.url);
  await logIn(page, ADMIN.email, ADMIN.password);
  await logOut(page);
  const outside = requests.filter((path) => !path.startsWith('/pgadmin/'));
  assert.deepEqual(outside, [], 'every request stays under the sub-path');
  assert.ok(requests.some((path) => path.startsWith('/pgadmin/api/v1/auth/me')));
  assertNoErrors(errors);
});
