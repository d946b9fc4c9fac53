// Schema Diff in the browser: two databases on the test cluster (a table with
// an added column and a changed default, a function changed, an object only
// in each), opened from a database's menu in the explorer, compared, filtered
// by state and kind, a side-by-side diff with the changed line marked, the
// grid driven by the keyboard, the script of the chosen objects opened in a
// query tab on the target and run; compared again, nothing differs. A column
// new in the middle of the source is said to go at the end. A change of the
// choice asks the kept comparison for its script (no new comparison). A large
// comparison shows its phases in place and is cancelled. Both themes,
// 1440x900 and 1024x768, nothing widening the document.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { psql, pg as PG } from '../lib/pg.mjs';
import { screenshot } from './browser.mjs';
import { assertNoErrors, chooseInNodeMenu, expandTreeItem, openApp, treeItem, waitUntil } from './app.mjs';

const SERVER = 'e2e-diff';
const SRC = 'e2e_diff_src';
const TGT = 'e2e_diff_tgt';
const BIG = 'e2e_diff_big';
const BIG2 = 'e2e_diff_copy';

const SOURCE = `
  CREATE TABLE public.items (id int PRIMARY KEY, code text, name text NOT NULL, qty int DEFAULT 5, note text);
  CREATE FUNCTION public.double_it(x int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT x * 2';
  CREATE TABLE public.only_source (id int PRIMARY KEY);
  CREATE TABLE public.same (id int PRIMARY KEY, label text);
`;
const TARGET = `
  CREATE TABLE public.items (id int PRIMARY KEY, name text NOT NULL, qty int DEFAULT 1);
  INSERT INTO public.items VALUES (1, 'kept', 3);
  CREATE FUNCTION public.double_it(x int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT x + x';
  CREATE TABLE public.only_target (id int);
  CREATE TABLE public.same (id int PRIMARY KEY, label text);
`;

let tusk;
let browser;
let page;

before(async () => {
  for (const db of [SRC, TGT]) {
    psql(`DROP DATABASE IF EXISTS ${db}`);
    psql(`CREATE DATABASE ${db}`);
  }
  psql(SOURCE, { db: SRC });
  psql(TARGET, { db: TGT });
  psql(`DROP DATABASE IF EXISTS ${BIG}`);
  psql(`CREATE DATABASE ${BIG}`);
  // in batches: one transaction's locks on 2,500 new tables can pass the lock table
  // (max_locks_per_transaction x max_connections) of a small server
  for (let from = 0; from < 2500; from += 500) {
    psql(`DO $$BEGIN FOR i IN ${from}..${from + 499} LOOP
      EXECUTE format('CREATE TABLE public.t%s (id int PRIMARY KEY, v text, n numeric DEFAULT 0)', i);
    END LOOP; END$$`, { db: BIG });
  }
  // a rule on t1 that writes t0: reading its definition waits for a lock held on t0 (see holdLock)
  psql('CREATE RULE copy AS ON INSERT TO public.t1 DO ALSO INSERT INTO public.t0 (id) VALUES (NEW.id)', { db: BIG });
  psql(`DROP DATABASE IF EXISTS ${BIG2}`);
  psql(`CREATE DATABASE ${BIG2} TEMPLATE ${BIG}`);
  ({ tusk, browser, page } = await openApp(SERVER, PG, { width: 1440, height: 900 }));
});

after(async () => {
  await browser?.close();
  await tusk?.stop();
  for (const db of [SRC, TGT, BIG, BIG2]) psql(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
});

const view = () => page.locator('.tab-panel:not([hidden]) .schema-diff');
const grid = () => view().getByRole('grid', { name: 'Compared objects' });
const row = (id) => grid().locator(`tr[data-id="${id}"]`);
const count = (state) => view().locator(`.sd-count[data-state="${state}"]`);

async function bothThemes(name) {
  await page.evaluate(() => document.querySelectorAll('.toast button[aria-label="Dismiss"]').forEach((b) => b.click()));
  await page.mouse.move(0, 0);
  await screenshot(page, `${name}-light`);
  await page.keyboard.press('Alt+Shift+T');
  await page.waitForTimeout(300);
  await screenshot(page, `${name}-dark`);
  await page.keyboard.press('Alt+Shift+T');
}

/** Nothing in the page is wider than the window (item 18.1). */
async function assertNotWidened() {
  const { doc, body, w } = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, body: document.body.scrollWidth, w: window.innerWidth }));
  assert.ok(doc <= w && body <= w, `the document is ${doc}/${body} px wide in a ${w} px window`);
}

