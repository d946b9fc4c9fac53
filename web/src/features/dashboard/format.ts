// Numbers as the dashboard shows them: thousands separators, human sizes,
// short durations, and compact axis labels.
const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat(undefined, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const twoDecimals = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** A count with thousands separators; a dash for NULL or garbage. */
export function formatCount(value: number | string | null | undefined): string {
  const n = toNumber(value);
  return n === null ? '—' : integer.format(n);
}

/** A measured value (milliseconds, a rate) with up to two decimals, fewer when large. */
export function formatDecimal(value: number | string | null | undefined): string {
  const n = toNumber(value);
  if (n === null) return '—';
  return Math.abs(n) >= 100 ? integer.format(n) : twoDecimals.format(n);
}

export function formatPercent(value: number | string | null | undefined): string {
  const n = toNumber(value);
  return n === null ? '—' : `${oneDecimal.format(n)} %`;
}

/** Bytes in binary units: "812 B", "1.4 MiB". */
export function formatBytes(value: number | string | null | undefined): string {
  const n = toNumber(value);
  if (n === null) return '—';
  let v = Math.abs(n);
  let unit = 0;
  while (v >= 1024 && unit < UNITS.length - 1) {
    v /= 1024;
    unit++;
  }
  const sign = n < 0 ? '-' : '';
  return unit === 0 ? `${sign}${integer.format(v)} B` : `${sign}${v >= 100 ? integer.format(v) : oneDecimal.format(v)} ${UNITS[unit]}`;
}

/** A duration in seconds as "850 ms", "42 s", "3 m 05 s", "2 h 10 m", "3 d 4 h". */
export function formatSeconds(value: number | string | null | undefined): string {
  const n = toNumber(value);
  if (n === null) return '—';
  const s = Math.max(0, n);
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 60) return `${s < 10 ? oneDecimal.format(s) : Math.floor(s)} s`;
  const pad = (x: number) => String(x).padStart(2, '0');
  if (s < 3600) return `${Math.floor(s / 60)} m ${pad(Math.floor(s % 60))} s`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${pad(Math.floor((s % 3600) / 60))} m`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

/** Axis labels: 1.2k, 3.4M, with no more precision than the tick spacing needs. */
export function formatShort(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e9) return `${trim(n / 1e9)}G`;
  if (a >= 1e6) return `${trim(n / 1e6)}M`;
  if (a >= 1e3) return `${trim(n / 1e3)}k`;
  return trim(n);
}

/** Bytes for axis labels: "1.5 MiB", no more precision than ticks need. */
export function formatBytesShort(n: number): string {
  let v = Math.abs(n);
  let unit = 0;
  while (v >= 1024 && unit < UNITS.length - 1) {
    v /= 1024;
    unit++;
  }
  return `${n < 0 ? '-' : ''}${trim(v)} ${UNITS[unit]}`;
}

function trim(n: number): string {
  return String(Number(n.toFixed(Math.abs(n) >= 10 ? 0 : Math.abs(n) >= 1 ? 1 : 2)));
}

export function toNumber(value: number | string | null | undefined): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** A server time (ISO-8601) as local "HH:MM:SS" today, "YYYY-MM-DD HH:MM" before. */
export function formatWhen(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const time = `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
  const today = new Date();
  if (d.toDateString() === today.toDateString()) return time;
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${time.slice(0, 5)}`;
}

/** Seconds since the epoch as local "HH:MM:SS". */
export function formatClock(seconds: number): string {
  const d = new Date(seconds * 1000);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}
