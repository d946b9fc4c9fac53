// Create and alter dialogs against the real server and the test cluster: a
// schema and a table built in pgAdmin-style dialogs whose SQL tab shows the
// server's statement, PostgreSQL's refusal in place, Properties… renaming a
// table, Count Rows, Scripts ▸ INSERT, maintenance, Search objects, and
// function completion in the query tool.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { psql, pg as PG } from '../lib/pg.mjs';
import { screenshot } from './browser.mjs';
import { ADMIN, assertNoErrors, chooseInNodeMenu, dialog, expandTreeItem, openApp, previewMatching, selectTreeItem, treeItem, waitUntil } from './app.mjs';

const SERVER = 'e2e-dialogs';
const DB = 'e2e_dialogs';

// A refused create (409) and an incomplete form's preview (400) are answers
// the dialogs show; the browser logs them as failed loads.
const EXPECTED_FAILURES = /the server responded with a status of (400|409|422)/;

let tusk;
let browser;
let page;

const db = (sql) => psql(sql, { db: DB });

before(async () => {
  psql(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  psql(`CREATE DATABASE ${DB}`);
  ({ tusk, browser, page } = await openApp(SERVER, PG));
});

after(async () => {
  await browser?.close();
  await tusk?.stop();
  psql(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
});

async function dismissToasts() {
  await page.evaluate(() => document.querySelectorAll('.toast button[aria-label="Dismiss"]').forEach((b) => b.click()));
}

async function bothThemes(name) {
  await dismissToasts();
  await screenshot(page, `${name}-light`);
  await page.keyboard.press('Alt+Shift+T');
  await screenshot(page, `${name}-dark`);
  await page.keyboard.press('Alt+Shift+T');
}

const sqlTab = (d) => d.getByRole('tab', { name: 'SQL', exact: true });

const selected = async (name) => (await treeItem(page, name).getAttribute('aria-selected')) === 'true';

test('Create ▸ Schema… shows the server’s CREATE SCHEMA and the new schema is selected in the tree', async () => {
  await expandTreeItem(page, treeItem(page, SERVER));
  await expandTreeItem(page, treeItem(page, /^Databases \(\d+\)$/));
  await expandTreeItem(page, treeItem(page, DB));
  await chooseInNodeMenu(page, treeItem(page, /^Schemas \(\d+\)$/), 'Schema…');
  const d = await dialog(page, `Create Schema in ${DB}`);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'ddl-name', 'focus starts on the name');
  await d.getByLabel('Name').fill('shop');
  await d.getByLabel('Comment').fill('Things we sell');
  await sqlTab(d).click();
  const sql = await previewMatching(d, /CREATE SCHEMA "shop"/);
  assert.match(sql, /COMMENT ON SCHEMA "shop" IS 'Things we sell';/);
  assert.equal(db("SELECT count(*) FROM pg_namespace WHERE nspname = 'shop'"), '0', 'a preview creates nothing');
  await d.getByRole('button', { name: 'Save' }).click();
  await d.waitFor({ state: 'detached' });
  await treeItem(page, 'shop').waitFor();
  await waitUntil(() => selected('shop'));
  assert.equal(db("SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = 'shop'"), 'Things we sell');
});

test('the Table dialog builds columns and a check constraint; its SQL tab previews, Enter saves', async () => {
  await chooseInNodeMenu(page, treeItem(page, 'shop'), 'Table…');
  const d = await dialog(page, 'Create Table in shop');
  await d.locator('#ddl-name').fill('orders');
  await d.getByRole('tab', { name: /^Columns/ }).click();
  await d.getByLabel('Name of column 1').fill('id');
  await d.getByLabel('Type of column 1').fill('bigint');
  await d.getByLabel('Identity of column 1').selectOption('always');
  await d.getByLabel('Column 1 primary key').check();
  await d.getByRole('button', { name: 'Add column' }).click();
  await d.getByLabel('Name of column 2').fill('item');
  await d.getByLabel('Type of column 2').fill('text');
  await d.getByLabel('Column 2 not null').check();
  await d.getByRole('button', { name: 'Add column' }).click();
  await d.getByLabel('Name of column 3').fill('qty');
  await d.getByLabel('Type of column 3').fill('integer');
  await d.getByLabel('Default of column 3').fill('1');
  // reorder: qty above item, and back
  await d.getByRole('button', { name: 'Move column 3 up' }).click();
  assert.equal(await d.getByLabel('Name of column 2').inputValue(), 'qty');
  await d.getByRole('button', { name: 'Move column 2 down' }).click();
  assert.equal(await d.getByLabel('Name of column 3').inputValue(), 'qty');
  await bothThemes('ddl-table-columns');

  await d.getByRole('tab', { name: /^Constraints/ }).click();
  await d.getByRole('button', { name: 'Check' }).click();
  await d.getByLabel('Check expression').fill('qty > 0');
  await d.getByLabel('Name', { exact: true }).last().fill('qty_positive');
  await d.getByRole('tab', { name: 'Advanced' }).click();
  await d.locator('#ddl-fillfactor').fill('80');

  await sqlTab(d).click();
  const sql = await previewMatching(d, /CONSTRAINT "qty_positive" CHECK \(qty > 0\)/);
  assert.match(sql, /^CREATE TABLE "shop"\."orders" \(/);
  assert.match(sql, /"id" bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY/);
  assert.match(sql, /"item" text NOT NULL/);
  assert.match(sql, /"qty" integer DEFAULT 1/);
  assert.match(sql, /\n\)\n {4}WITH \(fillfactor = 80\);/);
  await bothThemes('ddl-table-sql');
  assert.equal(db("SELECT count(*) FROM pg_tables WHERE tablename = 'orders'"), '0');

  await d.getByRole('tab', { name: 'General' }).click();
  await d.locator('#ddl-name').press('Enter');
  await d.waitFor({ state: 'detached' });
  await treeItem(page, 'orders').waitFor();
  await waitUntil(() => selected('orders'));
  await treeItem(page, 'Tables (1)').waitFor();
  assert.equal(db("SELECT count(*) FROM pg_constraint WHERE conrelid = 'shop.orders'::regclass AND contype IN ('p', 'c')"), '2');
  assert.equal(db("SELECT reloptions::text FROM pg_class WHERE oid = 'shop.orders'::regclass"), '{fillfactor=80}');
});

test('a table PostgreSQL refuses shows its error in the dialog, marks the SQL, and creates nothing', async () => {
  await chooseInNodeMenu(page, treeItem(page, 'Tables (1)'), 'Table…');
  const d = await dialog(page, 'Create Table in shop');
  await d.locator('#ddl-name').fill('broken');
  await d.getByRole('tab', { name: /^Columns/ }).click();
  await d.getByLabel('Name of column 1').fill('a');
  await d.getByLabel('Type of column 1').fill('nosuchtype');
  await d.getByRole('button', { name: 'Save' }).click();
  const error = d.getByRole('alert');
  await error.getByText('42704').waitFor();
  await error.getByText('type "nosuchtype" does not exist').waitFor();
  await error.getByRole('button', { name: 'Show in SQL' }).click();
  assert.equal(await d.locator('mark.ddl-sql-error').innerText(), 'nosuchtype');
  await screenshot(page, 'ddl-table-refused-light');
  assert.equal(db("SELECT to_regclass('shop.broken') IS NULL"), 't');
  await page.keyboard.press('Escape');
  await d.waitFor({ state: 'detached' });
  assert.equal(await treeItem(page, 'broken').count(), 0);
});

test('Properties… renames the table and sets its comment; the SQL tab shows only the changes', async () => {
  await chooseInNodeMenu(page, treeItem(page, 'orders'), 'Properties…');
  const d = await dialog(page, 'Properties of table shop.orders');
  await waitUntil(async () => (await d.getByLabel('Owner').inputValue()) === PG.user);
  await d.locator('#ddl-name').fill('purchases');
  await d.getByLabel('Comment').fill('Every purchase');
  await sqlTab(d).click();
  const sql = await previewMatching(d, /RENAME TO "purchases"/);
  assert.match(sql, /^COMMENT ON TABLE shop\.orders IS 'Every purchase';/);
  assert.doesNotMatch(sql, /OWNER TO|SET SCHEMA/, 'unchanged fields are not sent');
  await d.getByRole('tab', { name: 'General' }).click();
  await bothThemes('ddl-properties');
  await d.getByRole('button', { name: 'Save' }).click();
  await d.waitFor({ state: 'detached' });
  await treeItem(page, 'purchases').waitFor();
  await waitUntil(() => selected('purchases'));
  assert.equal(await treeItem(page, 'orders').count(), 0);
  assert.equal(db("SELECT obj_description('shop.purchases'::regclass, 'pg_class')"), 'Every purchase');
  await page.getByRole('tab', { name: 'table shop.purchases' }).waitFor();
});

test('Count Rows tells the count; Vacuum Analyze confirms the server’s statement first', async () => {
  db("INSERT INTO shop.purchases (item, qty) VALUES ('pear', 2), ('plum', 3), ('fig', 1)");
  await dismissToasts();
  await chooseInNodeMenu(page, treeItem(page, 'purchases'), 'Count Rows');
  await page.locator('.toasts').getByText('shop.purchases: 3 rows.').waitFor();

  await chooseInNodeMenu(page, treeItem(page, 'purchases'), 'Vacuum Analyze…');
  const d = await dialog(page, 'Vacuum Analyze table');
  assert.match(await d.getByLabel('SQL to run').innerText(), /VACUUM .*ANALYZE.*purchases/);
  await d.getByRole('button', { name: 'Vacuum Analyze' }).click();
  await d.waitFor({ state: 'detached' });
  await page.locator('.toasts').getByText('Vacuum Analyze: done on shop.purchases.').waitFor();
});

test('Scripts ▸ INSERT opens a query tab with the statement; functions complete in the editor', async () => {
  db('CREATE FUNCTION shop.total_qty(minimum integer) RETURNS bigint LANGUAGE sql AS $$ SELECT sum(qty) FROM shop.purchases WHERE qty >= minimum $$');
  await chooseInNodeMenu(page, treeItem(page, 'purchases'), 'INSERT');
  await page.getByRole('tab', { name: `${DB} on ${SERVER}` }).waitFor();
  const editor = page.locator('.tab-panel:not([hidden]) .query-editor .cm-content');
  await editor.getByText('INSERT INTO "shop"."purchases"', { exact: false }).waitFor();

  await page.locator('.tab-panel:not([hidden]) .query-editor .cm-content').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('SELECT shop.tot');
  await waitUntil(async () => {
    if ((await page.locator('.cm-tooltip-autocomplete').count()) === 0) await page.keyboard.press('Control+Space');
    return (await page.locator('.cm-tooltip-autocomplete').getByText('total_qty(minimum integer)').count()) > 0;
  });
  const chosen = page.locator('.cm-tooltip-autocomplete [aria-selected="true"]').getByText('total_qty(minimum integer)');
  await chosen.waitFor();
  // CodeMirror ignores Enter for a moment after the list opens (interactionDelay).
  await new Promise((resolve) => setTimeout(resolve, 200));
  await page.keyboard.press('Enter');
  assert.match(await editor.innerText(), /SELECT shop\.total_qty\(/);
});

test('Search objects (Ctrl+Shift+K) finds the table and reveals it in the tree', async () => {
  await selectTreeItem(treeItem(page, 'shop'));
  await page.keyboard.press('ArrowLeft');
  await waitUntil(async () => (await treeItem(page, 'shop').getAttribute('aria-expanded')) === 'false');
  await page.keyboard.press('Control+Shift+K');
  const d = await dialog(page, `Search objects in ${DB}`);
  await d.getByLabel('Name contains').fill('purch');
  await d.getByRole('option', { name: /shop\.purchases\s*table/ }).waitFor();
  await d.getByLabel('Kind').selectOption('column');
  await d.getByText('Nothing found.').waitFor();
  await d.getByLabel('Kind').selectOption('table');
  await d.getByRole('option', { name: /shop\.purchases/ }).waitFor();
  await d.getByLabel('Name contains').press('Enter');
  await d.waitFor({ state: 'detached' });
  await waitUntil(() => selected('purchases'));
  await page.getByRole('tab', { name: 'table shop.purchases' }).waitFor();
  assertNoErrors(browser.errors.filter((e) => !EXPECTED_FAILURES.test(e)));
});

test('a function with an argument, a trigger function, a trigger and an RLS policy from their dialogs', async () => {
  await dismissToasts();
  await chooseInNodeMenu(page, treeItem(page, 'shop'), 'Function…');
  let d = await dialog(page, 'Create Function in shop');
  await d.locator('#ddl-name').fill('double it');
  await d.getByRole('tab', { name: /^Arguments/ }).click();
  await d.getByRole('button', { name: 'Add argument' }).click();
  await d.getByLabel('Name of argument 1').fill('x');
  await d.getByLabel('Data type of argument 1').fill('integer');
  await d.getByRole('tab', { name: 'Code' }).click();
  await d.locator('#ddl-returns').fill('integer');
  await d.locator('#ddl-definition').fill('SELECT x * 2');
  await d.getByRole('tab', { name: 'Options' }).click();
  await d.locator('#ddl-volatility').selectOption('IMMUTABLE');
  await sqlTab(d).click();
  const sql = await previewMatching(d, /IMMUTABLE/);
  assert.match(sql, /^CREATE FUNCTION "shop"\."double it"\("x" integer\)\n {4}RETURNS integer\n {4}LANGUAGE "sql"\n {4}IMMUTABLE\nAS \$function\$\nSELECT x \* 2\$function\$;$/);
  await bothThemes('ddl-function-sql');
  await d.getByRole('tab', { name: 'Code' }).click();
  await bothThemes('ddl-function-code');
  await d.getByRole('button', { name: 'Save' }).click();
  await d.waitFor({ state: 'detached' });
  await waitUntil(async () => (await treeItem(page, /^double it\(/).count()) > 0);
  assert.equal(db('SELECT shop."double it"(21)'), '42');

  await chooseInNodeMenu(page, treeItem(page, 'shop'), 'Trigger Function…');
  d = await dialog(page, 'Create Trigger Function in shop');
  await d.locator('#ddl-name').fill('touch');
  await d.getByRole('tab', { name: 'Code' }).click();
  assert.equal(await d.locator('#ddl-returns').inputValue(), 'trigger');
  await d.locator('#ddl-definition').fill('BEGIN NEW.qty := NEW.qty + 100; RETURN NEW; END');
  await d.getByRole('button', { name: 'Save' }).click();
  await d.waitFor({ state: 'detached' });

  await chooseInNodeMenu(page, treeItem(page, 'purchases'), 'Trigger…');
  d = await dialog(page, 'Create Trigger in shop.purchases');
  await d.locator('#ddl-name').fill('bump qty');
  await d.getByRole('tab', { name: 'Definition' }).click();
  await d.locator('#ddl-function').fill('touch');
  await sqlTab(d).click();
  assert.match(await previewMatching(d, /EXECUTE FUNCTION/), /^CREATE TRIGGER "bump qty"\n {4}BEFORE INSERT\n {4}ON "shop"\."purchases"\n {4}FOR EACH ROW\n {4}EXECUTE FUNCTION "shop"\."touch"\(\);$/);
  await d.getByRole('button', { name: 'Save' }).click();
  await d.waitFor({ state: 'detached' });
  db("INSERT INTO shop.purchases (item, qty) VALUES ('kiwi', 1)");
  assert.equal(db("SELECT qty FROM shop.purchases WHERE item = 'kiwi'"), '101');

  await chooseInNodeMenu(page, treeItem(page, 'purchases'), 'RLS Policy…');
  d = await dialog(page, 'Create RLS Policy in shop.purchases');
  await d.locator('#ddl-name').fill('small only');
  await d.getByRole('tab', { name: 'Definition' }).click();
  await d.locator('#ddl-command').selectOption('SELECT');
  assert.equal(await d.getByLabel(/^WITH CHECK/).count(), 0, 'a SELECT policy has no WITH CHECK');
  await d.getByLabel(/^USING/).fill('qty < 100');
  await bothThemes('ddl-policy');
  await sqlTab(d).click();
  assert.match(await previewMatching(d, /CREATE POLICY/), /^ALTER TABLE "shop"\."purchases" ENABLE ROW LEVEL SECURITY;\nCREATE POLICY "small only" ON "shop"\."purchases"\n {4}FOR SELECT\n {4}USING \(qty < 100\);$/);
  await d.getByRole('button', { name: 'Save' }).click();
  await d.waitFor({ state: 'detached' });
  assert.equal(db("SELECT relrowsecurity AND EXISTS (SELECT FROM pg_policy WHERE polname = 'small only') FROM pg_class WHERE oid = 'shop.purchases'::regclass"), 't');

  // Properties… of the policy and the trigger change what their kinds allow
  await treeItem(page, 'small only').waitFor();
  await chooseInNodeMenu(page, treeItem(page, 'small only'), 'Properties…');
  d = await dialog(page, /^Properties of .*small only/);
  await d.getByRole('tab', { name: 'Definition' }).click();
  await waitUntil(async () => (await d.locator('#ddl-using').inputValue()) === '(qty < 100)');
  await d.locator('#ddl-using').fill('qty < 50');
  await sqlTab(d).click();
  assert.equal(await previewMatching(d, /ALTER POLICY/), 'ALTER POLICY "small only" ON shop.purchases USING (qty < 50);');
  await d.getByRole('button', { name: 'Save' }).click();
  await d.waitFor({ state: 'detached' });
  assert.equal(db("SELECT pg_get_expr(polqual, polrelid) FROM pg_policy WHERE polname = 'small only'"), '(qty < 50)');
  await chooseInNodeMenu(page, treeItem(page, 'bump qty'), 'Properties…');
  d = await dialog(page, /^Properties of .*bump qty/);
  await d.getByRole('tab', { name: 'Definition' }).click();
  await waitUntil(async () => d.locator('#ddl-enabled').isChecked());
  await d.locator('#ddl-enabled').uncheck();
  await d.getByRole('button', { name: 'Save' }).click();
  await d.waitFor({ state: 'detached' });
  assert.equal(db("SELECT tgenabled FROM pg_trigger WHERE tgname = 'bump qty'"), 'D');
  assertNoErrors(browser.errors.filter((e) => !EXPECTED_FAILURES.test(e)));
});
