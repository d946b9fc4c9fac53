// Schema diagrams in the browser: opened from a schema's menu in the
// explorer, the tables and their foreign keys are drawn; clicking a table
// highlights it and its neighbours; the search finds a table; the diagram
// narrows to a table's neighbours; the DDL panel shows the tables' DDL; the
// diagram exports as a standalone SVG (checked by parsing it) and as PNG;
// both themes; and a database's diagram offers its schemas.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { psql, pg as PG } from '../lib/pg.mjs';
import { openBrowser, screenshot } from './browser.mjs';
import { ADMIN, addConnectedServer, assertNoErrors, chooseInNodeMenu, expandTreeItem, logIn, startServer, treeItem, waitUntil } from './app.mjs';

const SERVER = 'e2e-erd';
const DB = 'e2e_erd';

// A small shop: composite keys, a self-reference, keys to another schema, an odd name, a view.
const FIXTURE = `
  CREATE SCHEMA shop; CREATE SCHEMA ref;
  CREATE TABLE ref.country (code char(2) PRIMARY KEY, name text NOT NULL);
  CREATE TABLE ref.currency (code char(3) PRIMARY KEY, name text NOT NULL, minor_units smallint NOT NULL DEFAULT 2);
  CREATE TABLE shop.customer (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE,
    full_name text NOT NULL, country char(2) REFERENCES ref.country, referred_by bigint REFERENCES shop.customer,
    created_at timestamptz NOT NULL DEFAULT now());
  CREATE TABLE shop.address (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_id bigint NOT NULL REFERENCES shop.customer ON DELETE CASCADE,
    line1 text NOT NULL, line2 text, city text NOT NULL, postcode varchar(16), country char(2) NOT NULL REFERENCES ref.country);
  CREATE TABLE shop.category (id integer PRIMARY KEY, parent_id integer REFERENCES shop.category, name text NOT NULL);
  CREATE TABLE shop.product (id integer PRIMARY KEY, sku varchar(32) NOT NULL UNIQUE, name text NOT NULL,
    price numeric(12,2) NOT NULL, currency char(3) NOT NULL REFERENCES ref.currency, discontinued boolean NOT NULL DEFAULT false);
  CREATE TABLE shop.product_category (product_id integer REFERENCES shop.product, category_id integer REFERENCES shop.category,
    PRIMARY KEY (product_id, category_id));
  CREATE TABLE shop."order" (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_id bigint NOT NULL REFERENCES shop.customer,
    ship_to bigint REFERENCES shop.address, placed_at timestamptz NOT NULL DEFAULT now(), status text NOT NULL DEFAULT 'new',
    currency char(3) NOT NULL REFERENCES ref.currency);
  CREATE TABLE shop.order_line (order_id bigint REFERENCES shop."order" ON DELETE CASCADE, line_no smallint,
    product_id integer NOT NULL REFERENCES shop.product, quantity integer NOT NULL CHECK (quantity > 0),
    unit_price numeric(12,2) NOT NULL, PRIMARY KEY (order_id, line_no));
  CREATE TABLE shop.payment (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, order_id bigint NOT NULL REFERENCES shop."order",
    amount numeric(12,2) NOT NULL, paid_at timestamptz, method text NOT NULL);
  CREATE TABLE shop.shipment (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, order_id bigint NOT NULL UNIQUE REFERENCES shop."order",
    carrier text, tracking_no text, shipped_at timestamptz);
  CREATE TABLE shop."Product Review ✓" (product_id integer NOT NULL REFERENCES shop.product, customer_id bigint NOT NULL REFERENCES shop.customer,
    stars smallint NOT NULL, body text, PRIMARY KEY (product_id, customer_id));
  CREATE TABLE shop.audit_log (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), actor text, action text NOT NULL, payload jsonb);
  CREATE VIEW shop.open_orders AS SELECT id, customer_id, placed_at FROM shop."order" WHERE status <> 'done';
  COMMENT ON TABLE shop.customer IS 'People who buy';
`;
const TABLES = ['customer', 'address', 'category', 'product', 'product_category', 'order', 'order_line', 'payment', 'shipment', 'Product Review ✓', 'audit_log'];

