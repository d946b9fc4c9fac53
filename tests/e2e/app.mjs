// Steps through the Tusk UI shared by the browser tests.
import assert from 'node:assert/strict';
import { startTusk } from '../lib/tusk.mjs';
import { openBrowser } from './browser.mjs';

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

/** Calls the API from the logged-in page (its cookie, its CSRF token); resolves to {status, body}. */
export function apiCall(page, method, path, body) {
  return page.evaluate(
    async ({ method, path, body }) => {
      const me = await (await fetch('api/v1/auth/me')).json();
      const headers = { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token };
      const res = await fetch(`api/v1/${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    { method, path, body },
  );
}

/** Registers the test cluster as NAME and connects it through the API, then reloads so the tree shows it. */
export async function addConnectedServer(page, name, pg) {
  const created = await apiCall(page, 'POST', 'servers', {
    name,
    host: pg.host,
    port: Number(pg.port),
    username: pg.user,
    maintenance_db: 'postgres',
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.server.id;
  const connected = await apiCall(page, 'POST', `servers/${id}/connect`, { password: pg.password, save_password: true });
  assert.equal(connected.status, 200, JSON.stringify(connected.body));
  await page.reload();
  await page.getByRole('tree', { name: 'Servers' }).waitFor();
  return id;
}

/** The explorer row whose accessible name (label, then count) is NAME. */
export function treeItem(page, name) {
  return page.getByRole('tree', { name: 'Servers' }).getByRole('treeitem', { name, exact: true });
}

/**
 * Scrolls the explorer until ROW is rendered: the tree is virtualized, so a
 * row far from the view is not in the page at all.
 */
export async function revealTreeItem(row) {
  const tree = row.page().getByRole('tree', { name: 'Servers' });
  const end = Date.now() + 10_000;
  while ((await row.count()) === 0) {
    if (Date.now() > end) throw new Error('the tree row never appeared');
    await tree.evaluate((el) => {
      const atEnd = el.scrollTop + el.clientHeight >= el.scrollHeight - 1;
      el.scrollTop = atEnd ? 0 : el.scrollTop + el.clientHeight / 2;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Clicks ROW's label: selects it without touching its twisty. */
export async function selectTreeItem(row) {
  await revealTreeItem(row);
  await row.locator('.tree-label').click();
}

/** Selects ROW (the tree scrolls it into view) and opens it with the keyboard. */
export async function expandTreeItem(page, row) {
  await selectTreeItem(row);
  if ((await row.getAttribute('aria-expanded')) !== 'true') await page.keyboard.press('ArrowRight');
  await waitUntil(async () => (await row.getAttribute('aria-expanded')) === 'true');
}

/** Right-clicks ROW and chooses LABEL in the explorer's context menu. */
export async function chooseInNodeMenu(page, row, label) {
  await revealTreeItem(row);
  await row.locator('.tree-label').click({ button: 'right' });
  const menu = page.getByRole('menu', { name: 'Object explorer menu' });
  await menu.getByText(label, { exact: true }).click();
  await menu.waitFor({ state: 'detached' });
}

/**
 * A Tusk, a browser logged in as the administrator, and the test cluster registered and
 * connected as SERVER: {tusk, browser, page}. What most browser tests start from.
 */
export async function openApp(server, pgConn, { width = 1360, height = 860, args = [] } = {}) {
  const tusk = await startServer(args);
  const browser = await openBrowser({ width, height });
  const page = browser.page;
  await page.goto(tusk.url);
  await logIn(page, ADMIN.email, ADMIN.password);
  await addConnectedServer(page, server, pgConn);
  return { tusk, browser, page };
}

/** Waits until dialog D's SQL tab shows a statement matching RE, not one still being asked again; returns it. */
export async function previewMatching(d, re) {
  const preview = d.getByLabel('SQL preview');
  let text = '';
  await waitUntil(async () => {
    text = (await preview.count()) > 0 ? await preview.innerText() : '';
    return re.test(text) && (await preview.getAttribute('aria-busy')) !== 'true';
  });
  return text;
}

/** Replaces the text of the query editor in PANEL (the query tab's panel) with SQL. */
export async function setEditorSql(panel, sql) {
  const content = panel.locator('.cm-content');
  await content.click();
  await panel.page().keyboard.press('Control+A');
  await panel.page().keyboard.press('Delete');
  await content.fill(sql);
}
