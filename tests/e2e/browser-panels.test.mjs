// The object explorer below a database against the real server and the test
// cluster: collections with counts, the object tab that follows the
// selection (Properties, SQL, Statistics, Dependencies; a collection's grid
// of members, paged), View/Edit Data from a table's menu, and Drop with its
// SQL preview and PostgreSQL's refusal.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { psql, pg as PG } from '../lib/pg.mjs';
import { screenshot } from './browser.mjs';
import { ADMIN, assertNoErrors, chooseInNodeMenu, dialog, expandTreeItem, openApp, selectTreeItem, treeItem, waitUntil } from './app.mjs';

const SERVER = 'e2e-panels';
const DB = 'e2e_panels';

// Answers the page expects (a refused drop, a kind without DDL) are logged by
// the browser as failed loads; they are not errors of the page.
const EXPECTED_FAILURES = /the server responded with a status of (409|422)/;

let tusk;
let browser;
let page;

const ROLE = 'e2e_panels_reader';
const BIG = 250;

function dropDatabase() {
  psql(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  psql(`DROP ROLE IF EXISTS ${ROLE}`);
}

before(async () => {
  dropDatabase();
  psql(`CREATE DATABASE ${DB}`);
  psql(`CREATE ROLE ${ROLE}`);
  psql(
    'CREATE SCHEMA cat; ' +
      'CREATE TABLE cat.parent (id int PRIMARY KEY, name text NOT NULL, qty int); ' +
      "COMMENT ON TABLE cat.parent IS 'Things with children'; " +
      'CREATE INDEX parent_name ON cat.parent (name); ' +
      'CREATE VIEW cat.v_parent AS SELECT id, name FROM cat.parent; ' +
      "INSERT INTO cat.parent VALUES (1, 'apple', 3), (2, 'pear', NULL), (3, 'plum', 7);",
    { db: DB },
  );
  // more tables than one page of a collection's grid
  psql(
    `CREATE SCHEMA big; DO $$ BEGIN FOR i IN 1..${BIG} LOOP ` +
      "EXECUTE format('CREATE TABLE big.%I (id int)', 'big_' || lpad(i::text, 3, '0')); END LOOP; END $$; " +
      "COMMENT ON TABLE big.big_001 IS 'The first of many';",
    { db: DB },
  );
  ({ tusk, browser, page } = await openApp(SERVER, PG));
});

after(async () => {
  await browser?.close();
  await tusk?.stop();
  dropDatabase();
});

const objectTab = () => page.locator('.tab-panel:not([hidden]) .object-tab');
const section = (name) => objectTab().getByRole('tablist', { name: 'Object sections' }).getByRole('tab', { name, exact: true });

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

test('the tree shows a database, its schema and a table with their collections', async () => {
  await expandTreeItem(page, treeItem(page, SERVER));
  await expandTreeItem(page, treeItem(page, /^Databases \(\d+\)$/));
  await expandTreeItem(page, treeItem(page, DB));
  await treeItem(page, 'Extensions (1)').waitFor();
  assert.equal(await treeItem(page, 'Casts (0)').getAttribute('class').then((c) => c.includes('is-dimmed')), true, 'empty collections are dimmed');
  await expandTreeItem(page, treeItem(page, /^Schemas \(\d+\)$/));
  await expandTreeItem(page, treeItem(page, 'cat'));
  await treeItem(page, 'Views (1)').waitFor();
  await treeItem(page, 'Trigger Functions (0)').waitFor();
  await expandTreeItem(page, treeItem(page, 'Tables (1)'));
  await expandTreeItem(page, treeItem(page, 'parent'));
  await treeItem(page, 'Columns (3)').waitFor();
  await treeItem(page, 'Indexes (2)').waitFor();
  await treeItem(page, 'Constraints (1)').waitFor();
});

test('selecting the table shows it in the object tab: properties, SQL, statistics, dependencies', async () => {
  await selectTreeItem(treeItem(page, 'parent'));
  await page.getByRole('tab', { name: 'table cat.parent' }).waitFor();
  const props = objectTab().getByRole('table', { name: 'Properties' });
  const owner = props.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Owner', exact: true }) });
  assert.equal(await owner.getByRole('cell').innerText(), PG.user);
  await props.getByRole('cell', { name: 'Things with children' }).waitFor();
  await bothThemes('object-properties');

  await section('SQL').click();
  const sql = objectTab().locator('.cm-content');
  await sql.getByText('CREATE TABLE cat.parent', { exact: false }).waitFor();
  assert.match(await sql.innerText(), /CREATE INDEX parent_name ON cat\.parent/);
  await bothThemes('object-sql');

  await objectTab().getByRole('button', { name: 'Open in Query Tool' }).click();
  await page.getByRole('tab', { name: `${DB} on ${SERVER}` }).waitFor();
  const editor = page.locator('.tab-panel:not([hidden]) .query-editor .cm-content');
  await editor.getByText('CREATE TABLE cat.parent', { exact: false }).waitFor();
  await page.getByRole('tab', { name: 'table cat.parent' }).click();

  await section('Statistics').click();
  await objectTab().getByRole('table', { name: 'Statistics' }).getByRole('rowheader', { name: 'Live tuples' }).waitFor();

  await section('Dependencies').click();
  const referenced = objectTab().getByRole('region', { name: 'Referenced by' });
  await referenced.getByRole('cell', { name: /view cat\.v_parent/ }).first().waitFor();
  const dependsOn = objectTab().getByRole('region', { name: 'Depends on' });
  await dependsOn.getByRole('cell', { name: 'schema cat' }).waitFor();
});

test('the object tab follows the selection and says calmly what the server cannot show', async () => {
  await expandTreeItem(page, treeItem(page, 'Columns (3)'));
  await page.getByRole('tab', { name: `${DB} on ${SERVER}` }).click();
  await selectTreeItem(treeItem(page, 'qty integer'));
  await page.getByRole('tab', { name: 'column cat.parent.qty' }).waitFor();
  assert.equal(await page.getByRole('tab', { name: /^table cat\.parent/ }).count(), 0, 'one object tab, retitled');
  assert.equal(await objectTab().count(), 0, 'the query tab in front stays in front');
  await page.keyboard.press('Enter');
  await section('Properties').click();
  await objectTab().getByRole('table', { name: 'Properties' }).getByRole('cell', { name: 'integer', exact: true }).waitFor();

  await expandTreeItem(page, treeItem(page, 'Languages (1)'));
  await selectTreeItem(treeItem(page, 'plpgsql'));
  await page.getByRole('tab', { name: 'language plpgsql' }).waitFor();
  await section('SQL').click();
  await objectTab().getByText('CREATE EXTENSION IF NOT EXISTS plpgsql;', { exact: false }).waitFor();

  await expandTreeItem(page, treeItem(page, /^Login\/Group Roles \(\d+\)$/));
  await selectTreeItem(treeItem(page, ROLE));
  await objectTab().getByText(`CREATE ROLE ${ROLE};`, { exact: false }).waitFor();
  assert.equal(await objectTab().getByRole('alert').count(), 0, 'no error');
  await section('Properties').click();
  await objectTab().getByText('member_of', { exact: false }).or(objectTab().getByText('Member of', { exact: false })).first().waitFor();
});

test('selecting a collection shows its members in a grid that pages as it scrolls; Enter opens one', async () => {
  await expandTreeItem(page, treeItem(page, 'big'));
  await selectTreeItem(treeItem(page, `Tables (${BIG})`));
  await page.getByRole('tab', { name: 'Tables in big' }).waitFor();
  const grid = objectTab().getByRole('grid', { name: 'Tables in big' });
  const first = grid.getByRole('row').filter({ has: page.getByRole('gridcell', { name: 'big_001', exact: true }) });
  await first.getByRole('gridcell', { name: 'The first of many' }).waitFor();
  await first.getByRole('gridcell', { name: PG.user, exact: true }).waitFor();
  await objectTab().getByText(`${BIG} tables`).waitFor();
  const rendered = await grid.getByRole('row').count();
  assert.ok(rendered > 10 && rendered < 100, `only the rows in view are in the page (${rendered})`);
  await bothThemes('collection-grid');

  // the last rows come in a later page, fetched when scrolled to
  assert.equal(await grid.getByRole('gridcell', { name: `big_${BIG}`, exact: true }).count(), 0);
  await grid.evaluate((el) => {
    el.scrollTop = el.scrollHeight;
  });
  await grid.getByRole('gridcell', { name: `big_${BIG}`, exact: true }).waitFor();
  await grid.evaluate((el) => {
    el.scrollTop = 0;
  });
  await grid.getByRole('gridcell', { name: 'big_001', exact: true }).waitFor();

  // ordered by name on the server, descending on the second click
  const name = grid.getByRole('columnheader', { name: 'Name' });
  await name.getByRole('button').click();
  await waitUntil(async () => (await name.getAttribute('aria-sort')) === 'ascending');
  await name.getByRole('button').click();
  await waitUntil(async () => (await name.getAttribute('aria-sort')) === 'descending');
  await grid.getByRole('row').nth(1).getByRole('gridcell', { name: `big_${BIG}`, exact: true }).waitFor();
  await name.getByRole('button').click();
  await waitUntil(async () => (await name.getAttribute('aria-sort')) === null);
  await grid.getByRole('row').nth(1).getByRole('gridcell', { name: 'big_001', exact: true }).waitFor();

  // the keyboard moves the cursor; Enter opens the table in the tree and the tab
  await grid.focus();
  await page.keyboard.press('End');
  await grid.getByRole('row', { selected: true }).getByRole('gridcell', { name: `big_${BIG}`, exact: true }).waitFor();
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await grid.getByRole('row', { selected: true }).getByRole('gridcell', { name: 'big_003', exact: true }).waitFor();
  await page.keyboard.press('Enter');
  await page.getByRole('tab', { name: 'table big.big_003' }).waitFor();
  await waitUntil(async () => (await treeItem(page, 'big_003').getAttribute('aria-selected')) === 'true');
  await objectTab().getByRole('table', { name: 'Properties' }).getByRole('cell', { name: 'big_003', exact: true }).waitFor();

  // back up the tree, to the grid, and tidy the tree for the tests that follow
  await selectTreeItem(treeItem(page, 'big'));
  await page.keyboard.press('ArrowLeft');
  await treeItem(page, 'big_003').waitFor({ state: 'detached' });
});

test('View/Edit Data from the table menu opens its rows in a tab of their own, in key order; Last 100 Rows the other way', async () => {
  await chooseInNodeMenu(page, treeItem(page, 'parent'), 'All Rows');
  await page.getByRole('tab', { name: `cat.parent on ${SERVER}` }).waitFor();
  let grid = page.locator('.tab-panel:not([hidden])').getByRole('grid', { name: 'Data of parent' });
  await grid.getByRole('gridcell', { name: 'plum', exact: true }).waitFor({ timeout: 30_000 });
  const names = async () => (await grid.locator('.grid-row').allInnerTexts()).map((row) => row.split(/\t|\n/).find((c) => /^(apple|pear|plum)$/.test(c)));
  assert.deepEqual(await names(), ['apple', 'pear', 'plum'], 'ordered by the primary key');
  // the same table again: a second tab with a name of its own
  await chooseInNodeMenu(page, treeItem(page, 'parent'), 'Last 100 Rows');
  await page.getByRole('tab', { name: `cat.parent on ${SERVER} (2)` }).waitFor();
  grid = page.locator('.tab-panel:not([hidden])').getByRole('grid', { name: 'Data of parent' });
  await grid.getByRole('gridcell', { name: 'plum', exact: true }).waitFor({ timeout: 30_000 });
  assert.deepEqual(await names(), ['plum', 'pear', 'apple'], 'the last rows first');
});

test('Drop shows the SQL, runs it on confirmation, and the view leaves the tree', async () => {
  await expandTreeItem(page, treeItem(page, 'Views (1)'));
  await chooseInNodeMenu(page, treeItem(page, 'v_parent'), 'Drop…');
  const d = await dialog(page, 'Drop view');
  const sql = d.getByLabel('SQL to run');
  await sql.waitFor();
  assert.equal((await sql.innerText()).trim(), 'DROP VIEW cat.v_parent;');
  await dismissToasts();
  await bothThemes('object-drop');
  await d.getByRole('button', { name: 'Drop', exact: true }).click();
  await d.waitFor({ state: 'detached' });
  await treeItem(page, 'Views (0)').waitFor();
  // the count and the list reload separately: the row goes once its list is back
  await treeItem(page, 'v_parent').waitFor({ state: 'detached' });
  assert.equal(psql("SELECT count(*) FROM pg_views WHERE viewname = 'v_parent'", { db: DB }), '0');
});

test('a drop PostgreSQL refuses shows its message, detail and hint; Drop Cascade then takes the dependents', async () => {
  psql('CREATE VIEW cat.v_again AS SELECT id FROM cat.parent', { db: DB });
  await selectTreeItem(treeItem(page, 'parent'));
  await page.getByRole('tree', { name: 'Servers' }).press('Delete');
  const d = await dialog(page, 'Drop table');
  assert.equal((await d.getByLabel('SQL to run').innerText()).trim(), 'DROP TABLE cat.parent;');
  await d.getByRole('button', { name: 'Drop', exact: true }).click();
  const error = d.getByRole('alert');
  await error.getByText('2BP01').waitFor();
  await error.getByText('cannot drop table cat.parent because other objects depend on it').waitFor();
  await error.getByText('view cat.v_again depends on table cat.parent').waitFor();
  await error.getByText(/CASCADE/).waitFor();
  await screenshot(page, 'object-drop-refused-light');
  assert.equal(psql("SELECT count(*) FROM pg_tables WHERE tablename = 'parent'", { db: DB }), '1', 'nothing was dropped');

  await d.getByRole('button', { name: 'Drop Cascade…' }).click();
  const cascade = await dialog(page, 'Drop table (cascade)');
  assert.equal((await cascade.getByLabel('SQL to run').innerText()).trim(), 'DROP TABLE cat.parent CASCADE;');
  await cascade.getByRole('button', { name: 'Drop Cascade', exact: true }).click();
  await cascade.waitFor({ state: 'detached' });
  await treeItem(page, 'Tables (0)').waitFor();
  await treeItem(page, 'Views (0)').waitFor();
  await treeItem(page, 'parent').waitFor({ state: 'detached' });
  assert.equal(psql("SELECT count(*) FROM pg_class WHERE relname IN ('parent', 'v_again')", { db: DB }), '0');
});

test('Show system objects lists the catalog schemas', async () => {
  const toggle = page.getByRole('region', { name: 'Object explorer' }).getByRole('button', { name: 'Show system objects' });
  assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
  assert.equal(await treeItem(page, 'pg_catalog').count(), 0);
  await toggle.click();
  await treeItem(page, 'pg_catalog').waitFor();
  await toggle.click();
  await waitUntil(async () => (await treeItem(page, 'pg_catalog').count()) === 0);
  assertNoErrors(browser.errors.filter((e) => !EXPECTED_FAILURES.test(e)));
});
