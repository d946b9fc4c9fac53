// Signing in through the sources other than Tusk's own passwords: an LDAP directory (Debian's
// slapd, tests/lib/slapd.mjs) on the login page, which says the sign-in is LDAP's when that is
// the only source; the trusted proxy (webserver source) signing the browser in on arrival, and
// its logout saying the proxy signs in again; the users dialog showing each user's source.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openBrowser, screenshot } from './browser.mjs';
import { startTusk } from '../lib/tusk.mjs';
import { startSlapd, SLAPD, BASE } from '../lib/slapd.mjs';
import { ADMIN, assertNoErrors, chooseMenuItem, dialog, logOut, openUserMenu } from './app.mjs';

const skip = !SLAPD && 'slapd is not installed (scripts/install-deps.sh --test)';

function ldapEnv(ldap, sources) {
  return {
    PGADMIN_DEFAULT_EMAIL: ADMIN.email,
    PGADMIN_DEFAULT_PASSWORD: ADMIN.password,
    TUSK_AUTHENTICATION_SOURCES: sources,
    TUSK_LDAP_SERVER_URI: ldap.url,
    TUSK_LDAP_USE_STARTTLS: 'true',
    TUSK_LDAP_CA_CERT_FILE: ldap.caFile,
    TUSK_LDAP_BIND_USER: `cn=tusk-service,${BASE}`,
    TUSK_LDAP_BIND_PASSWORD: 'service-secret',
    TUSK_LDAP_SEARCH_BASE_DN: `ou=people,${BASE}`,
    TUSK_LDAP_ADMIN_GROUP: `cn=dba,ou=groups,${BASE}`,
    TUSK_LDAP_USER_GROUP: `cn=staff,ou=groups,${BASE}`,
  };
}

test('LDAP sign-in on the login page', { skip }, async (t) => {
  const ldap = await startSlapd();
  t.after(() => ldap.stop());
  const tusk = await startTusk({ env: ldapEnv(ldap, 'ldap') });
  t.after(() => tusk.stop());
  const b = await openBrowser();
  t.after(() => b.close());
  const { page } = b;

  await t.test('the page says the sign-in is LDAP and asks for a user name', async () => {
    await page.goto(tusk.url);
    await page.getByTestId('login-source').waitFor();
    assert.match(await page.getByTestId('login-source').textContent(), /LDAP directory/);
    assert.match(await page.locator('label[for="email"]').textContent(), /^User name\b(?! or)/);
    assert.equal(await page.locator('#email').getAttribute('type'), 'text');
    await page.getByRole('button', { name: 'Log in with LDAP' }).waitFor();
    await screenshot(page, 'login-ldap');
  });

  await t.test('a wrong password is told in place; the right one opens the app', async () => {
    await page.locator('#email').fill('bob');
    await page.locator('#password').fill('not-bobs');
    await page.locator('#password').press('Enter');
    const error = page.getByRole('alert');
    await error.waitFor();
    assert.match(await error.textContent(), /not right/);
    await page.locator('#password').fill('bob-secret');
    await page.locator('#password').press('Enter');
    await page.getByRole('tree', { name: 'Servers' }).waitFor();
    const menu = await openUserMenu(page);
    assert.equal(await menu.getByText('Change password…', { exact: true }).count(), 0, 'no Tusk password to change');
    await page.keyboard.press('Escape');
    await logOut(page);
  });

  await t.test('a directory user outside the allowed groups is refused with the reason', async () => {
    await page.locator('#email').fill('carol');
    await page.locator('#password').fill('carol-secret');
    await page.locator('#password').press('Enter');
    const error = page.getByRole('alert');
    await error.waitFor();
    assert.match(await error.textContent(), /none of the groups/);
    await screenshot(page, 'login-ldap-refused');
  });

  await t.test('at 1024x768 in the dark theme the form still fits', async () => {
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.reload();
    await page.getByTestId('login-source').waitFor();
    await screenshot(page, 'login-ldap-dark-1024');
    await page.emulateMedia({ colorScheme: 'light' });
  });
  assertNoErrors(b.errors.filter((e) => !/\b(401|403)\b/.test(e)));
});

