// How result grids draw numbers and dates under the user's preferences (web/src/lib/display.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { load } from './load.mjs';

const d = await load('lib/display.ts');

test('grouped digits keep every digit of the text PostgreSQL sent', () => {
  assert.equal(d.groupDigits('1234567'), '1,234,567');
  assert.equal(d.groupDigits('-98765432109876543210.000123'), '-98,765,432,109,876,543,210.000123');
  assert.equal(d.groupDigits('999'), '999');
  assert.equal(d.groupDigits('1.5e+20'), '1.5e+20');
  assert.equal(d.groupDigits('NaN'), 'NaN');
  assert.equal(d.displayText('1234', 'int4', { number: 'grouped', date: 'iso' }), '1,234');
  assert.equal(d.displayText('1234', 'numeric(10,2)', { number: 'grouped', date: 'iso' }), '1,234');
  assert.equal(d.displayText('1234', 'oid', { number: 'grouped', date: 'iso' }), '1234', 'an oid is a name, not a quantity');
  assert.equal(d.displayText('1234', 'text', { number: 'grouped', date: 'iso' }), '1234');
  assert.equal(d.displayText('1234', 'int4', d.PLAIN_DISPLAY), '1234');
});

test('dates in a language, timestamps as they are, instants in the browser\'s zone', () => {
  assert.equal(d.localDate('2024-03-09', 'date', 'en-US'), 'Mar 9, 2024');
  assert.equal(d.localDate('0042-03-09', 'date', 'en-US'), 'Mar 9, 42');
  assert.equal(d.localDate('2024-03-09 13:04:05', 'timestamp', 'en-US'), 'Mar 9, 2024, 01:04:05 PM');
  assert.equal(d.localDate('2024-03-09 13:04:05.123456', 'timestamp', 'en-GB'), '9 Mar 2024, 13:04:05.123');
  const zoned = d.localDate('2024-03-09 13:04:05+05:30', 'timestamptz', 'en-US');
  const instant = new Date(Date.UTC(2024, 2, 9, 7, 34, 5));
  assert.equal(zoned, instant.toLocaleString('en-US', { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short' }));
  for (const raw of ['infinity', '-infinity', '2024-03-09 BC', '12:00:00']) assert.equal(d.localDate(raw, 'timestamptz', 'en-US'), raw);
  assert.equal(d.displayText('2024-03-09', 'text', { number: 'plain', date: 'locale' }), '2024-03-09');
});