let tusk;
let browser;
let page;

before(async () => {
  psql(`DROP DATABASE IF EXISTS ${DB}`);
  psql(`CREATE DATABASE ${DB}`);
  psql(FIXTURE, { db: DB });
  tusk = await startServer();
  browser = await openBrowser({ width: 1440, height: 900 });
  page = browser.page;
  await page.goto(tusk.url);
  await logIn(page, ADMIN.email, ADMIN.password);
  await addConnectedServer(page, SERVER, PG);
});

after(async () => {
  await browser?.close();
  await tusk?.stop();
  psql(`DROP DATABASE IF EXISTS ${DB}`);
});

const diagram = () => page.locator('.erd[data-state="ready"]').filter({ visible: true });
const table = (name) => diagram().locator(`g.erd-table[data-name="${name}"]`);

test('a schema diagram from the explorer: tables, keys, neighbours, search, DDL, SVG and PNG export', async () => {
  await expandTreeItem(page, treeItem(page, SERVER));
  await expandTreeItem(page, treeItem(page, /^Databases \(\d+\)$/));
  await expandTreeItem(page, treeItem(page, DB));
  await expandTreeItem(page, treeItem(page, /^Schemas \(\d+\)$/));
  await chooseInNodeMenu(page, treeItem(page, 'shop'), 'Schema Diagram (ERD)');
  await diagram().waitFor();
  assert.equal(await page.getByRole('tab', { name: /ERD — shop/ }).count(), 1);

  // every table of the schema (the view only on request) and the two tables of ref the keys lead to
  for (const name of TABLES) assert.equal(await table(name).count(), 1, name);
  assert.equal(await table('open_orders').count(), 0);
  assert.equal(await table('ref.country').count(), 1);
  assert.equal(await table('ref.currency').count(), 1);
  assert.equal(await diagram().locator('g.erd-table').count(), TABLES.length + 2);
  // 17 foreign keys, each an edge with a route
  const edges = diagram().locator('.erd-edges path.erd-edge');
  assert.equal(await edges.count(), 17);
  for (const d of await edges.evaluateAll((paths) => paths.map((p) => p.getAttribute('d')))) assert.match(d, /^M[\d.-]+,[\d.-]+(L|Q)/);
  // the key markers: order_line's composite key, customer's foreign key to itself
  assert.equal(await table('order_line').locator('.erd-i-pk').count(), 2);
  assert.equal(await table('customer').locator('.erd-i-fk').count(), 2);
  assert.match(await table('order').locator('.erd-type').first().textContent(), /bigint/);
  assert.match(await page.locator('.erd-summary').textContent(), /11 tables · 17 foreign keys/);
  await screenshot(page, 'erd-light');

  // clicking a table highlights it and its neighbours and dims the rest
  await table('order').locator('.erd-head').click();
  await waitUntil(async () => (await table('order').getAttribute('class')).includes('is-selected'));
  const near = await diagram().locator('g.erd-table.is-near').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-name')).sort());
  assert.deepEqual(near, ['address', 'customer', 'order_line', 'payment', 'ref.currency', 'shipment']);
  assert.equal(await diagram().locator('.erd-edges-hot path.is-hot').count(), 6);
  assert.equal(await table('audit_log').evaluate((g) => getComputedStyle(g).opacity), '0.28');
  // the Tables panel says what it references and what references it
  await page.getByRole('button', { name: 'Tables', exact: true }).click();
  const details = page.getByRole('region', { name: 'order details' });
  await details.getByRole('button', { name: 'customer' }).waitFor();
  await details.getByRole('button', { name: 'order_line' }).waitFor();
  await screenshot(page, 'erd-selected');

  // Escape on the canvas clears the selection; the search finds and selects a table
  await page.locator('svg.erd-canvas').filter({ visible: true }).press('Escape');
  await waitUntil(async () => (await diagram().locator('g.erd-table.is-selected').count()) === 0);
  const search = page.getByRole('searchbox', { name: 'Find a table' });
  await search.fill('review');
  await search.press('Enter');
  await waitUntil(async () => (await table('Product Review ✓').getAttribute('class')).includes('is-selected'));
  await search.fill('');

  // narrowing to the neighbours of a table lays out only them; Ctrl+click chooses more tables
  const names = () => diagram().locator('g.erd-table').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-name')).sort());
  await page.getByRole('listbox', { name: 'Tables in the diagram' }).getByRole('option', { name: /^audit_log/ }).click({ modifiers: ['Control'] });
  await waitUntil(async () => (await diagram().locator('g.erd-table.is-selected').count()) === 2);
  await page.getByRole('button', { name: 'Neighbours only' }).click();
  await waitUntil(async () => (await diagram().locator('g.erd-table').count()) === 4);
  assert.deepEqual(await names(), ['Product Review ✓', 'audit_log', 'customer', 'product']);
  await page.getByRole('combobox', { name: 'How far around' }).selectOption('0');
  await waitUntil(async () => (await diagram().locator('g.erd-table').count()) === 2);
  assert.deepEqual(await names(), ['Product Review ✓', 'audit_log']);
  await page.getByRole('button', { name: 'Show all tables' }).click();
  await waitUntil(async () => (await diagram().locator('g.erd-table').count()) === TABLES.length + 2);

  // the DDL of the tables shown, referenced tables first
  await page.getByRole('button', { name: 'DDL', exact: true }).click();
  const ddl = page.getByRole('textbox', { name: "DDL of the diagram's tables" });
  await ddl.waitFor();
  assert.match(await ddl.textContent(), /-- 11 relations of shop in database e2e_erd, referenced tables first/);
  const [sql] = await Promise.all([page.waitForEvent('download'), page.getByRole('complementary', { name: 'DDL' }).getByRole('button', { name: 'Download' }).click()]);
  assert.equal(sql.suggestedFilename(), 'e2e_erd-shop-erd.sql');
  const text = await readFile(await sql.path(), 'utf8');
  for (const name of ['customer', 'address', 'order_line', '"order"', '"Product Review ✓"']) assert.ok(text.includes(`CREATE TABLE shop.${name} (`), name);
  assert.ok(text.indexOf('CREATE TABLE shop.customer (') < text.indexOf('CREATE TABLE shop.address ('), 'referenced before referencing');
  assert.ok(text.indexOf('CREATE TABLE shop."order" (') < text.indexOf('CREATE TABLE shop.order_line ('), 'referenced before referencing');

  // export as SVG: a standalone document with every table's name
  await page.getByRole('button', { name: 'Export the diagram' }).click();
  const [svgDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: 'SVG image' }).click()]);
  assert.equal(svgDownload.suggestedFilename(), 'e2e_erd-shop-erd.svg');
  const svg = await readFile(await svgDownload.path(), 'utf8');
  assert.match(svg, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.doesNotMatch(svg, /class="/, 'no class left: every style is inline');
  const parsed = await page.evaluate((source) => {
    const doc = new DOMParser().parseFromString(source, 'image/svg+xml');
    const texts = [...doc.querySelectorAll('text')].map((t) => t.textContent);
    return { error: doc.querySelector('parsererror')?.textContent ?? null, root: doc.documentElement.localName, texts, paths: doc.querySelectorAll('path[marker-end]').length };
  }, svg);
  assert.equal(parsed.error, null);
  assert.equal(parsed.root, 'svg');
  for (const name of TABLES) assert.ok(parsed.texts.includes(name), `the SVG names ${name}`);
  assert.equal(parsed.paths, 17);

  // and as PNG
  await page.getByRole('button', { name: 'Export the diagram' }).click();
  const [pngDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: 'PNG image' }).click()]);
  const png = await readFile(await pngDownload.path());
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
  assert.ok(png.length > 20_000, `a PNG of ${png.length} bytes`);

  // dark theme
  await page.getByRole('button', { name: 'DDL', exact: true }).click();
  await page.keyboard.press('Alt+Shift+T');
  await page.locator('svg.erd-canvas').filter({ visible: true }).focus();
  await page.keyboard.press('Escape');
  await page.keyboard.press('0');
  await screenshot(page, 'erd-dark');
  await page.keyboard.press('Alt+Shift+T');
  assertNoErrors(browser.errors);
});