test('administrators see where each user signs in', { skip }, async (t) => {
  const ldap = await startSlapd();
  t.after(() => ldap.stop());
  const tusk = await startTusk({ env: ldapEnv(ldap, 'ldap,internal') });
  t.after(() => tusk.stop());
  const b = await openBrowser({ width: 1440, height: 900 });
  t.after(() => b.close());
  const { page } = b;
  await page.goto(tusk.url);
  await page.getByTestId('login-source').waitFor();
  assert.match(await page.getByTestId('login-source').textContent(), /LDAP directory, then Tusk account/);
  assert.match(await page.locator('label[for="email"]').textContent(), /^User name or email address/);
  // alice is in the dba group: an administrator through LDAP
  await page.locator('#email').fill('alice');
  await page.locator('#password').fill('alice-secret');
  await page.locator('#password').press('Enter');
  await page.getByRole('tree', { name: 'Servers' }).waitFor();
  await chooseMenuItem(page, 'User management…');
  const d = await dialog(page, 'User management');
  const row = d.getByRole('row').filter({ hasText: 'alice' });
  await row.waitFor();
  assert.match(await row.textContent(), /LDAP/);
  assert.equal(await row.getByRole('button', { name: 'Password…' }).count(), 0);
  const adminRow = d.getByRole('row').filter({ hasText: ADMIN.email });
  assert.match(await adminRow.textContent(), /Password/);
  assert.equal(await adminRow.getByRole('button', { name: 'Password…' }).count(), 1);
  // an LDAP user made ahead of its first sign-in: no password field
  await d.locator('#new-user-source').selectOption('ldap');
  assert.equal(await d.locator('#new-user-password').count(), 0);
  await d.locator('#new-user-email').fill('dora');
  await d.getByRole('button', { name: 'Add user' }).click();
  await d.getByRole('row').filter({ hasText: 'dora' }).waitFor();
  await screenshot(page, 'dialog-users-sources');
});

test('the trusted proxy signs the browser in; logging out says it will sign in again', async (t) => {
  const tusk = await startTusk({ env: {
    PGADMIN_DEFAULT_EMAIL: ADMIN.email,
    PGADMIN_DEFAULT_PASSWORD: ADMIN.password,
    TUSK_AUTHENTICATION_SOURCES: 'webserver',
    TUSK_TRUSTED_PROXIES: '127.0.0.1/32',
  } });
  t.after(() => tusk.stop());
  const b = await openBrowser();
  t.after(() => b.close());
  const { page, context } = b;
  // what oauth2-proxy or Traefik forward-auth add to every request they pass on
  await context.setExtraHTTPHeaders({ 'X-Forwarded-User': 'erin@example.org' });
  await page.goto(tusk.url);
  await page.getByRole('tree', { name: 'Servers' }).waitFor();
  assert.match(await page.getByRole('button', { name: 'User menu' }).textContent(), /erin@example\.org/);
  await chooseMenuItem(page, 'Log out');
  const notice = page.locator('.login-notice');
  await notice.waitFor();
  assert.match(await notice.textContent(), /proxy .* signs you in again/);
  assert.equal(await page.locator('#email').count(), 0, 'no password form: the proxy is the only source');
  await screenshot(page, 'login-proxy-logged-out');
  await page.getByRole('button', { name: 'Sign in through the proxy' }).click();
  await page.getByRole('tree', { name: 'Servers' }).waitFor();
  assertNoErrors(b.errors);
});

test('reached without the proxy, the page offers the password form and says nothing alarming', async (t) => {
  const tusk = await startTusk({ env: {
    PGADMIN_DEFAULT_EMAIL: ADMIN.email,
    PGADMIN_DEFAULT_PASSWORD: ADMIN.password,
    TUSK_AUTHENTICATION_SOURCES: 'webserver,internal',
    TUSK_TRUSTED_PROXIES: '192.0.2.1/32', // not this browser's address
  } });
  t.after(() => tusk.stop());
  const b = await openBrowser({ width: 1024, height: 768 });
  t.after(() => b.close());
  const { page, context } = b;
  await context.setExtraHTTPHeaders({ 'X-Forwarded-User': 'mallory@example.org' });
  await page.goto(tusk.url);
  await page.getByRole('button', { name: 'Sign in through the proxy' }).waitFor();
  await page.locator('#email').waitFor();
  assert.equal(await page.getByRole('alert').count(), 0, 'the refused header is not shown on arrival');
  await screenshot(page, 'login-proxy-and-password');
  // a click tells why the proxy's sign-in is refused here
  await page.getByRole('button', { name: 'Sign in through the proxy' }).click();
  const error = page.getByRole('alert');
  await error.waitFor();
  assert.match(await error.textContent(), /trusted proxy/);
  await page.locator('#email').fill(ADMIN.email);
  await page.locator('#password').fill(ADMIN.password);
  await page.locator('#password').press('Enter');
  await page.getByRole('tree', { name: 'Servers' }).waitFor();
  assert.match(await page.getByRole('button', { name: 'User menu' }).textContent(), /admin@tusk\.local|admin/);
});
