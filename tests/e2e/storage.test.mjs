// The Storage tab: upload a file through the UI and watch it arrive, make a
// folder, rename, move with the storage picker, download, delete; by mouse and
// by keyboard, in both themes.
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../lib/tusk.mjs';
import { openBrowser, screenshot } from './browser.mjs';
import { ADMIN, assertNoErrors, chooseMenuItem, dialog, logIn, startServer, waitUntil } from './app.mjs';

test('the storage file manager: upload, rename, move, download, delete', async (t) => {
  const tusk = await startServer();
  t.after(() => tusk.stop());
  const browser = await openBrowser();
  t.after(() => browser.close());
  const { page, errors } = browser;
  const dir = tempDir('tusk-e2e-files-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const content = 'id,name\n' + Array.from({ length: 20000 }, (_, i) => `${i},row ${i}`).join('\n') + '\n';
  const source = join(dir, 'report.csv');
  writeFileSync(source, content);

  const files = () => page.getByRole('grid', { name: 'Files' });
  const row = (name) => files().getByRole('row', { name: new RegExp(`^${name}\\b`) });
  const tool = (label) => page.getByRole('toolbar', { name: 'Storage toolbar' }).getByRole('button', { name: label, exact: true });
  const area = join(tusk.dataDir, 'storage', '1');

  await t.test('the Storage button opens an empty file manager', async () => {
    await page.goto(tusk.url);
    await logIn(page, ADMIN.email, ADMIN.password);
    await page.getByRole('toolbar', { name: 'Main toolbar' }).getByRole('button', { name: 'Storage' }).click();
    assert.equal(await page.getByRole('tab', { name: 'Storage' }).getAttribute('aria-selected'), 'true');
    await files().getByText('No files yet').waitFor();
    await page.getByRole('navigation', { name: 'Folder' }).getByRole('button', { name: 'Storage' }).waitFor();
  });

  await t.test('a new folder is created from the toolbar', async () => {
    await tool('New folder').click();
    const d = await dialog(page, 'New folder');
    await d.getByLabel('Folder name').fill('backups');
    await page.keyboard.press('Enter');
    await d.waitFor({ state: 'detached' });
    await row('backups').waitFor();
  });

  await t.test('a file uploaded through the UI is listed with its size', async () => {
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), tool('Upload files').click()]);
    await chooser.setFiles(source);
    await row('report.csv').waitFor();
    await page.getByRole('region', { name: 'Uploads' }).getByText('Uploaded').waitFor();
    const progress = page.getByRole('progressbar', { name: 'Upload of report.csv' });
    assert.equal(await progress.getAttribute('aria-valuenow'), '100');
    assert.match(await row('report.csv').textContent(), /2\d\d KiB/);
    assert.equal(readFileSync(join(area, 'report.csv'), 'utf8'), content);
    await screenshot(page, 'storage-light');
  });

  await t.test('uploading the same name asks before replacing', async () => {
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), tool('Upload files').click()]);
    await chooser.setFiles(source);
    const d = await dialog(page, 'Replace files');
    await d.getByText('report.csv').waitFor();
    await d.getByRole('button', { name: 'Cancel' }).click();
    await d.waitFor({ state: 'detached' });
  });

  await t.test('F2 renames the selected file', async () => {
    await row('report.csv').click();
    await page.keyboard.press('F2');
    const d = await dialog(page, 'Rename file');
    const name = d.getByLabel('New name');
    assert.equal(await name.inputValue(), 'report.csv');
    await name.fill('renamed.csv');
    await page.keyboard.press('Enter');
    await d.waitFor({ state: 'detached' });
    await row('renamed.csv').waitFor();
    assert.equal(await row('report.csv').count(), 0);
    assert.equal(await row('renamed.csv').getAttribute('aria-selected'), 'true');
  });

  await t.test('Download streams the file with its name', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), tool('Download').click()]);
    assert.equal(download.suggestedFilename(), 'renamed.csv');
    assert.equal(readFileSync(await download.path(), 'utf8'), content);
  });

  await t.test('Move to… picks a folder with the storage picker', async () => {
    await tool('Move to…').click();
    const d = await dialog(page, 'Move file');
    assert.equal(await d.getByRole('textbox').inputValue(), 'renamed.csv');
    await d.getByRole('button', { name: 'Browse…' }).click();
    const picker = await dialog(page, 'Save to');
    const pickerFiles = picker.getByRole('grid', { name: 'Files' });
    await pickerFiles.getByRole('row', { name: /^backups/ }).dblclick();
    await picker.getByRole('navigation', { name: 'Folder' }).getByRole('button', { name: 'backups' }).waitFor();
    await pickerFiles.getByText('This folder is empty.').waitFor();
    assert.equal(await picker.getByLabel('File name').inputValue(), 'renamed.csv');
    await screenshot(page, 'storage-picker-light');
    await picker.getByRole('button', { name: 'Select' }).click();
    await picker.waitFor({ state: 'detached' });
    assert.equal(await d.getByRole('textbox').inputValue(), 'backups/renamed.csv');
    await d.getByRole('button', { name: 'Move' }).click();
    await d.waitFor({ state: 'detached' });
    await waitUntil(async () => (await row('renamed.csv').count()) === 0);
  });

  await t.test('the keyboard opens folders, goes up and deletes after asking', async () => {
    const focusedRow = () => page.evaluate(() => document.activeElement?.closest('tr')?.textContent ?? null);
    await row('backups').click();
    await page.keyboard.press('Enter');
    await row('renamed.csv').waitFor();
    await page.getByRole('navigation', { name: 'Folder' }).getByRole('button', { name: 'backups' }).waitFor();
    await waitUntil(async () => /^renamed\.csv/.test((await focusedRow()) ?? ''));
    await page.keyboard.press('Delete');
    const d = await dialog(page, 'Delete file');
    await d.getByText('This cannot be undone').waitFor();
    await d.getByRole('button', { name: 'Delete file' }).click();
    await d.waitFor({ state: 'detached' });
    await files().getByText('This folder is empty.').waitFor();
    await page.keyboard.press('Backspace');
    await row('backups').waitFor();
    assert.equal(await row('backups').getAttribute('aria-selected'), 'true', 'the folder we came from is selected');
    await waitUntil(async () => /^backups/.test((await focusedRow()) ?? ''));
  });

  await t.test('the dark theme', async () => {
    await chooseMenuItem(page, 'Dark');
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), tool('Upload files').click()]);
    await chooser.setFiles(source);
    await row('report.csv').waitFor();
    await row('report.csv').click();
    await screenshot(page, 'storage-dark');
    await tool('Move to…').click();
    await (await dialog(page, 'Move file')).getByRole('button', { name: 'Browse…' }).click();
    await dialog(page, 'Save to');
    await screenshot(page, 'storage-picker-dark');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    assertNoErrors(errors);
  });
});
