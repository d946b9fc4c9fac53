// Steps through the Tusk UI shared by the browser tests.
import assert from 'node:assert/strict';
import { startTusk } from '../lib/tusk.mjs';

export const ADMIN = { email: 'admin@tusk.local', password: 'Tusk-e2e-Admin-1!' };

/** Starts the real server with the admin account the tests log in with. */
export function startServer(args = []) {
  return startTusk({
    env: { PGADMIN_DEFAULT_EMAIL: ADMIN.email, PGADMIN_DEFAULT_PASSWORD: ADMIN.password },
    args,
  });
}

export async function submitLogin(page, email, password) {
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(password);
  await page.locator('#password').press('Enter');
}

/** Logs in and waits for the shell. */
export async function logIn(page, email, password) {
  await page.locator('#email').waitFor();
  await submitLogin(page, email, password);
  await page.getByRole('tree', { name: 'Servers' }).waitFor();
}

export async function openUserMenu(page) {
  await page.getByRole('button', { name: 'User menu' }).click();
  const menu = page.getByRole('menu', { name: 'User menu' });
  await menu.waitFor();
  return menu;
}

export async function chooseMenuItem(page, label) {
  const menu = await openUserMenu(page);
  await menu.getByText(label, { exact: true }).click();
}

export async function logOut(page) {
  await chooseMenuItem(page, 'Log out');
  await page.locator('#email').waitFor();
}

/** The dialog titled TITLE, once it is open. */
export async function dialog(page, title) {
  const d = page.getByRole('dialog', { name: title });
  await d.waitFor();
  return d;
}

export function assertNoErrors(errors) {
  assert.deepEqual(errors, [], `console errors: ${errors.join('\n')}`);
}

/** Polls CHECK until it is true; fails after TIMEOUT ms. */
export async function waitUntil(check, timeout = 10_000) {
  const end = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
