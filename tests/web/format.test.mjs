// The shared formatters of web/src/lib/format.ts, those that read the same in
// every language (the others follow the browser's).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { load } from './load.mjs';

const f = await load('lib/format.ts');

test('the query tool counts and times its runs the same in every language', () => {
  assert.equal(f.formatThousands(100000), '100,000');
  assert.equal(f.formatThousands(7), '7');
  assert.equal(f.formatMs(4.25), '4.3 ms');
  assert.equal(f.formatMs(850.4), '850 ms');
  assert.equal(f.formatMs(1250), '1.25 s');
  assert.equal(f.formatMs(185_000), '3 min 5 s');
});

test('file sizes have three significant digits at most', () => {
  assert.equal(f.formatSize(0), '0 B');
  assert.equal(f.formatSize(812), '812 B');
  assert.equal(f.formatSize(1434), '1.4 KiB');
  assert.equal(f.formatSize(23 * 1024 * 1024), '23 MiB');
  assert.equal(f.formatSize(1.2 * 1024 ** 3), '1.2 GiB');
  assert.equal(f.formatSize(5 * 1024 ** 5), '5120 TiB');
});

test('axis labels carry no more precision than their ticks', () => {
  assert.equal(f.formatShort(1234), '1.2k');
  assert.equal(f.formatShort(3_400_000), '3.4M');
  assert.equal(f.formatShort(12), '12');
  assert.equal(f.formatBytesShort(1.5 * 1024 * 1024), '1.5 MiB');
  assert.equal(f.formatBytesShort(-2048), '-2 KiB');
});

test('absent values show as a dash, times in local time', () => {
  assert.equal(f.formatCount(null), '—');
  assert.equal(f.formatBytes('not a number'), '—');
  assert.equal(f.formatSeconds(undefined), '—');
  assert.equal(f.toNumber(''), null);
  assert.equal(f.toNumber('42'), 42);
  assert.equal(f.formatTime(null), '—');
  assert.equal(f.formatTime(new Date(2024, 0, 2, 3, 4, 5).toISOString()), '2024-01-02 03:04:05');
  assert.equal(f.formatDetail({ a: 1 }), '{"a":1}');
  assert.equal(f.errorMessage(new Error('boom')), 'boom');
});
