// Roles in the browser: a login role created in its dialog (the password
// masked in the SQL tab), then granted SELECT on two tables through the
// Grant Wizard.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { psql, pg as PG } from '../lib/pg.mjs';
import { screenshot } from './browser.mjs';
import { ADMIN, assertNoErrors, chooseInNodeMenu, dialog, expandTreeItem, openApp, treeItem, waitUntil } from './app.mjs';

const SERVER = 'e2e-roles';
const DB = 'e2e_roles';
const ROLE = 'e2e_analyst';

let tusk;
let browser;
let page;

const dropRole = () => psql(`DO $$ BEGIN IF EXISTS (SELECT FROM pg_roles WHERE rolname = '${ROLE}') THEN DROP ROLE ${ROLE}; END IF;
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'e2e_group') THEN DROP ROLE e2e_group; END IF; END $$`);

before(async () => {
  psql(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  dropRole();
  psql(`CREATE DATABASE ${DB}`);
  psql('CREATE SCHEMA sales; CREATE TABLE sales.orders (id int); CREATE TABLE sales.customers (id int); CREATE TABLE sales.secrets (id int)', { db: DB });
  ({ tusk, browser, page } = await openApp(SERVER, PG));
});

after(async () => {
  await browser?.close();
  await tusk?.stop();
  psql(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  dropRole();
});

async function bothThemes(name) {
  await screenshot(page, `${name}-light`);
  await page.keyboard.press('Alt+Shift+T');
  await screenshot(page, `${name}-dark`);
  await page.keyboard.press('Alt+Shift+T');
}

const preview = (d) => d.getByLabel('SQL preview');

test('Create ▸ Login/Group Role… makes a login role; its password never shows', async () => {
  await chooseInNodeMenu(page, treeItem(page, SERVER), 'Login/Group Role…');
  const d = await dialog(page, `Create role on ${SERVER}`);
  await d.locator('#role-name').fill(ROLE);
  await d.getByRole('tab', { name: 'Definition' }).click();
  await d.locator('#role-password').fill('An4lyst-pw!');
  await d.locator('#role-limit').fill('3');
  await d.getByRole('tab', { name: 'Privileges' }).click();
  await d.locator('#role-login').check();
  await bothThemes('role-dialog');
  await d.getByRole('tab', { name: 'SQL' }).click();
  let sql = '';
  await waitUntil(async () => /CREATE ROLE/.test((sql = (await preview(d).count()) ? await preview(d).innerText() : '')));
  assert.match(sql, new RegExp(`^CREATE ROLE "${ROLE}" WITH NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT LOGIN NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 3 PASSWORD '\\*{8}';`));
  assert.doesNotMatch(sql, /An4lyst/);
  await d.getByRole('button', { name: 'Save' }).click();
  await d.waitFor({ state: 'detached' });
  await treeItem(page, ROLE).waitFor();
  assert.equal(psql(`SELECT rolcanlogin AND rolconnlimit = 3 FROM pg_roles WHERE rolname = '${ROLE}'`), 't');
});

test('the Grant Wizard grants SELECT on two tables to the role', async () => {
  await expandTreeItem(page, treeItem(page, /^Databases \(\d+\)$/));
  await expandTreeItem(page, treeItem(page, DB));
  await expandTreeItem(page, treeItem(page, /^Schemas \(\d+\)$/));
  await chooseInNodeMenu(page, treeItem(page, 'sales'), 'Grant Wizard…');
  const d = await dialog(page, `Grant Wizard: ${DB}.sales`);
  await d.getByLabel('sales.orders (table)').check();
  await d.getByLabel('sales.customers (table)').check();
  await d.getByRole('tab', { name: /^Roles/ }).click();
  await d.getByLabel(ROLE, { exact: true }).check();
  await bothThemes('grant-wizard');
  await d.getByRole('tab', { name: 'SQL' }).click();
  let sql = '';
  await waitUntil(async () => /GRANT/.test((sql = (await preview(d).count()) ? await preview(d).innerText() : '')));
  assert.equal(sql, `GRANT SELECT ON TABLE sales.orders, sales.customers TO "${ROLE}";`);
  await d.getByRole('button', { name: 'Grant' }).click();
  await d.waitFor({ state: 'detached' });
  const can = (t) => psql(`SELECT has_table_privilege('${ROLE}', 'sales.${t}', 'SELECT')`, { db: DB });
  assert.equal(can('orders'), 't');
  assert.equal(can('customers'), 't');
  assert.equal(can('secrets'), 'f');

  // what can the role do on orders, and why
  await expandTreeItem(page, treeItem(page, 'sales'));
  await expandTreeItem(page, treeItem(page, /^Tables \(\d+\)$/));
  await chooseInNodeMenu(page, treeItem(page, 'orders'), 'Effective Privileges…');
  const e = await dialog(page, 'Effective privileges on orders');
  await e.locator('#effective-role').selectOption(ROLE);
  const select = e.getByRole('table', { name: 'Effective privileges' }).locator('tr').filter({ hasText: 'SELECT' });
  await select.getByText('granted directly').waitFor();
  await e.getByRole('table', { name: 'Effective privileges' }).locator('tr').filter({ hasText: 'DELETE' }).getByText('not granted').waitFor();
  await screenshot(page, 'effective-privileges-light');
  await page.keyboard.press('Escape');
  await e.waitFor({ state: 'detached' });

  // the membership graph has the role
  psql(`GRANT pg_read_all_stats TO ${ROLE}`);
  await chooseInNodeMenu(page, treeItem(page, SERVER), 'Membership Graph…');
  const g = await dialog(page, `Role memberships on ${SERVER}`);
  await g.getByRole('button', { name: `${ROLE} (can log in)` }).click();
  await bothThemes('membership-graph');
  await page.keyboard.press('Escape');
  assertNoErrors(browser.errors);
});

test('Logical Replication… shows the database’s publications, subscriptions and slots', async () => {
  psql('CREATE PUBLICATION e2e_pub FOR TABLE sales.orders', { db: DB });
  await chooseInNodeMenu(page, treeItem(page, DB), 'Logical Replication…');
  const d = await dialog(page, `Logical replication of ${DB}`);
  await d.getByRole('table', { name: 'Publications' }).getByText('e2e_pub').waitFor();
  await d.getByRole('table', { name: 'Publications' }).getByText('sales.orders').waitFor();
  await d.getByRole('table', { name: 'Subscriptions' }).getByText(`No subscriptions in ${DB}.`).waitFor();
  await bothThemes('replication-status');
  await d.getByRole('tab', { name: 'Replicate tables' }).click();
  await d.locator('#repl-source-db').fill('postgres');
  await d.locator('#repl-tables').fill('public.nothing_here');
  await screenshot(page, 'replication-setup-light');
  await page.keyboard.press('Escape');
  await d.waitFor({ state: 'detached' });
  assertNoErrors(browser.errors.filter((e) => !/status of 40[0-9]/.test(e)));
});

test('Default Privileges… on a schema: new tables there get SELECT for the role', async () => {
  await chooseInNodeMenu(page, treeItem(page, 'sales'), 'Default Privileges…');
  const d = await dialog(page, `Default privileges in ${DB}.sales`);
  await d.getByText('No default privileges in').waitFor();
  await d.getByRole('tab', { name: 'Grant or revoke' }).click();
  await d.locator('#defaults-roles').fill(ROLE);
  await d.getByRole('tab', { name: 'SQL' }).click();
  await waitUntil(async () => /ALTER DEFAULT PRIVILEGES/.test((await d.getByLabel('SQL preview').count()) ? await d.getByLabel('SQL preview').innerText() : ''));
  assert.equal(await d.getByLabel('SQL preview').innerText(), `ALTER DEFAULT PRIVILEGES IN SCHEMA "sales" GRANT SELECT ON TABLES TO "${ROLE}";`);
  await screenshot(page, 'default-privileges-light');
  await d.getByRole('button', { name: 'Grant' }).click();
  await d.waitFor({ state: 'detached' });
  psql('CREATE TABLE sales.later (x int)', { db: DB });
  assert.equal(psql(`SELECT has_table_privilege('${ROLE}', 'sales.later', 'SELECT')`, { db: DB }), 't');
  psql(`ALTER DEFAULT PRIVILEGES IN SCHEMA sales REVOKE SELECT ON TABLES FROM ${ROLE}`, { db: DB });
});

test('Drop Cascade… on a role that owns a table reassigns it, then drops the role', async () => {
  psql("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'e2e_owner') THEN CREATE ROLE e2e_owner; END IF; END $$");
  psql('CREATE TABLE sales.owned (x int); ALTER TABLE sales.owned OWNER TO e2e_owner', { db: DB });
  await chooseInNodeMenu(page, treeItem(page, /^Login\/Group Roles \(\d+\)$/), 'Refresh');
  await chooseInNodeMenu(page, treeItem(page, 'e2e_owner'), 'Drop Cascade…');
  const d = await dialog(page, 'Drop role e2e_owner');
  await d.locator('#drop-reassign').fill(PG.user);
  await d.getByRole('tab', { name: 'SQL' }).click();
  await waitUntil(async () => /DROP ROLE/.test((await d.getByLabel('SQL preview').count()) ? await d.getByLabel('SQL preview').innerText() : ''));
  assert.match(await d.getByLabel('SQL preview').innerText(), new RegExp(`-- in database ${DB}:\\nREASSIGN OWNED BY "e2e_owner" TO "${PG.user}";\\nDROP OWNED BY "e2e_owner";\\n[\\s\\S]*DROP ROLE "e2e_owner";$`));
  await screenshot(page, 'role-drop-light');
  await d.getByRole('button', { name: 'Drop' }).click();
  await d.waitFor({ state: 'detached' });
  await treeItem(page, 'e2e_owner').waitFor({ state: 'detached' });
  assert.equal(psql("SELECT count(*) FROM pg_roles WHERE rolname = 'e2e_owner'"), '0');
  assert.equal(psql("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'owned'", { db: DB }), PG.user);
});

test('Drop… on a role that owns objects leads from PostgreSQL\'s refusal straight to Reassign or Drop Owned', async () => {
  psql("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'e2e_owner2') THEN CREATE ROLE e2e_owner2; END IF; END $$");
  psql('CREATE TABLE sales.owned2 (x int); ALTER TABLE sales.owned2 OWNER TO e2e_owner2', { db: DB });
  await chooseInNodeMenu(page, treeItem(page, /^Login\/Group Roles \(\d+\)$/), 'Refresh');
  await chooseInNodeMenu(page, treeItem(page, 'e2e_owner2'), 'Drop…');
  const d = await dialog(page, /^Drop (login |group )?role$/);
  await d.getByRole('button', { name: 'Drop', exact: true }).click();
  await d.getByText('2BP01').waitFor();
  await d.getByRole('button', { name: 'Reassign or Drop Owned…' }).click();
  const owned = await dialog(page, 'Drop role e2e_owner2');
  await owned.locator('#drop-reassign').waitFor();
  assert.equal(await page.getByRole('dialog', { name: /^Drop (login |group )?role$/ }).count(), 0);
  await owned.locator('#drop-reassign').fill(PG.user);
  await owned.getByRole('button', { name: 'Drop' }).click();
  await owned.waitFor({ state: 'detached' });
  assert.equal(psql("SELECT count(*) FROM pg_roles WHERE rolname = 'e2e_owner2'"), '0');
});

test('Properties… of a role sends only what changed: a new limit and a membership', async () => {
  psql('CREATE ROLE e2e_group');
  await chooseInNodeMenu(page, treeItem(page, ROLE), 'Properties…');
  const d = await dialog(page, `Properties of role ${ROLE}`);
  await d.getByRole('tab', { name: 'Definition' }).click();
  await waitUntil(async () => (await d.locator('#role-limit').inputValue()) === '3');
  await d.locator('#role-limit').fill('5');
  await d.getByRole('tab', { name: /^Membership/ }).click();
  await d.getByRole('button', { name: 'Add membership' }).click();
  await d.getByLabel(/^Group role of membership \d+$/).last().fill('e2e_group');
  await d.getByRole('tab', { name: 'SQL' }).click();
  let sql = '';
  await waitUntil(async () => /GRANT/.test((sql = (await d.getByLabel('SQL preview').count()) ? await d.getByLabel('SQL preview').innerText() : '')));
  assert.equal(sql, `ALTER ROLE "${ROLE}" WITH CONNECTION LIMIT 5;\nGRANT "e2e_group" TO "${ROLE}";`);
  await d.getByRole('button', { name: 'Save' }).click();
  await d.waitFor({ state: 'detached' });
  assert.equal(psql(`SELECT rolconnlimit FROM pg_roles WHERE rolname = '${ROLE}'`), '5');
  assert.equal(psql(`SELECT pg_has_role('${ROLE}', 'e2e_group', 'MEMBER')`), 't');
});
