// Signing in through an identity provider in Chromium: the login page shows one button per
// provider (label and colour as configured, before the password form as the sources' order
// says); a click goes to the provider's own login and consent pages (oidc-provider, a certified
// OpenID Connect provider, tests/lib/oidc-provider.mjs) and back into Tusk; a refusal (the
// additional claims not matching) reads on the login page. Light and dark, 1440x900 and 1024x768.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openBrowser, screenshot } from './browser.mjs';
import { startTusk } from '../lib/tusk.mjs';
import { startOidcProvider } from '../lib/oidc-provider.mjs';
import { ADMIN, chooseMenuItem, dialog, openUserMenu } from './app.mjs';

async function providerSignIn(page, login) {
  await page.locator('input[name="login"]').waitFor();
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  const consent = page.getByRole('button', { name: 'Continue' });
  await consent.waitFor();
  await consent.click();
}

test('OpenID Connect sign-in in the browser', async (t) => {
  const idp = await startOidcProvider();
  t.after(() => idp.stop());
  const providers = `[
    {'OAUTH2_NAME': 'corp', 'OAUTH2_DISPLAY_NAME': 'Corp SSO', 'OAUTH2_CLIENT_ID': 'tusk', 'OAUTH2_CLIENT_SECRET': 'tusk-secret',
     'OAUTH2_SERVER_METADATA_URL': '${idp.metadata}', 'OAUTH2_BUTTON_COLOR': '#1f6feb', 'OAUTH2_ADMIN_CLAIMS': {'groups': ['dba']}},
    {'OAUTH2_NAME': 'dba-only', 'OAUTH2_DISPLAY_NAME': 'Corp SSO (DBAs)', 'OAUTH2_CLIENT_ID': 'tusk', 'OAUTH2_CLIENT_SECRET': 'tusk-secret',
     'OAUTH2_SERVER_METADATA_URL': '${idp.metadata}', 'OAUTH2_ADDITIONAL_CLAIMS': {'groups': ['dba']}},
  ]`;
  const tusk = await startTusk({ env: {
    PGADMIN_DEFAULT_EMAIL: ADMIN.email, PGADMIN_DEFAULT_PASSWORD: ADMIN.password,
    PGADMIN_CONFIG_AUTHENTICATION_SOURCES: "['oauth2', 'internal']", PGADMIN_CONFIG_OAUTH2_CONFIG: providers,
  } });
  t.after(() => tusk.stop());
  idp.register(tusk.url);

  for (const [width, height] of [[1440, 900], [1024, 768]]) {
    for (const scheme of ['light', 'dark']) {
      await t.test(`the login page at ${width}x${height}, ${scheme}: a button per provider, then the password form`, async () => {
        const b = await openBrowser({ width, height });
        try {
          await b.page.emulateMedia({ colorScheme: scheme });
          await b.page.goto(tusk.url);
          const button = b.page.getByRole('link', { name: 'Sign in with Corp SSO', exact: true });
          await button.waitFor();
          assert.equal(await b.page.getByRole('link', { name: /^Sign in with/ }).count(), 2);
          // the sources say oauth2 first: the buttons stand above the e-mail field
          const buttonBox = await button.boundingBox();
          const emailBox = await b.page.locator('#email').boundingBox();
          assert.ok(buttonBox.y < emailBox.y, 'the provider buttons come first');
          assert.equal(await button.evaluate((e) => getComputedStyle(e).backgroundColor), 'rgb(31, 111, 235)');
          await screenshot(b.page, `login-oidc-${width}-${scheme}`);
          assert.deepEqual(b.errors, []);
        } finally {
          await b.close();
        }
      });
    }
  }

  const b = await openBrowser({ width: 1440, height: 900 });
  t.after(() => b.close());
  const { page } = b;

  await t.test('a click goes through the provider\'s own login and consent pages into Tusk, as an administrator', async () => {
    await page.goto(tusk.url);
    await page.getByRole('link', { name: 'Sign in with Corp SSO', exact: true }).click();
    await page.locator('input[name="login"]').waitFor();
    assert.ok(page.url().startsWith(idp.issuer), `at the provider: ${page.url()}`);
    await screenshot(page, 'login-oidc-provider-page');
    await providerSignIn(page, 'admin');
    await page.getByRole('tree', { name: 'Servers' }).waitFor();
    assert.ok(page.url().startsWith(tusk.url));
    const me = await page.evaluate(async () => (await fetch('api/v1/auth/me')).json());
    assert.equal(me.user.email, 'admin@example.org');
    assert.equal(me.user.auth_source, 'oauth2');
    assert.equal(me.user.role, 'admin', 'groups has dba');
    const menu = await openUserMenu(page);
    assert.equal(await menu.getByText('Change password…', { exact: true }).count(), 0, 'no Tusk password to change');
    await screenshot(page, 'login-oidc-signed-in');
    await page.keyboard.press('Escape');
  });

  await t.test('user management: oauth2 users show their provider; a user made ahead names one of the two', async () => {
    await chooseMenuItem(page, 'User management…');
    const d = await dialog(page, 'User management');
    const self = d.getByRole('row').filter({ hasText: 'admin@example.org' });
    await self.waitFor();
    assert.match(await self.textContent(), /OAuth2 · corp/);
    await d.locator('#new-user-source').selectOption('oauth2');
    const provider = d.locator('#new-user-provider');
    await provider.waitFor();
    assert.deepEqual(await provider.locator('option').allTextContents(), ['Choose…', 'Corp SSO', 'Corp SSO (DBAs)']);
    await d.locator('#new-user-email').fill('frank@example.org');
    await d.getByRole('button', { name: 'Add user' }).click();
    await d.getByRole('alert').filter({ hasText: 'Choose the identity provider' }).waitFor();
    await provider.selectOption('dba-only');
    await d.getByRole('button', { name: 'Add user' }).click();
    const row = d.getByRole('row').filter({ hasText: 'frank@example.org' });
    await row.waitFor();
    assert.match(await row.textContent(), /OAuth2 · dba-only/);
    await screenshot(page, 'dialog-users-oauth2');
    await page.keyboard.press('Escape');
    await d.waitFor({ state: 'detached' });
  });

  await t.test('the same name through the other provider is refused: the account is bound to corp', async () => {
    const other = await openBrowser({ width: 1024, height: 768 });
    try {
      await other.page.goto(tusk.url);
      await other.page.getByRole('link', { name: 'Sign in with Corp SSO (DBAs)' }).click();
      await providerSignIn(other.page, 'admin');
      const alert = other.page.getByRole('alert');
      await alert.waitFor();
      assert.match(await alert.textContent(), /The Tusk user 'admin@example\.org' belongs to someone else/);
      assert.equal(await other.page.getByRole('tree', { name: 'Servers' }).count(), 0);
    } finally {
      await other.close();
    }
  });

  await t.test('a refusal (the claims Tusk asks for do not match) reads on the login page', async () => {
    const other = await openBrowser({ width: 1024, height: 768 });
    try {
      await other.page.goto(tusk.url);
      await other.page.getByRole('link', { name: 'Sign in with Corp SSO (DBAs)' }).click();
      await providerSignIn(other.page, 'erin');
      const alert = other.page.getByRole('alert');
      await alert.waitFor();
      assert.match(await alert.textContent(), /signed you in as erin@example\.org, but Tusk admits only users with the claims/);
      assert.ok(!other.page.url().includes('oauth2_error'), 'the address is tidied');
      await screenshot(other.page, 'login-oidc-refused');
    } finally {
      await other.close();
    }
  });
});
