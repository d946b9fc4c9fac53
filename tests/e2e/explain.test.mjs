// EXPLAIN in the query tool against the real server and a real query (a
// join, a sort, a LIMIT): the graphical plan with a node's details shown in
// place (click and keyboard), "slow" as a share of the query's time and
// never for a trivial one, a LIMIT's early stop not flagged as a
// misestimate, the Analysis and Statistics views, and the table view opening
// a row's details under it. At 1440x900 and 1024x768, light and dark.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { psql, pg as PG } from '../lib/pg.mjs';
import { screenshot } from './browser.mjs';
import { assertNoErrors, openApp, setEditorSql } from './app.mjs';

const SERVER = 'e2e-explain';
const SIZES = [
  [1440, 900],
  [1024, 768],
];
const JOIN_SORT_LIMIT =
  'SELECT c.region, o.id, o.total FROM e2e_x_orders o JOIN e2e_x_customers c ON c.id = o.customer_id WHERE o.total > 50 ORDER BY o.total DESC LIMIT 20';
const FIRST_BY_KEY = 'SELECT o.id, c.region FROM e2e_x_orders o JOIN e2e_x_customers c ON c.id = o.customer_id ORDER BY o.id LIMIT 10';

let tusk;
let browser;
let page;

before(async () => {
  psql(
    'DROP TABLE IF EXISTS e2e_x_orders, e2e_x_customers; ' +
      'CREATE TABLE e2e_x_customers (id int PRIMARY KEY, region text NOT NULL); ' +
      "INSERT INTO e2e_x_customers SELECT g, 'region ' || (g % 7) FROM generate_series(1, 2000) g; " +
      'CREATE TABLE e2e_x_orders (id int PRIMARY KEY, customer_id int NOT NULL REFERENCES e2e_x_customers, total numeric NOT NULL); ' +
      'INSERT INTO e2e_x_orders SELECT g, 1 + g % 2000, (g * 7919) % 1000 / 10.0 FROM generate_series(1, 100000) g; ' +
      'ANALYZE e2e_x_customers; ANALYZE e2e_x_orders;',
  );
  ({ tusk, browser, page } = await openApp(SERVER, PG, { width: 1440, height: 900 }));
  const server = page.getByRole('tree', { name: 'Servers' }).getByRole('treeitem', { name: SERVER, exact: true });
  await server.click({ button: 'right' });
  await page.getByRole('menu', { name: 'Object explorer menu' }).getByText('Query Tool', { exact: true }).click();
  await panel().getByRole('status', { name: 'Query status' }).getByText('Ready').waitFor();
});

after(async () => {
  await browser?.close();
  await tusk?.stop();
  psql('DROP TABLE IF EXISTS e2e_x_orders, e2e_x_customers');
});

const panel = () => page.locator('.tab-panel:not([hidden])');
const explain = () => panel().locator('.explain');
const diagram = () => explain().getByRole('tree', { name: 'Plan diagram' });
const nodes = () => diagram().getByRole('treeitem');
const details = () => explain().getByRole('complementary', { name: 'Node details' });

async function explainAnalyze(sql, button = 'Explain Analyze') {
  await setEditorSql(panel(), sql);
  await page.keyboard.press('Escape'); // the completion list, if the last word opened it
  const before = await explain().getByRole('combobox', { name: 'Plan' }).locator('option').count().catch(() => 0);
  await panel().getByRole('toolbar', { name: 'Query toolbar' }).getByRole('button', { name: button, exact: true }).click();
  await explain().getByRole('combobox', { name: 'Plan' }).locator('option').nth(before).waitFor({ state: 'attached', timeout: 30_000 });
}

async function view(name) {
  await explain().getByRole('group', { name: 'Plan view' }).getByRole('button', { name, exact: true }).click();
}

/** Each node of the diagram as {label, share, ms, slow, misestimated}, read from its accessible name. */
async function diagramNodes() {
  const labels = await nodes().evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
  return labels.map((label) => {
    const m = label.match(/, ([\d.]+) ms, (<?\d+)%/);
    return { label, ms: m ? Number(m[1]) : 0, share: m ? Number(m[2].replace('<', '')) : 0, slow: /, slow/.test(label), misestimated: /misestimated/.test(label) };
  });
}

async function bothThemes(name) {
  await page.evaluate(() => document.querySelectorAll('.toast button[aria-label="Dismiss"]').forEach((b) => b.click()));
  await screenshot(page, `${name}-light`);
  const light = await page.locator('.pg-box, .plan-table, .pa-list').first().evaluate((el) => getComputedStyle(el).color);
  await page.keyboard.press('Alt+Shift+T');
  await screenshot(page, `${name}-dark`);
  const dark = await page.locator('.pg-box, .plan-table, .pa-list').first().evaluate((el) => getComputedStyle(el).color);
  await page.keyboard.press('Alt+Shift+T');
  assert.notEqual(light, dark, `${name}: the dark theme recolours the plan`);
}

