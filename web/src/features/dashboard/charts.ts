// What each dashboard chart draws: its series, read from a sample, and the
// unit its values and axis are shown in. Rates are the server's (per second
// over the interval it measured), never worked out from the browser's clock.
import type { Sample, SampleRates } from '../../api/monitor';
import { formatBytes, formatBytesShort, formatCount, formatDecimal, formatPercent, formatShort } from '../../lib/format';

export type Unit = 'count' | 'perSecond' | 'bytes' | 'bytesPerSecond' | 'percent';

export interface SeriesDef {
  label: string;
  /** A CSS variable holding the colour. */
  color: string;
  value: (s: Sample) => number | null;
  unit?: Unit;
  /** Drawn against a second axis on the right, in the series' own unit. */
  right?: boolean;
  /** Area under the line, for charts of one series. */
  fill?: boolean;
}

export interface ChartDef {
  id: string;
  title: string;
  unit: Unit;
  series: SeriesDef[];
}

type RateKey = Exclude<keyof SampleRates, 'hit_ratio'>;

const rate = (key: RateKey) => (s: Sample) => s.rates?.[key] ?? null;

/** A chart of counters per second, each [label, colour, counter]; MORE are drawn after them. */
function rates(id: string, title: string, counters: Array<[string, string, RateKey]>, more: SeriesDef[] = []): ChartDef {
  return { id, title, unit: 'perSecond', series: [...counters.map(([label, color, key]) => ({ label, color, value: rate(key) })), ...more] };
}

/** A chart of one series, its area filled. */
function single(id: string, title: string, unit: Unit, series: Omit<SeriesDef, 'fill'>): ChartDef {
  return { id, title, unit, series: [{ ...series, fill: true }] };
}

export const CHARTS: ChartDef[] = [
  {
    id: 'sessions',
    title: 'Sessions',
    unit: 'count',
    series: [
      { label: 'active', color: '--chart-1', value: (s) => s.sessions.active },
      { label: 'idle', color: '--chart-6', value: (s) => s.sessions.idle },
      { label: 'idle in tx', color: '--chart-3', value: (s) => s.sessions.idle_in_transaction },
      { label: 'waiting', color: '--chart-4', value: (s) => s.sessions.waiting },
    ],
  },
  rates('transactions', 'Transactions per second', [
    ['commits', '--chart-2', 'commits'],
    ['rollbacks', '--chart-4', 'rollbacks'],
  ]),
  rates('tuples-in', 'Tuples in', [
    ['inserted', '--chart-2', 'inserted'],
    ['updated', '--chart-1', 'updated'],
    ['deleted', '--chart-4', 'deleted'],
  ]),
  rates('tuples-out', 'Tuples out', [
    ['fetched', '--chart-1', 'fetched'],
    ['returned', '--chart-5', 'returned'],
  ]),
  rates(
    'block-io',
    'Block I/O',
    [
      ['reads', '--chart-3', 'blocks_read'],
      ['hits', '--chart-1', 'blocks_hit'],
    ],
    [
      {
        label: 'hit ratio',
        color: '--chart-2',
        unit: 'percent',
        right: true,
        value: (s) => (s.rates?.hit_ratio === null || s.rates?.hit_ratio === undefined ? null : s.rates.hit_ratio * 100),
      },
    ],
  ),
  rates(
    'temp-deadlocks',
    'Temp files & deadlocks',
    [
      ['temp files', '--chart-5', 'temp_files'],
      ['deadlocks', '--chart-4', 'deadlocks'],
    ],
    [{ label: 'temp bytes', color: '--chart-3', unit: 'bytesPerSecond', right: true, value: rate('temp_bytes') }],
  ),
  single('wal', 'WAL generated', 'bytesPerSecond', { label: 'WAL', color: '--chart-5', value: rate('wal_bytes') }),
  single('replication-lag', 'Replication lag', 'bytes', { label: 'lag', color: '--chart-3', value: (s) => s.replication_lag_bytes }),
  single('database-size', 'Database size', 'bytes', { label: 'size', color: '--chart-1', value: (s) => s.database_size }),
];

/** A value with its unit, for the numbers beside a chart's title. */
export function formatValue(value: number | null, unit: Unit): string {
  if (value === null) return '—';
  switch (unit) {
    case 'count':
      return formatCount(value);
    case 'perSecond':
      return `${formatDecimal(value)}/s`;
    case 'bytes':
      return formatBytes(value);
    case 'bytesPerSecond':
      return `${formatBytes(value)}/s`;
    case 'percent':
      return formatPercent(value);
  }
}

/** Axis tick labels: short. */
export function formatTick(value: number, unit: Unit): string {
  switch (unit) {
    case 'bytes':
    case 'bytesPerSecond':
      return formatBytesShort(value);
    case 'percent':
      return `${Math.round(value)}%`;
    default:
      return formatShort(value);
  }
}
