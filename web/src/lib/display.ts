// How a result grid shows numbers and dates, as the user's preferences say: PostgreSQL's own
// text (the default), or digits grouped by thousands and dates in the browser's language and
// time zone. Only what is drawn changes: copying, editing and exports keep PostgreSQL's text.
export type NumberFormat = 'plain' | 'grouped';
export type DateFormat = 'iso' | 'locale';

export interface DisplayFormat {
  number: NumberFormat;
  date: DateFormat;
}

export const PLAIN_DISPLAY: DisplayFormat = { number: 'plain', date: 'iso' };

/** Quantities (not oids, not money, which PostgreSQL formats itself). */
const QUANTITIES = new Set(['int2', 'int4', 'int8', 'smallint', 'integer', 'bigint', 'numeric', 'decimal', 'float4', 'float8', 'real', 'double precision']);
const DATES = new Set(['date']);
const TIMESTAMPS = new Set(['timestamp', 'timestamp without time zone']);
const ZONED = new Set(['timestamptz', 'timestamp with time zone']);

const baseType = (type: string) => type.replace(/\(.*\)$/, '');

/** "1234567.5" as "1,234,567.5"; text that is not a plain number stays as it is (NaN, Infinity). */
export function groupDigits(text: string): string {
  const m = /^(-?)(\d+)(\.\d*)?(e[+-]?\d+)?$/i.exec(text);
  if (!m) return text;
  return `${m[1]}${m[2]!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${m[3] ?? ''}${m[4] ?? ''}`;
}

// PostgreSQL's ISO output (DateStyle ISO, which every Tusk connection reads): 2024-01-02,
// 2024-01-02 03:04:05.123456, and a zone offset such as +05:30 for timestamptz
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?)?)?$/;

/** An ISO date, timestamp or timestamptz in LOCALE (the browser's by default); other text as it is. */
export function localDate(text: string, type: string, locale?: string): string {
  const t = baseType(type);
  const m = ISO.exec(text);
  if (!m || !(DATES.has(t) || TIMESTAMPS.has(t) || ZONED.has(t))) return text;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac, sign, oh = '0', om = '0', os = '0'] = m;
  const date = new Date(0);
  date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi), Number(s), frac ? Math.floor(Number(frac) * 1000) : 0);
  if (DATES.has(t)) return date.toLocaleDateString(locale, { timeZone: 'UTC', year: 'numeric', month: 'short', day: 'numeric' });
  const options: Intl.DateTimeFormatOptions = {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    ...(frac ? { fractionalSecondDigits: 3 as const } : {}),
  };
  if (!ZONED.has(t)) return date.toLocaleString(locale, { ...options, timeZone: 'UTC' });
  // an instant: moved from its offset to the browser's zone, which it names
  const offset = (Number(oh) * 3600 + Number(om) * 60 + Number(os)) * (sign === '-' ? -1 : 1);
  return new Date(date.getTime() - offset * 1000).toLocaleString(locale, { ...options, timeZoneName: 'short' });
}

/** VALUE of a column of TYPE as the grid draws it under FORMAT. */
export function displayText(value: string, type: string, format: DisplayFormat): string {
  if (format.number === 'grouped' && QUANTITIES.has(baseType(type))) return groupDigits(value);
  if (format.date === 'locale') return localDate(value, type);
  return value;
}
