// The formatters every feature shares: times, counts, sizes, durations and
// error messages, as the user sees them. A NULL or unreadable value shows as
// a dash.
const pad = (n: number) => String(n).padStart(2, '0');

/** An ISO-8601 time as local "YYYY-MM-DD HH:MM:SS"; a dash when absent. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const date = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  return `${date} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A server time (ISO-8601) as local "HH:MM:SS" today, "YYYY-MM-DD HH:MM" before. */
export function formatWhen(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  const today = new Date();
  if (d.toDateString() === today.toDateString()) return time;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time.slice(0, 5)}`;
}

/** Seconds since the epoch as local "HH:MM:SS". */
export function formatClock(seconds: number): string {
  const d = new Date(seconds * 1000);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Audit details may be text or structured; show either on one line. */
export function formatDetail(detail: unknown): string {
  if (detail === null || detail === undefined) return '';
  return typeof detail === 'string' ? detail : JSON.stringify(detail);
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

// Numbers in the browser's language: thousands separators, human sizes,
// short durations, and compact axis labels (the dashboard, the explorer,
// jobs).
const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat(undefined, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const twoDecimals = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function toNumber(value: number | string | null | undefined): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

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

/** Scales N down by 1024 while it is that large: the value and the index of its unit in UNITS. */
function binary(n: number): { v: number; unit: number } {
  let v = Math.abs(n);
  let unit = 0;
  while (v >= 1024 && unit < UNITS.length - 1) {
    v /= 1024;
    unit++;
  }
  return { v, unit };
}

/** Bytes in binary units: "812 B", "1.4 MiB". */
export function formatBytes(value: number | string | null | undefined): string {
  const n = toNumber(value);
  if (n === null) return '—';
  const { v, unit } = binary(n);
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
  const { v, unit } = binary(n);
  return `${n < 0 ? '-' : ''}${trim(v)} ${UNITS[unit]}`;
}

function trim(n: number): string {
  return String(Number(n.toFixed(Math.abs(n) >= 10 ? 0 : Math.abs(n) >= 1 ? 1 : 2)));
}

/** A file's size as the file manager shows it: 0 B, 812 B, 1.4 KiB, 23 MiB, 1.2 GiB (three significant digits at most). */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  let value = bytes / 1024;
  let unit = 1;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${UNITS[unit]}`;
}

// The query tool's numbers: the same in every language (its result tabs say
// "100,000 rows" wherever they are read).

/** A count with a comma between thousands: "12,345". */
export const formatThousands = (n: number) => n.toLocaleString('en-US');

/** A run's duration in milliseconds: "4.2 ms", "850 ms", "1.25 s", "3 min 5 s". */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}
