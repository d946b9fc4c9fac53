// Two-factor sign-in in the browser: enrolment from the user menu (QR code, key as text, a code,
// the recovery codes), the second step on the login page (a wrong code told in place, then a
// right one; a recovery code), a required enrolment before anything else, the users dialog's
// column; light and dark themes, at 1440x900 and 1024x768. The test is the authenticator app:
// it computes the codes from the key the page shows (tests/lib/totp.mjs).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openBrowser, screenshot } from './browser.mjs';
import { ADMIN, apiCall, assertNoErrors, chooseMenuItem, dialog, logIn, logOut, startServer, submitLogin } from './app.mjs';
import { totp, steadyStep } from '../lib/totp.mjs';

async function secretShown(scope) {
  const text = await scope.getByTestId('twofactor-secret').textContent();
  return text.replace(/\s/g, '');
}

test('two-factor: enrol, sign in with the second step, required enrolment; both themes, two sizes', async (t) => {
  const tusk = await startServer();
  t.after(() => tusk.stop());
  const b = await openBrowser({ width: 1440, height: 900 });
  t.after(() => b.close());
  const { page } = b;
  let secret, recovery;

  await t.test('enrolment from the user menu shows the QR code and the key, then the recovery codes', async () => {
    await page.goto(tusk.url);
    await logIn(page, ADMIN.email, ADMIN.password);
    await chooseMenuItem(page, 'Light');
    await chooseMenuItem(page, 'Two-factor authentication…');
    const d = await dialog(page, 'Two-factor authentication');
    await d.getByText('Off', { exact: true }).waitFor();
    await d.getByRole('button', { name: 'Set up an authenticator app…' }).click();
    const qr = d.getByRole('img', { name: 'QR code of the authenticator key' });
    await qr.waitFor();
    const box = await qr.boundingBox();
    assert.ok(box.width >= 160 && box.height >= 160, `QR code ${box.width}x${box.height}`);
    assert.ok(await qr.evaluate((img) => img.complete && img.naturalWidth > 0), 'the QR code renders');
    secret = await secretShown(d);
    assert.match(secret, /^[A-Z2-7]{32}$/);
    await screenshot(page, 'two-factor-enrol-light-1440');
    // a wrong code is told in place and enrols nothing
    await steadyStep();
    await d.locator('#twofactor-code').fill(totp(secret, 0) === '000000' ? '111111' : '000000');
    await d.getByRole('button', { name: 'Turn on' }).click();
    await d.getByRole('alert').waitFor();
    assert.match(await d.getByRole('alert').textContent(), /not the one your authenticator shows/);
    await d.locator('#twofactor-code').fill(totp(secret, 0));
    await d.locator('#twofactor-code').press('Enter');
    const codes = d.getByTestId('recovery-codes').locator('li');
    await codes.first().waitFor();
    assert.equal(await codes.count(), 10);
    recovery = (await codes.allTextContents()).map((s) => s.trim());
    await screenshot(page, 'two-factor-codes-light-1440');
    await d.getByRole('button', { name: 'Done' }).click();
    await d.waitFor({ state: 'detached' });
  });

  await t.test('the second step: no session before it; a wrong code told in place; the right one opens the app', async () => {
    await logOut(page);
    await submitLogin(page, ADMIN.email, ADMIN.password);
    await page.locator('#second-step-code').waitFor();
    // the password alone gave no session: the API refuses
    assert.equal((await apiCall(page, 'GET', 'auth/me')).status, 401);
    await screenshot(page, 'two-factor-step-light-1440');
    await page.locator('#second-step-code').fill('000000' === totp(secret, 1) ? '111111' : '000000');
    await page.locator('#second-step-code').press('Enter');
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').textContent(), /not right/);
    await page.locator('#second-step-code').fill(totp(secret, 1));
    await page.locator('#second-step-code').press('Enter');
    await page.getByRole('tree', { name: 'Servers' }).waitFor();
  });

  await t.test('dark, 1024x768: a recovery code signs in; the dialog says two-factor is on', async () => {
    await page.setViewportSize({ width: 1024, height: 768 });
    await chooseMenuItem(page, 'Dark');
    await logOut(page);
    await submitLogin(page, ADMIN.email, ADMIN.password);
    await page.getByRole('button', { name: 'Use a recovery code' }).click();
    await page.locator('#second-step-code').fill(recovery[0]);
    await screenshot(page, 'two-factor-step-dark-1024');
    await page.locator('#second-step-code').press('Enter');
    await page.getByRole('tree', { name: 'Servers' }).waitFor();
    await chooseMenuItem(page, 'Two-factor authentication…');
    const d = await dialog(page, 'Two-factor authentication');
    await d.getByText('9 of 10 recovery codes left', { exact: false }).waitFor();
    await screenshot(page, 'two-factor-status-dark-1024');
    await d.getByRole('button', { name: 'Close' }).last().click();
  });

  await t.test('replacing the authenticator asks for proof of the current one, told in place (dark, 1024x768)', async () => {
    await chooseMenuItem(page, 'Two-factor authentication…');
    const d = await dialog(page, 'Two-factor authentication');
    await d.getByRole('button', { name: 'Replace authenticator app…' }).click();
    await d.getByTestId('twofactor-secret').waitFor();
    const next = await secretShown(d);
    assert.notEqual(next, secret);
    await d.locator('#twofactor-code').fill(totp(next, 0));
    // no proof: said in place, nothing sent
    await d.getByRole('button', { name: 'Replace' }).click();
    await d.getByRole('alert').filter({ hasText: 'Prove it is you' }).waitFor();
    // a wrong code of the current app: the server refuses, in place
    await d.locator('#twofactor-current').fill('ZZZZ-ZZZZ-ZZZZ-ZZZZ');
    await d.getByRole('button', { name: 'Replace' }).click();
    await d.getByRole('alert').filter({ hasText: 'not a code of your current authenticator' }).waitFor();
    await screenshot(page, 'two-factor-replace-dark-1024');
    // a recovery code of the current enrolment proves it
    await d.locator('#twofactor-current').fill(recovery[1]);
    await d.getByRole('button', { name: 'Replace' }).click();
    await d.getByTestId('recovery-codes').waitFor();
    await d.getByRole('button', { name: 'Done' }).click();
    secret = next;
  });

  await t.test('a user an administrator requires it of enrols before anything else (dark, 1024x768)', async () => {
    const made = await apiCall(page, 'POST', 'users', { email: 'forced@tusk.local', password: 'forced-user-password-1', role: 'user' });
    assert.equal(made.status, 201);
    assert.equal((await apiCall(page, 'PUT', `users/${made.body.user.id}/two-factor`, { required: true })).status, 200);
    await chooseMenuItem(page, 'User management…');
    const users = await dialog(page, 'User management');
    await users.getByRole('checkbox', { name: 'Require two-factor of forced@tusk.local' }).waitFor();
    assert.equal(await users.getByRole('checkbox', { name: 'Require two-factor of forced@tusk.local' }).isChecked(), true);
    await screenshot(page, 'two-factor-users-dark-1024');
    await users.getByRole('button', { name: 'Close' }).last().click();
    await logOut(page);
    await submitLogin(page, 'forced@tusk.local', 'forced-user-password-1');
    await page.getByRole('heading', { name: 'Set up two-factor sign-in' }).waitFor();
    await page.getByRole('img', { name: 'QR code of the authenticator key' }).waitFor();
    assert.equal(await page.getByRole('tree', { name: 'Servers' }).count(), 0, 'nothing else until enrolled');
    await screenshot(page, 'two-factor-forced-dark-1024');
    const s = await secretShown(page);
    await steadyStep();
    await page.locator('#twofactor-code').fill(totp(s, 0));
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByTestId('recovery-codes').waitFor();
    await screenshot(page, 'two-factor-forced-codes-dark-1024');
    await page.getByRole('button', { name: 'Continue to Tusk' }).click();
    await page.getByRole('tree', { name: 'Servers' }).waitFor();
  });

  await t.test('the enrolment dialog in the dark theme at 1440x900', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await chooseMenuItem(page, 'Two-factor authentication…');
    const d = await dialog(page, 'Two-factor authentication');
    await d.getByText('On', { exact: true }).waitFor();
    await d.getByRole('button', { name: 'Close' }).last().click();
    assertNoErrors(b.errors);
  });
});