test('the keyboard pans, zooms and steps through the tables', async () => {
  const canvas = page.locator('svg.erd-canvas').filter({ visible: true });
  await canvas.focus();
  const transform = () => diagram().locator('g.erd-world').getAttribute('transform');
  const zoom = page.getByRole('button', { name: 'Actual size' });
  const before = await zoom.textContent();
  await page.keyboard.press('+');
  await waitUntil(async () => (await zoom.textContent()) !== before);
  const moved = await transform();
  await page.keyboard.press('ArrowRight');
  await waitUntil(async () => (await transform()) !== moved);
  await page.keyboard.press(']');
  await waitUntil(async () => (await diagram().locator('g.erd-table.is-selected').count()) === 1);
  assertNoErrors(browser.errors);
});

test('the Show menu adds views and narrows the tables to their key columns', async () => {
  const show = async (item) => {
    await page.getByRole('button', { name: 'What the diagram shows' }).click();
    await page.getByRole('menuitemradio', { name: item }).click();
  };
  await show('Views and materialized views (1)');
  await waitUntil(async () => (await table('open_orders').count()) === 1);
  assert.match(await table('open_orders').getAttribute('class'), /is-view/);
  await show('Key columns only');
  await waitUntil(async () => (await table('customer').locator('.erd-name').count()) === 4);
  assert.deepEqual(await table('customer').locator('.erd-name').allTextContents(), ['id', 'email', 'country', 'referred_by']);
  await show('Key columns only');
  await show('Views and materialized views (1)');
  await waitUntil(async () => (await table('open_orders').count()) === 0);
  await waitUntil(async () => (await table('customer').locator('.erd-name').count()) === 6);
  assertNoErrors(browser.errors);
});