async function compare() {
  await view().getByRole('button', { name: 'Compare', exact: true }).click();
  let state = '';
  await waitUntil(async () => ['ready', 'error'].includes((state = await view().getAttribute('data-state'))), 30_000);
  if (state === 'error') throw new Error(`the comparison failed: ${await view().getByRole('alert').innerText()}`);
}

test('compares two databases, shows a side-by-side diff, runs the script, then finds no difference', async () => {
  await expandTreeItem(page, treeItem(page, SERVER));
  await expandTreeItem(page, treeItem(page, /^Databases \(\d+\)$/));
  await chooseInNodeMenu(page, treeItem(page, SRC), 'Schema Diff…');
  await view().waitFor();
  const target = view().getByRole('group', { name: 'Target' });
  await target.locator('select[name="target-server"]').selectOption({ label: SERVER });
  await target.locator('select[name="target-database"] option', { hasText: TGT }).waitFor({ state: 'attached' });
  await target.locator('select[name="target-database"]').selectOption(TGT);
  assert.equal(await view().getByRole('group', { name: 'Source' }).locator('select[name="source-database"]').inputValue(), SRC);
  await compare();

  // the states: counted, identical hidden until asked for
  assert.equal(await count('different').innerText(), '2');
  assert.equal(await count('source_only').innerText(), '1');
  assert.equal(await count('target_only').innerText(), '1');
  assert.ok(Number(await count('identical').innerText()) >= 1);
  await row('table/public/items').waitFor();
  assert.equal(await row('table/public/same').count(), 0, 'identical objects are hidden by default');
  await view().locator('input[name="state-identical"]').check();
  await row('table/public/same').waitFor();
  await view().locator('input[name="state-identical"]').uncheck();
  await view().locator('input[name="state-different"]').uncheck();
  await waitUntil(async () => (await row('table/public/items').count()) === 0);
  assert.equal(await row('table/public/only_source').count(), 1);
  await view().locator('input[name="state-different"]').check();
  await view().getByLabel('Kind').selectOption('function');
  await waitUntil(async () => (await grid().locator('tbody tr').count()) === 1);
  await view().getByLabel('Kind').selectOption('');

  // the table's two DDLs side by side, the changed default marked on both sides; its new middle column goes at the end
  assert.equal(await row('table/public/items').getByRole('img', { name: 'Column order differs' }).count(), 1);
  await row('table/public/items').click();
  const notes = view().getByRole('note', { name: 'Column order' });
  assert.match(await notes.innerText(), /column code goes at the end: PostgreSQL appends new columns \(in the source it is column 2 of 5, before name\)/);
  const merge = view().locator('.sd-merge');
  await merge.locator('.cm-merge-b .cm-changedLine', { hasText: 'DEFAULT 1' }).waitFor();
  await merge.locator('.cm-merge-a .cm-changedLine', { hasText: 'DEFAULT 5' }).waitFor();
  assert.equal(await merge.locator('.cm-merge-a .cm-changedLine', { hasText: 'CREATE TABLE' }).count(), 0, 'an unchanged line is not marked');
  await bothThemes('schema-diff-table');

  // the keyboard: arrows move, Enter shows, Space toggles the row's checkbox
  await grid().focus();
  await page.keyboard.press('Home');
  const first = await grid().locator('tbody tr[aria-selected="true"]').getAttribute('data-id');
  await page.keyboard.press('ArrowDown');
  const second = await grid().locator('tbody tr[aria-selected="true"]').getAttribute('data-id');
  assert.notEqual(first, second);
  await page.keyboard.press('Enter');
  await waitUntil(async () => (await view().locator('.sd-ddl .sd-bar strong').innerText()).endsWith(second.split('/').pop().split('(')[0]));
  const box = grid().locator(`tr[data-id="${second}"] input[type="checkbox"]`);
  assert.equal(await box.isChecked(), true);
  await page.keyboard.press(' ');
  assert.equal(await box.isChecked(), false);
  await page.keyboard.press(' ');
  assert.equal(await box.isChecked(), true);

  // the function's diff, and the script with its annotations
  await grid().locator('tr[data-id^="function/public/double_it("]').click();
  await merge.locator('.cm-merge-a .cm-changedLine', { hasText: 'x * 2' }).waitFor();
  const script = view().getByRole('region', { name: 'Migration script' });
  await waitUntil(async () => (await script.getAttribute('aria-busy')) !== 'true');
  const text = await script.locator('.sd-stmts').innerText();
  assert.match(text, /ADD COLUMN "note" text/);
  assert.match(await script.locator('.stmt-cost-comment').first().innerText(), /^column code goes at the end/);
  assert.match(text, /DROP TABLE public\.only_target/);
  assert.match(text, /ACCESS EXCLUSIVE lock/);
  await bothThemes('schema-diff-function');
  const [file] = await Promise.all([page.waitForEvent('download'), script.getByRole('button', { name: 'Download .sql' }).click()]);
  assert.equal(file.suggestedFilename(), `${TGT}-diff.sql`);
  const saved = await readFile(await file.path(), 'utf8');
  assert.match(saved, /-- ACCESS EXCLUSIVE on public\.items/);
  assert.match(saved, /CREATE TABLE public\.only_source/);

  // unchoosing an object asks the kept comparison for the script without it: nothing is compared again
  const asked = [];
  const onRequest = (req) => req.method() === 'POST' && /\/api\/v1\/schema-diff/.test(req.url()) && asked.push(new URL(req.url()).pathname);
  page.on('request', onRequest);
  await row('table/public/only_target').locator('input[type="checkbox"]').uncheck();
  await waitUntil(async () => (await script.getAttribute('aria-busy')) !== 'true' && !/only_target/.test(await script.locator('.sd-stmts').innerText()));
  await row('table/public/only_target').locator('input[type="checkbox"]').check();
  await waitUntil(async () => (await script.getAttribute('aria-busy')) !== 'true' && /only_target/.test(await script.locator('.sd-stmts').innerText()));
  page.off('request', onRequest);
  assert.ok(asked.length >= 2, asked.join(' '));
  for (const path of asked) assert.match(path, /^\/api\/v1\/schema-diff\/[0-9a-f]{32}\/script$/);

  await page.setViewportSize({ width: 1024, height: 768 });
  await page.waitForTimeout(200);
  await assertNotWidened();
  await bothThemes('schema-diff-1024');
  await page.setViewportSize({ width: 1440, height: 900 });
  await assertNotWidened();

  // the script in a query tab on the target, run
  await script.getByRole('button', { name: 'Open in Query Tool' }).click();
  const queryTab = page.getByRole('tab', { name: `${TGT} on ${SERVER}` });
  await queryTab.waitFor();
  const panel = page.locator('.tab-panel:not([hidden])');
  await panel.getByRole('status', { name: 'Query status' }).getByText('Ready').waitFor({ timeout: 30_000 });
  assert.match(await panel.locator('.cm-content').innerText(), /ALTER TABLE/);
  await panel.getByRole('toolbar', { name: 'Query toolbar' }).getByRole('button', { name: 'Run', exact: true }).click();
  try {
    await panel.getByRole('status', { name: 'Query status' }).locator('.qs-state', { hasText: 'Done' }).waitFor({ timeout: 30_000 });
  } catch (err) {
    await screenshot(page, 'schema-diff-query-failure');
    throw err;
  }
  await bothThemes('schema-diff-query');

  // compared again: nothing differs, the target's row kept
  await page.getByRole('tab', { name: `Schema Diff — ${SRC}` }).click();
  await compare();
  await waitUntil(async () => (await count('different').innerText()) === '0');
  assert.equal(await count('source_only').innerText(), '0');
  assert.equal(await count('target_only').innerText(), '0');
  assert.equal(psql('SELECT qty FROM public.items WHERE id = 1', { db: TGT }).trim(), '3');
  // the column order is not compared, but still said
  await view().locator('input[name="state-identical"]').check();
  assert.equal(await row('table/public/items').getByRole('img', { name: 'Column order differs' }).count(), 1);
  await view().locator('input[name="state-identical"]').uncheck();
  assertNoErrors(browser.errors);
});

