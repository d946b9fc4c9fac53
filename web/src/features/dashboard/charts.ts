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

const rate = (key: Exclude<keyof SampleRates, 'hit_ratio'>) => (s: Sample) => s.rates?.[key] ?? null;

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
  {
    id: 'transactions',
    title: 'Transactions per second',
    unit: 'perSecond',
    series: [
      { label: 'commits', color: '--chart-2', value: rate('commits') },
      { label: 'rollbacks', color: '--chart-4', value: rate('rollbacks') },
    ],
  },
  {
    id: 'tuples-in',
    title: 'Tuples in',
    unit: 'perSecond',
    series: [
      { label: 'inserted', color: '--chart-2', value: rate('inserted') },
      { label: 'updated', color: '--chart-1', value: rate('updated') },
      { label: 'deleted', color: '--chart-4', value: rate('deleted') },
    ],
  },
  {
    id: 'tuples-out',
    title: 'Tuples out',
    unit: 'perSecond',
    series: [
      { label: 'fetched', color: '--chart-1', value: rate('fetched') },
      { label: 'returned', color: '--chart-5', value: rate('returned') },
    ],
  },
  {
    id: 'block-io',
    title: 'Block I/O',
    unit: 'perSecond',
    series: [
      { label: 'reads', color: '--chart-3', value: rate('blocks_read') },
      { label: 'hits', color: '--chart-1', value: rate('blocks_hit') },
      {
        label: 'hit ratio',
        color: '--chart-2',
        unit: 'percent',
        right: true,
        value: (s) => (s.rates?.hit_ratio === null || s.rates?.hit_ratio === undefined ? null : s.rates.hit_ratio * 100),
      },
    ],
  },
  {
    id: 'temp-deadlocks',
    title: 'Temp files & deadlocks',
    unit: 'perSecond',
    series: [
      { label: 'temp files', color: '--chart-5', value: rate('temp_files') },
      { label: 'deadlocks', color: '--chart-4', value: rate('deadlocks') },
      { label: 'temp bytes', color: '--chart-3', unit: 'bytesPerSecond', right: true, value: rate('temp_bytes') },
    ],
  },
  {
    id: 'wal',
    title: 'WAL generated',
    unit: 'bytesPerSecond',
    series: [{ label: 'WAL', color: '--chart-5', value: rate('wal_bytes'), fill: true }],
  },
  {
    id: 'replication-lag',
    title: 'Replication lag',
    unit: 'bytes',
    series: [{ label: 'lag', color: '--chart-3', value: (s) => s.replication_lag_bytes, fill: true }],
  },
  {
    id: 'database-size',
    title: 'Database size',
    unit: 'bytes',
    series: [{ label: 'size', color: '--chart-1', value: (s) => s.database_size, fill: true }],
  },
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
