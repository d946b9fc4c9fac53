// Jobs in the browser: a backup started from the tree, its log followed in
// the Jobs tab, the file downloaded; then a restore that lists the archive's
// contents and puts one table back.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { psql, pg as PG } from '../lib/pg.mjs';
import { screenshot } from './browser.mjs';
import { ADMIN, assertNoErrors, chooseInNodeMenu, dialog, expandTreeItem, openApp, treeItem, waitUntil } from './app.mjs';

const SERVER = 'e2e-jobs';
const DB = 'e2e_jobs';
const TARGET = 'e2e_jobs_restored';

let tusk;
let browser;
let page;

before(async () => {
  for (const db of [DB, TARGET]) psql(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  psql(`CREATE DATABASE ${DB}`);
  psql(`CREATE DATABASE ${TARGET}`);
  psql("CREATE TABLE fruit (id int PRIMARY KEY, name text); INSERT INTO fruit SELECT g, 'fruit ' || g FROM generate_series(1, 500) g; CREATE TABLE veg (id int)", { db: DB });
  ({ tusk, browser, page } = await openApp(SERVER, PG));
});

after(async () => {
  await browser?.close();
  await tusk?.stop();
  for (const db of [DB, TARGET]) psql(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
});

async function bothThemes(name) {
  await screenshot(page, `${name}-light`);
  await page.keyboard.press('Alt+Shift+T');
  await screenshot(page, `${name}-dark`);
  await page.keyboard.press('Alt+Shift+T');
}

const jobRow = (text) => page.getByRole('table', { name: 'Jobs' }).locator('tbody tr').filter({ hasText: text });

test('Backup… on a database runs pg_dump as a job; the Jobs tab follows its log and downloads the file', async () => {
  await expandTreeItem(page, treeItem(page, SERVER));
  await expandTreeItem(page, treeItem(page, /^Databases \(\d+\)$/));
  await chooseInNodeMenu(page, treeItem(page, DB), 'Backup…');
  const d = await dialog(page, `Backup database ${DB}`);
  await d.locator('#job-file').fill('backups/e2e.dump');
  await d.getByRole('tab', { name: 'Options' }).click();
  assert.equal(await d.locator('#job-verbose').isChecked(), true, 'a verbose log by default');
  await d.getByRole('tab', { name: 'General' }).click();
  await bothThemes('job-backup-dialog');
  await d.getByRole('button', { name: 'Backup' }).click();
  await d.waitFor({ state: 'detached' });

  await page.getByRole('tab', { name: /^Jobs/ }).waitFor();
  const row = jobRow(`Backup of ${DB} (custom) to backups/e2e.dump`);
  await row.waitFor();
  await row.getByText('succeeded').waitFor({ timeout: 30_000 });
  const log = page.getByLabel('Job log');
  await waitUntil(async () => /pg_dump: dumping contents of table "public\.fruit"/.test(await log.innerText()));
  assert.match(await log.innerText(), /^\$ \S*pg_dump --no-password '--dbname=/);
  assert.doesNotMatch(await log.innerText(), new RegExp(PG.password));
  await bothThemes('job-backup-done');

  const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('link', { name: /Download the output/ }).click()]);
  const saved = await download.path();
  assert.equal(readFileSync(saved).subarray(0, 5).toString(), 'PGDMP', 'a custom-format archive');
  assert.equal(download.suggestedFilename(), 'e2e.dump');
});

test('Restore… lists the archive, restores only the picked table, and the status bar counts running jobs', async () => {
  await chooseInNodeMenu(page, treeItem(page, TARGET), 'Restore…');
  const d = await dialog(page, `Restore into ${TARGET}`);
  await d.locator('#job-file').fill('backups/e2e.dump');
  await d.getByRole('tab', { name: 'Objects' }).click();
  const fruit = d.getByLabel('TABLE public.fruit');
  await fruit.waitFor();
  await fruit.check();
  await screenshot(page, 'job-restore-objects-light');
  await d.getByRole('button', { name: 'Restore' }).click();
  await d.waitFor({ state: 'detached' });
  const row = jobRow(`Restore of backups/e2e.dump into ${TARGET}`);
  await row.getByText('succeeded').waitFor({ timeout: 30_000 });
  assert.equal(psql('SELECT count(*) FROM fruit', { db: TARGET }), '500');
  assert.equal(psql("SELECT to_regclass('veg') IS NULL", { db: TARGET }), 't', 'only the picked table');
  // finished jobs go: Delete on the selected row
  await row.click();
  await page.keyboard.press('Delete');
  await row.waitFor({ state: 'detached' });
  assert.match(await page.locator('.status-jobs').innerText(), /Jobs/);
  assertNoErrors(browser.errors);
});

test('Maintenance…, Import/Export Data… and Backup Server… run as jobs from the tree', async () => {
  await expandTreeItem(page, treeItem(page, DB));
  await expandTreeItem(page, treeItem(page, /^Schemas \(\d+\)$/));
  await expandTreeItem(page, treeItem(page, 'public'));
  await expandTreeItem(page, treeItem(page, /^Tables \(\d+\)$/));

  await chooseInNodeMenu(page, treeItem(page, 'fruit'), 'Maintenance…');
  let d = await dialog(page, 'Maintenance of public.fruit');
  assert.equal(await d.locator('#job-analyze').isChecked(), true);
  await d.getByRole('button', { name: 'Run' }).click();
  await d.waitFor({ state: 'detached' });
  let row = jobRow('VACUUM (ANALYZE, VERBOSE) of "public"."fruit"');
  await row.getByText('succeeded').waitFor({ timeout: 30_000 });
  await waitUntil(async () => /INFO: {2}vacuuming/.test(await page.getByLabel('Job log').innerText()));

  await chooseInNodeMenu(page, treeItem(page, 'fruit'), 'Import/Export Data…');
  d = await dialog(page, 'Import/Export public.fruit');
  await d.locator('#job-file').fill('exports/fruit.csv');
  await screenshot(page, 'job-copy-light');
  await d.getByRole('button', { name: 'Export' }).click();
  await d.waitFor({ state: 'detached' });
  row = jobRow('Export of public.fruit to exports/fruit.csv');
  await row.getByText('succeeded').waitFor({ timeout: 30_000 });
  const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('link', { name: /Download the output/ }).click()]);
  const csv = readFileSync(await download.path(), 'utf8').split('\n');
  assert.equal(csv[0], 'id,name');
  assert.equal(csv.filter(Boolean).length, 501);

  // the refusal of a bad spec stays in the dialog
  await chooseInNodeMenu(page, treeItem(page, 'fruit'), 'Import/Export Data…');
  d = await dialog(page, 'Import/Export public.fruit');
  await d.locator('#job-direction').selectOption('import');
  await d.locator('#job-file').fill('exports/nothing-here.csv');
  await d.getByRole('button', { name: 'Import' }).click();
  await d.getByRole('alert').getByText(/nothing-here\.csv' does not exist in your storage/).waitFor();
  await page.keyboard.press('Escape');
  await d.waitFor({ state: 'detached' });

  await chooseInNodeMenu(page, treeItem(page, SERVER), 'Backup Server…');
  d = await dialog(page, `Backup server ${SERVER}`);
  await d.locator('#job-mode').selectOption('globals');
  await d.locator('#job-file').fill('backups/globals.sql');
  await d.getByRole('button', { name: 'Backup' }).click();
  await d.waitFor({ state: 'detached' });
  await jobRow('Backup of the server (globals) to backups/globals.sql').getByText('succeeded').waitFor({ timeout: 30_000 });
  assertNoErrors(browser.errors.filter((e) => !/status of 404/.test(e)));
});