test('an error from the comparison is shown in place', async () => {
  const target = view().getByRole('group', { name: 'Target' });
  await target.locator('select[name="target-schema"] option', { hasText: 'public' }).waitFor({ state: 'attached' });
  await target.locator('select[name="target-schema"]').selectOption('public');
  await view().getByRole('button', { name: 'Compare', exact: true }).click();
  const error = view().getByRole('alert');
  await error.waitFor();
  assert.match(await error.innerText(), /schema/i);
  await bothThemes('schema-diff-error');
});

// Holds ACCESS EXCLUSIVE on db's public.t0 in a transaction of another session until the returned function is
// called: the comparison's reading of the rule over t0 (pg_get_ruledef locks what the rule names) waits for it, so
// that the progress stays on screen whatever the speed of the comparison (2,500 tables a side take well under a
// second since the inventory is set-based).
async function holdLock(db) {
  const env = { ...process.env, PGHOST: PG.host, PGPORT: String(PG.port), PGUSER: PG.user, PGPASSWORD: PG.password };
  const child = spawn('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', db], { env });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.stdin.write('BEGIN;\nLOCK TABLE public.t0 IN ACCESS EXCLUSIVE MODE;\n\\echo LOCKED\n');
  await waitUntil(() => out.includes('LOCKED') || child.exitCode !== null, 10_000);
  assert.ok(out.includes('LOCKED'), 'the lock is held');
  return async () => {
    child.stdin.end('COMMIT;\n');
    await exited;
  };
}