/** Nothing wider than the window, and BOX entirely inside the window. */
async function fitsWindow(locator, what) {
  const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  assert.ok(scroll <= inner, `the page is ${scroll}px wide in a ${inner}px window`);
  const box = await locator.boundingBox();
  const size = page.viewportSize();
  assert.ok(box && box.x >= 0 && box.x + box.width <= size.width + 0.5 && box.width > 0, `${what} is inside the window: ${JSON.stringify(box)}`);
}

test('the graphical plan draws every node with its share; a node opens its details in place by click and keyboard', async () => {
  await explainAnalyze(JOIN_SORT_LIMIT);
  await diagram().waitFor();
  const drawn = await diagramNodes();
  assert.ok(drawn.length >= 5, `nodes: ${drawn.map((n) => n.label).join(' | ')}`);
  for (const type of ['Limit', 'Sort', 'Hash Join', 'Hash']) assert.ok(drawn.some((n) => n.label.startsWith(`${type} `) || n.label.startsWith(`${type},`)), `${type} is drawn`);
  assert.ok(drawn.some((n) => n.label.startsWith('Seq Scan on e2e_x_orders o')));
  const total = drawn.reduce((s, n) => s + n.share, 0);
  assert.ok(total >= 95 && total <= 105, `the shares add up to the whole (${total}%)`);
  assert.equal(await explain().locator('[title*="Cond"], [title*="Filter"]').count(), 0, 'no detail hides in a hover title');
  assert.equal(await diagram().locator('.pg-edge').count(), drawn.length - 1, 'an edge per child');

  await diagram().getByRole('treeitem', { name: /^Hash Join/ }).click();
  await details().getByText('Hash Cond').waitFor();
  await details().getByText('(o.customer_id = c.id)').waitFor();

  await diagram().focus();
  await page.keyboard.press('Home');
  assert.equal(await diagram().locator('[aria-selected="true"]').getAttribute('aria-label').then((l) => l.split(',')[0]), 'Limit');
  await page.keyboard.press('ArrowRight');
  await details().getByText('Sort Key').waitFor();
  await details().getByText('o.total DESC').waitFor();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await details().getByText('Filter', { exact: true }).waitFor();
  await details().getByText(/total > '50'::numeric/).waitFor();
  await details().getByText('Rows Removed by Filter').waitFor();
  await page.keyboard.press('ArrowLeft');
  await details().getByText('Hash Cond').waitFor();
  const activedescendant = await diagram().getAttribute('aria-activedescendant');
  assert.equal(await page.locator(`[id="${activedescendant}"]`).getAttribute('aria-selected'), 'true');
  await page.keyboard.press('Escape');
  await details().getByText(/Click a node/).waitFor();
  assertNoErrors(browser.errors);
});