test('a database diagram offers its schemas', async () => {
  await chooseInNodeMenu(page, treeItem(page, DB), 'Schema Diagram (ERD)');
  const schema = page.getByRole('combobox', { name: 'Schema' });
  await schema.waitFor();
  await schema.selectOption('ref');
  await waitUntil(async () => (await table('country').count()) === 1);
  // its two tables, and the tables of shop whose keys lead to them
  assert.deepEqual((await diagram().locator('g.erd-table:not(.is-external)').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-name')))).sort(), ['country', 'currency']);
  assert.deepEqual((await diagram().locator('g.erd-table.is-external').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-name')))).sort(), ['shop.address', 'shop.customer', 'shop.order', 'shop.product']);
  assert.equal(await diagram().locator('.erd-edges path').count(), 4);
  await page.getByRole('button', { name: 'What the diagram shows' }).click();
  await page.getByRole('menuitemradio', { name: 'Tables outside the schema that keys join' }).click();
  await waitUntil(async () => (await diagram().locator('g.erd-table').count()) === 2);
  assert.equal(await diagram().locator('.erd-edges path').count(), 0);
  assertNoErrors(browser.errors);
});

test("a table's Schema Diagram brings its schema's diagram to the front with the table selected", async () => {
  await expandTreeItem(page, treeItem(page, 'shop'));
  await expandTreeItem(page, treeItem(page, /^Tables \(\d+\)$/));
  await chooseInNodeMenu(page, treeItem(page, 'payment'), 'Schema Diagram (ERD)');
  assert.equal(await page.getByRole('tab', { name: /ERD — shop/ }).getAttribute('aria-selected'), 'true');
  await waitUntil(async () => ((await table('payment').getAttribute('class')) ?? '').includes('is-selected'));
  assert.equal(await page.getByRole('tab', { name: /ERD — shop/ }).count(), 1);
  assertNoErrors(browser.errors);
});
