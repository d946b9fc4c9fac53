// What each statement of a dialog's SQL costs (issue 20): a table's
// Properties shows, under the script, the lock each statement takes, whether
// it rewrites, scans or builds, and the table's live size; the safer way is
// one click (CREATE INDEX CONCURRENTLY, a foreign key NOT VALID then
// VALIDATE after the commit, a lock_timeout preamble) and changes the
// script, which then runs as shown. At 1440x900 and 1024x768, light and dark.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { psql, pg as PG } from '../lib/pg.mjs';
import { screenshot } from './browser.mjs';
import { assertNoErrors, chooseInNodeMenu, dialog, expandTreeItem, openApp, previewMatching, treeItem, waitUntil } from './app.mjs';

const SERVER = 'e2e-ddl-costs';
const DB = 'e2e_ddl_costs';
const SCHEMA = 'costs';
const TABLE = 'orders';
const T = 'costs.orders'; // as quote_ident names it: the Properties' statements
const Q = '"costs"."orders"'; // as the create dialogs quote it

let tusk;
let browser;
let page;

const db = (sql) => psql(sql, { db: DB });

before(async () => {
  psql(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  psql(`CREATE DATABASE ${DB}`);
  db(`CREATE SCHEMA costs;
      CREATE TABLE costs.customers (id int PRIMARY KEY); INSERT INTO costs.customers SELECT generate_series(1, 100);
      CREATE TABLE costs.orders (id int NOT NULL, customer int, total numeric);
      INSERT INTO costs.orders SELECT g, g % 100 + 1, g FROM generate_series(1, 50000) g;`);
  ({ tusk, browser, page } = await openApp(SERVER, PG, { width: 1440, height: 900 }));
});

after(async () => {
  await browser?.close();
  await tusk?.stop();
  psql(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
});

async function shots(name) {
  for (const [w, h] of [[1440, 900], [1024, 768]]) {
    await page.setViewportSize({ width: w, height: h });
    await screenshot(page, `${name}-${w}-light`);
    await page.keyboard.press('Alt+Shift+T');
    await screenshot(page, `${name}-${w}-dark`);
    await page.keyboard.press('Alt+Shift+T');
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth), false, `the page scrolls sideways at ${w}px`);
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

test('Properties: each statement shows its lock and the table size; the safer form is one click and changes the script', async () => {
  await expandTreeItem(page, treeItem(page, SERVER));
  await expandTreeItem(page, treeItem(page, /^Databases \(\d+\)$/));
  await expandTreeItem(page, treeItem(page, DB));
  await expandTreeItem(page, treeItem(page, /^Schemas \(\d+\)$/));
  await expandTreeItem(page, treeItem(page, SCHEMA));
  await expandTreeItem(page, treeItem(page, /^Tables \(\d+\)$/));
  await chooseInNodeMenu(page, treeItem(page, TABLE), 'Properties…');
  const d = await dialog(page, `Properties of table ${SCHEMA}.${TABLE}`);

  await d.getByRole('tab', { name: /^Indexes/ }).click();
  await d.getByRole('button', { name: 'Add index' }).click();
  await d.getByLabel('Columns of new index 1').fill('customer');
  await d.getByLabel('Name of new index 1').fill('by customer');
  await d.getByRole('tab', { name: /^Constraints/ }).click();
  await d.getByRole('button', { name: 'Foreign key', exact: true }).click();
  await d.getByRole('combobox', { name: 'Columns', exact: true }).fill('customer');
  await d.getByLabel('References schema').fill(SCHEMA);
  await d.getByLabel('Table', { exact: true }).fill('customers');
  await d.getByLabel('Columns', { exact: true }).last().fill('id');

  await d.getByRole('tab', { name: 'SQL', exact: true }).click();
  let sql = await previewMatching(d, /CREATE INDEX "by customer"/);
  assert.equal(sql, [
    `ALTER TABLE ${T} ADD FOREIGN KEY ("customer") REFERENCES "costs"."customers" ("id");`,
    `CREATE INDEX "by customer" ON ${T} ("customer");`,
  ].join('\n'));
  const costs = d.getByRole('region', { name: 'What each statement costs' });
  const size = Number(db(`SELECT pg_total_relation_size('costs.orders')`));
  const mib = `${(size / 1048576).toFixed(1)} MiB`;
  await waitUntil(async () => /SHARE lock/.test(await costs.innerText()));
  const text = await costs.innerText();
  assert.match(text, /SHARE ROW EXCLUSIVE lock · scans the table · costs\.orders/);
  assert.match(text, /SHARE lock · builds an index · costs\.orders/);
  assert.ok(text.includes(`costs.orders, ${mib}`), `the table's live size (${size} bytes, ${mib}): ${text}`);
  await shots('ddl-costs-properties');

  // one click each: the index CONCURRENTLY, the foreign key NOT VALID then VALIDATE after the commit
  await costs.getByRole('button', { name: 'Use CONCURRENTLY' }).click();
  sql = await previewMatching(d, /CREATE INDEX CONCURRENTLY/);
  assert.match(sql, /-- after COMMIT, each on its own[^\n]*\nCREATE INDEX CONCURRENTLY "by customer" ON costs\.orders \("customer"\);$/);
  await costs.getByRole('button', { name: 'Use NOT VALID, then VALIDATE' }).click();
  sql = await previewMatching(d, /VALIDATE CONSTRAINT/);
  assert.match(sql, /^ALTER TABLE costs\.orders ADD CONSTRAINT "orders_customer_fkey" FOREIGN KEY \("customer"\) REFERENCES "costs"\."customers" \("id"\) NOT VALID;\n/);
  assert.match(sql, /\nALTER TABLE costs\.orders VALIDATE CONSTRAINT "orders_customer_fkey";/);
  await costs.getByRole('button', { name: 'Add lock_timeout' }).click();
  sql = await previewMatching(d, /^SET LOCAL lock_timeout/);
  assert.match(sql, /^SET LOCAL lock_timeout = '5s';\nALTER TABLE costs\.orders ADD CONSTRAINT/);
  await waitUntil(async () => /lock_timeout is set/.test(await costs.innerText()));
  assert.equal(await costs.getByRole('button', { name: /Use |Add lock_timeout/ }).count(), 0, 'every safer form is taken');
  // the switches are the form's own fields
  await d.getByRole('tab', { name: /^Indexes/ }).click();
  assert.equal(await d.getByLabel('Create new index 1 concurrently').isChecked(), true);
  await d.getByRole('tab', { name: /^Constraints/ }).click();
  assert.equal(await d.getByRole('checkbox', { name: /then VALIDATE after the commit/ }).isChecked(), true);
  await d.getByRole('tab', { name: 'SQL', exact: true }).click();
  await previewMatching(d, /^SET LOCAL lock_timeout/);
  await shots('ddl-costs-safer');

  await d.getByRole('button', { name: 'Save' }).click();
  await d.waitFor({ state: 'detached' });
  assert.equal(db(`SELECT conname || ':' || convalidated FROM pg_constraint WHERE conrelid = 'costs.orders'::regclass AND contype = 'f'`), 'orders_customer_fkey:true');
  assert.equal(db(`SELECT indisvalid FROM pg_index WHERE indexrelid = 'costs."by customer"'::regclass`), 't');
  assertNoErrors(browser.errors);
});

test('the create index dialog: the lock, and CONCURRENTLY one click away', async () => {
  await chooseInNodeMenu(page, treeItem(page, TABLE), 'Index…');
  const d = await dialog(page, `Create Index in ${SCHEMA}.${TABLE}`);
  await d.locator('#ddl-index-col-total').check();
  await d.getByRole('tab', { name: 'SQL', exact: true }).click();
  await previewMatching(d, /CREATE INDEX ON/);
  const costs = d.getByRole('region', { name: 'What each statement costs' });
  await waitUntil(async () => /SHARE lock · builds an index/.test(await costs.innerText()));
  await costs.getByRole('button', { name: 'Use CONCURRENTLY' }).click();
  assert.equal(await previewMatching(d, /CONCURRENTLY/), `CREATE INDEX CONCURRENTLY ON ${Q} ("total");`);
  await waitUntil(async () => /SHARE UPDATE EXCLUSIVE lock/.test(await costs.innerText()));
  await shots('ddl-costs-create-index');
  await d.getByRole('button', { name: 'Save' }).click();
  await d.waitFor({ state: 'detached' });
  assert.equal(db(`SELECT count(*) FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] WHERE i.indrelid = 'costs.orders'::regclass AND a.attname = 'total' AND i.indisvalid`), '1');
  assertNoErrors(browser.errors);
});

test('the Drop dialog shows the lock the DROP takes and the table’s size; Cancel drops nothing', async () => {
  await chooseInNodeMenu(page, treeItem(page, TABLE), 'Drop…');
  const d = await dialog(page, 'Drop table');
  const costs = d.getByRole('region', { name: 'What each statement costs' });
  await waitUntil(async () => (await costs.count()) > 0 && /ACCESS EXCLUSIVE lock/.test(await costs.innerText()));
  assert.match(await costs.innerText(), /ACCESS EXCLUSIVE lock · costs\.orders, [\d.]+ MiB/);
  await shots('ddl-costs-drop');
  await d.getByRole('button', { name: 'Cancel' }).click();
  await d.waitFor({ state: 'detached' });
  assert.equal(db(`SELECT to_regclass('costs.orders') IS NOT NULL`), 't');
  assertNoErrors(browser.errors);
});