test('slow is a share of the query time (at least 20%), never a trivial time; the Analysis lists it', async () => {
  await explainAnalyze(JOIN_SORT_LIMIT);
  await view('Graphical');
  const drawn = await diagramNodes();
  // the share shows rounded: at "20%" the node may be either side of the line
  for (const n of drawn) if (n.share !== 20) assert.equal(n.slow, n.share >= 20 && n.ms >= 1, `slow flag of ${n.label}`);
  assert.ok(drawn.some((n) => n.slow), 'the plan has a slow node');
  await view('Analysis');
  const findings = explain().getByRole('list', { name: 'Findings' });
  await findings.getByText(/of the query's time is spent here/).first().waitFor();
  const slowNode = findings.getByRole('listitem').filter({ hasText: /of the query's time/ }).first().getByRole('button');
  const name = (await slowNode.textContent()).trim();
  await slowNode.click();
  await diagram().waitFor();
  assert.match(await diagram().locator('[aria-selected="true"]').getAttribute('aria-label'), new RegExp(`^${name.split(' ')[0]}`));
  await details().getByText(/Slow: \d+% of the query's time/).waitFor();

  await explainAnalyze('SELECT count(*) FROM generate_series(1, 10) g');
  await view('Graphical');
  const fast = await diagramNodes();
  assert.ok(fast.length >= 2);
  assert.ok(fast.every((n) => n.ms < 1), fast.map((n) => n.label).join(' | '));
  assert.deepEqual(fast.filter((n) => n.slow).map((n) => n.label), [], 'a query of a fraction of a millisecond has no slow node');
  await view('Analysis');
  await explain().getByText(/Nothing stands out/).waitFor();
});

test("a LIMIT's early stop is not a misestimate, in the diagram, the table and the Analysis", async () => {
  await explainAnalyze(FIRST_BY_KEY);
  await view('Graphical');
  const drawn = await diagramNodes();
  const scan = drawn.find((n) => n.label.includes('using e2e_x_orders_pkey'));
  assert.ok(scan, drawn.map((n) => n.label).join(' | '));
  assert.equal(scan.misestimated, false, '10 rows read of 100000 estimated: the LIMIT stopped it');
  assert.deepEqual(drawn.filter((n) => n.misestimated).map((n) => n.label), []);
  await diagram().getByRole('treeitem', { name: /using e2e_x_orders_pkey/ }).click();
  await details().getByText(/the LIMIT above stopped reading early/).waitFor();
  await bothThemes('explain-limit');
  await view('Table');
  const table = explain().locator('.plan-table');
  assert.equal(await table.locator('.plan-badge.mis-1, .plan-badge.mis-2, .plan-badge.mis-3').count(), 0, 'no misestimate badge in the table');
  await view('Analysis');
  await explain().getByText(/not a misestimate/).first().waitFor();
  assert.equal(await explain().getByText(/rows than estimated \(/).count(), 0);
});

test('the table view opens a row’s details under it; Statistics sums per node type and per table', async () => {
  await explainAnalyze(JOIN_SORT_LIMIT);
  await view('Table');
  const table = explain().locator('.plan-table');
  assert.equal(await table.locator('tr[title]').count(), 0, 'no hover title');
  const row = table.locator('tr.plan-row', { hasText: 'Hash Join' });
  await row.click();
  assert.equal(await row.getAttribute('aria-expanded'), 'true');
  await table.locator('.plan-details-row').getByText('(o.customer_id = c.id)').waitFor();
  await row.press('Enter');
  assert.equal(await table.locator('.plan-details-row').count(), 0, 'Enter closes it again');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await table.locator('.plan-details-row').getByText(/total > '50'::numeric/).waitFor();
  assert.equal(await table.locator('tr.plan-row[aria-expanded="true"]').textContent().then((t) => t.includes('Seq Scan')), true, 'ArrowDown moved to the next node');

  await view('Statistics');
  const types = explain().getByRole('table', { name: 'Per node type' });
  const seq = types.getByRole('row').filter({ has: page.getByRole('cell', { name: 'Seq Scan', exact: true }) });
  assert.equal(await seq.getByRole('cell').nth(1).textContent(), '2', 'two sequential scans');
  const tables = explain().getByRole('table', { name: 'Per table' });
  await tables.getByRole('cell', { name: 'e2e_x_orders', exact: true }).waitFor();
  await tables.getByRole('cell', { name: 'e2e_x_customers', exact: true }).waitFor();
  const shares = await types.locator('td.ps-share').allTextContents();
  const sum = shares.reduce((s, t) => s + Number(t.replace(/[<%]/g, '')), 0);
  assert.ok(sum >= 95 && sum <= 105, `the node types' shares add up to the whole (${shares.join(' ')})`);
  assertNoErrors(browser.errors);
});

test('a plain EXPLAIN is drawn by cost, with no slow node', async () => {
  await explainAnalyze(JOIN_SORT_LIMIT, 'Explain');
  await view('Graphical');
  const drawn = await diagramNodes();
  assert.ok(drawn.length >= 5);
  for (const n of drawn) assert.match(n.label, /, cost [\d.]+, <?\d+%/);
  assert.deepEqual(drawn.filter((n) => n.slow || n.misestimated).map((n) => n.label), [], 'no times, no rows: nothing to flag');
  await explain().getByText(/Bar: share of the cost/).waitFor();
  await diagram().getByRole('treeitem', { name: /^Hash Join/ }).click();
  await details().getByText('Own cost').waitFor();
  await details().getByText('Hash Cond').waitFor();
  await bothThemes('explain-plain');
});

test('every view fits at 1440x900 and 1024x768, in light and dark', async () => {
  await explainAnalyze(JOIN_SORT_LIMIT);
  for (const [width, height] of SIZES) {
    await page.setViewportSize({ width, height });
    await view('Graphical');
    await diagram().focus();
    await page.keyboard.press('Home');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    await details().getByText('Filter', { exact: true }).waitFor();
    await page.waitForTimeout(400); // the reveal animation
    await fitsWindow(details(), 'the details panel');
    await fitsWindow(diagram(), 'the diagram');
    const side = await details().boundingBox();
    const stage = await diagram().boundingBox();
    assert.ok(side.width >= 240 && stage.width >= 300, `diagram ${stage.width}px, details ${side.width}px`);
    const selected = await diagram().locator('[aria-selected="true"]').boundingBox();
    assert.ok(selected.x >= stage.x && selected.x + selected.width <= stage.x + stage.width + 1, `the chosen node is in view: ${JSON.stringify({ selected, stage })}`);
    await bothThemes(`explain-graph-${width}`);
    for (const [name, file] of [['Table', 'table'], ['Analysis', 'analysis'], ['Statistics', 'stats']]) {
      await view(name);
      await fitsWindow(explain(), `the ${name} view`);
      await bothThemes(`explain-${file}-${width}`);
    }
  }
  assertNoErrors(browser.errors);
});
