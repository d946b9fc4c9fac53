// A table's Properties (issue 18 item 4): Columns, Constraints and Indexes
// tabs loaded from the table as it is; the edits become one ALTER script in
// the SQL tab, Save runs it; PostgreSQL's refusal shows in place and keeps
// everything typed. At 1440x900 and 1024x768, light and dark.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { psql, pg as PG } from '../lib/pg.mjs';
import { screenshot } from './browser.mjs';
import { assertNoErrors, chooseInNodeMenu, dialog, expandTreeItem, openApp, previewMatching, treeItem } from './app.mjs';

const SERVER = 'e2e-table-props';
const DB = 'e2e_table_props';
const SCHEMA = 'shop "x" on y';
const TABLE = 'order lines ü';
const TITLE = `Properties of table ${SCHEMA}.${TABLE}`;
// the refused save (409) is an answer the dialog shows; the browser logs it as a failed load
const EXPECTED_FAILURES = /the server responded with a status of (400|409)/;

let tusk;
let browser;
let page;

const db = (sql) => psql(sql, { db: DB });
const rel = `'"shop ""x"" on y"."order lines ü"'::regclass`;

before(async () => {
  psql(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  psql(`CREATE DATABASE ${DB}`);
  db(`CREATE SCHEMA "shop ""x"" on y";
      CREATE TABLE "shop ""x"" on y"."order lines ü" (id int NOT NULL, item text DEFAULT 'apple', qty text, "old note" text);
      INSERT INTO "shop ""x"" on y"."order lines ü" VALUES (1, 'pear', '2', 'a'), (2, 'fig', '3', 'b');
      CREATE INDEX "lines by qty" ON "shop ""x"" on y"."order lines ü" (qty);
      ALTER TABLE "shop ""x"" on y"."order lines ü" ADD CONSTRAINT "qty set" CHECK (qty IS NOT NULL);`);
  ({ tusk, browser, page } = await openApp(SERVER, PG, { width: 1440, height: 900 }));
});

after(async () => {
  await browser?.close();
  await tusk?.stop();
  psql(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
});

const sqlTab = (d) => d.getByRole('tab', { name: 'SQL', exact: true });

/** PNGs at both sizes and in both themes, for looking at. */
async function shots(name) {
  for (const [w, h] of [[1440, 900], [1024, 768]]) {
    await page.setViewportSize({ width: w, height: h });
    await screenshot(page, `${name}-${w}-light`);
    await page.keyboard.press('Alt+Shift+T');
    await screenshot(page, `${name}-${w}-dark`);
    await page.keyboard.press('Alt+Shift+T');
    // nothing in the dialog is wider than the window
    const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    assert.equal(wide, false, `the page scrolls sideways at ${w}px`);
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}

async function openProperties() {
  await chooseInNodeMenu(page, treeItem(page, TABLE), 'Properties…');
  const d = await dialog(page, TITLE);
  await d.getByRole('tab', { name: /^Columns \(4\)$/ }).click();
  await d.getByLabel('Name of column 4').waitFor();
  return d;
}

test('Properties of a table edits columns, constraints and indexes as one script', async () => {
  await expandTreeItem(page, treeItem(page, SERVER));
  await expandTreeItem(page, treeItem(page, /^Databases \(\d+\)$/));
  await expandTreeItem(page, treeItem(page, DB));
  await expandTreeItem(page, treeItem(page, /^Schemas \(\d+\)$/));
  await expandTreeItem(page, treeItem(page, SCHEMA));
  await expandTreeItem(page, treeItem(page, /^Tables \(\d+\)$/));
  const d = await openProperties();

  // the columns as the table has them
  assert.equal(await d.getByLabel('Name of column 2').inputValue(), 'item');
  assert.equal(await d.getByLabel('Type of column 3').inputValue(), 'text');
  assert.equal(await d.getByLabel('Default of column 2').inputValue(), "'apple'::text");
  assert.equal(await d.getByLabel('Column 1 not null').isChecked(), true);

  await d.getByLabel('Type of column 3').fill('integer');
  await d.getByLabel('USING expression of column 3').fill('qty::integer');
  await d.getByLabel('Name of column 2').fill('item name');
  await d.getByLabel('Identity of column 1').selectOption('always');
  await d.getByRole('button', { name: 'Drop column old note' }).click();
  await d.getByRole('button', { name: 'Add column' }).click();
  await d.getByLabel('Name of column 5').fill('added at');
  await d.getByLabel('Type of column 5').fill('timestamptz');
  await d.getByLabel('Default of column 5').fill('now()');
  await shots('table-props-columns');

  await d.getByRole('tab', { name: /^Constraints/ }).click();
  assert.match(await d.getByRole('list', { name: 'Constraints of the table' }).innerText(), /CHECK \(\(qty IS NOT NULL\)\)/);
  await d.getByRole('button', { name: 'Drop constraint qty set' }).click();
  await d.getByRole('button', { name: 'Primary key', exact: true }).click();
  await d.getByRole('combobox', { name: 'Columns', exact: true }).fill('id');
  await d.getByRole('button', { name: 'Check', exact: true }).click();
  await d.getByLabel('Check expression').fill('qty > 0');
  await d.getByRole('checkbox', { name: /NOT VALID/ }).check();
  await shots('table-props-constraints');

  await d.getByRole('tab', { name: /^Indexes/ }).click();
  await d.getByLabel('Name of lines by qty').fill('lines by quantity');
  await d.getByRole('button', { name: 'Add index' }).click();
  await d.getByLabel('Columns of new index 1').fill('item name');
  await d.getByLabel('Name of new index 1').fill('by item');
  await d.getByLabel('New index 1 unique').check();
  await shots('table-props-indexes');

  await sqlTab(d).click();
  const T = '"shop ""x"" on y"."order lines ü"';
  const sql = await previewMatching(d, /CREATE UNIQUE INDEX "by item"/);
  assert.equal(sql, [
    `ALTER TABLE ${T} DROP CONSTRAINT "qty set";`,
    `ALTER TABLE ${T} DROP COLUMN "old note";`,
    `ALTER TABLE ${T} ALTER COLUMN "id" ADD GENERATED ALWAYS AS IDENTITY;`,
    `ALTER TABLE ${T} RENAME COLUMN "item" TO "item name";`,
    `ALTER TABLE ${T} ALTER COLUMN "qty" TYPE integer USING qty::integer;`,
    `ALTER TABLE ${T} ADD COLUMN "added at" timestamptz DEFAULT now();`,
    `ALTER TABLE ${T} ADD PRIMARY KEY ("id");`,
    `ALTER TABLE ${T} ADD CHECK (qty > 0) NOT VALID;`,
    `ALTER INDEX "shop ""x"" on y"."lines by qty" RENAME TO "lines by quantity";`,
    `CREATE UNIQUE INDEX "by item" ON ${T} ("item name");`,
  ].join('\n'));
  assert.equal(db(`SELECT count(*) FROM pg_attribute WHERE attrelid = ${rel} AND attname = 'old note' AND NOT attisdropped`), '1', 'a preview changes nothing');
  await shots('table-props-sql');

  await d.getByRole('button', { name: 'Save' }).click();
  await d.waitFor({ state: 'detached' });
  assert.equal(db(`SELECT string_agg(attname || ':' || format_type(atttypid, atttypmod) || ':' || attidentity::text, ',' ORDER BY attnum) FROM pg_attribute WHERE attrelid = ${rel} AND attnum > 0 AND NOT attisdropped`),
    'id:integer:a,item name:text:,qty:integer:,added at:timestamp with time zone:');
  assert.equal(db(`SELECT string_agg(contype::text || ':' || convalidated, ',' ORDER BY contype) FROM pg_constraint WHERE conrelid = ${rel}`), 'c:false,p:true');
  assert.equal(db(`SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class WHERE oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = ${rel})`), 'by item,lines by quantity,order lines ü_pkey');
});

test('a refused edit shows PostgreSQL’s error in place and keeps what was typed', async () => {
  const d = await openProperties();
  // the columns read again: the dropped one is gone, the new one is there
  assert.equal(await d.getByLabel('Name of column 4').inputValue(), 'added at');
  await d.getByLabel('Default of column 2').fill('');
  await d.getByLabel('Type of column 2').fill('integer');
  await d.getByLabel('USING expression of column 2').fill('"item name"::integer');
  await d.getByRole('button', { name: 'Add column' }).click();
  await d.getByLabel('Name of column 5').fill('note');
  await d.getByLabel('Type of column 5').fill('text');
  await d.getByRole('button', { name: 'Save' }).click();
  const alert = d.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.innerText(), /22P02[\s\S]*invalid input syntax for type integer/);
  // nothing typed is lost and nothing ran
  assert.equal(await d.getByLabel('Type of column 2').inputValue(), 'integer');
  assert.equal(await d.getByLabel('Name of column 5').inputValue(), 'note');
  assert.equal(db(`SELECT count(*) FROM pg_attribute WHERE attrelid = ${rel} AND attname = 'note'`), '0');
  await shots('table-props-error');
  await d.getByRole('button', { name: 'Cancel' }).click();
  await d.waitFor({ state: 'detached' });
  assertNoErrors(browser.errors.filter((e) => !EXPECTED_FAILURES.test(e)));
});