test('a large comparison shows its phases and counts in place, and Cancel stops it', async () => {
  // 2,500 tables on each side, the same
  const target = view().getByRole('group', { name: 'Target' });
  await target.locator('select[name="target-schema"]').selectOption('');
  await target.locator('select[name="target-database"] option', { hasText: BIG2 }).waitFor({ state: 'attached' });
  await target.locator('select[name="target-database"]').selectOption(BIG2);
  const source = view().getByRole('group', { name: 'Source' });
  await source.locator('select[name="source-database"] option', { hasText: BIG }).waitFor({ state: 'attached' });
  await source.locator('select[name="source-database"]').selectOption(BIG);
  const release = await holdLock(BIG);
  await view().getByRole('button', { name: 'Compare', exact: true }).click();
  const progress = view().locator('.sd-progress');
  await progress.waitFor();
  // the phase the server reports, from the window's event stream
  await progress.locator('.sd-phase[data-phase="reading"], .sd-phase[data-phase="ddl"]').waitFor({ timeout: 20_000 });
  assert.equal(await view().getAttribute('data-state'), 'comparing');
  await bothThemes('schema-diff-progress');
  const cancel = progress.getByRole('button', { name: 'Cancel' });
  assert.ok(await cancel.evaluate((b) => b === document.activeElement), 'Cancel has the focus');
  await page.keyboard.press('Escape');
  await release();
  await view().getByRole('status').filter({ hasText: 'Comparison cancelled.' }).waitFor();
  assert.equal(await view().getAttribute('data-state'), 'idle');
  await assertNotWidened();
  // compared in full, the counts came from the stream while it ran
  const phases = [];
  await page.exposeFunction('sdPhase', (t) => phases.push(t));
  await page.evaluate(() => {
    const seen = new MutationObserver(() => {
      const c = document.querySelector('.sd-progress .sd-counts');
      if (c) window.sdPhase(c.textContent);
    });
    seen.observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await compare();
  assert.ok(phases.some((t) => /^2500 objects in the source, 2500 in the target: 0 different, 0 only in source, 0 only in target, 2500 identical/.test(t)), phases.join(' | '));
  assert.equal(await count('identical').innerText(), '2500');
  assert.equal(await count('different').innerText(), '0');
  // the comparisons refused on purpose: the error test's 400, the cancelled one's 409
  assertNoErrors(browser.errors.filter((e) => !/status of (400|409) .*POST \S+\/api\/v1\/schema-diff$/.test(e)));
});
