// Top statements from pg_stat_statements by total time, and per-table health
// (sizes, dead tuples, scans, vacuum and analyze, cache hits, unused indexes).
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { fetchHealth, fetchStatements, type Statement, type TableHealth } from '../../api/monitor';
import { SearchInput } from '../../components/SearchInput';
import { formatBytes, formatCount, formatDecimal, formatPercent, formatWhen, toNumber } from '../../lib/format';
import { MonitorTable, type Column } from './MonitorTable';
import { isCode, MonitorPanel, usePanelData, type PanelProps } from './panel';

const STATEMENTS_MS = 10_000;
const DEAD_WARN_PERCENT = 20;
const HIT_WARN_PERCENT = 90;
const text = (v: string | null) => v ?? '';
const num = (v: string | null) => toNumber(v);

const STATEMENT_COLUMNS: Array<Column<Statement>> = [
  { key: 'query', title: 'Query', class: 'dash-query', render: (s) => <span class="dash-clip-text dash-mono" title={text(s.query)}>{text(s.query)}</span>, sortValue: (s) => s.query },
  { key: 'calls', title: 'Calls', numeric: true, render: (s) => formatCount(s.calls), sortValue: (s) => num(s.calls) },
  { key: 'total', title: 'Total ms', numeric: true, render: (s) => formatDecimal(s.total_ms), sortValue: (s) => num(s.total_ms) },
  { key: 'mean', title: 'Mean ms', numeric: true, render: (s) => formatDecimal(s.mean_ms), sortValue: (s) => num(s.mean_ms) },
  { key: 'max', title: 'Max ms', numeric: true, render: (s) => formatDecimal(s.max_ms), sortValue: (s) => num(s.max_ms) },
  { key: 'rows', title: 'Rows', numeric: true, render: (s) => formatCount(s.rows), sortValue: (s) => num(s.rows) },
  { key: 'hit', title: 'Cache hit', numeric: true, render: (s) => formatPercent(s.hit_percent), sortValue: (s) => num(s.hit_percent) },
  { key: 'read', title: 'Blocks read', numeric: true, render: (s) => formatCount(s.shared_blks_read), sortValue: (s) => num(s.shared_blks_read) },
  { key: 'user', title: 'User', render: (s) => text(s.user), sortValue: (s) => s.user },
  { key: 'database', title: 'Database', render: (s) => text(s.database), sortValue: (s) => s.database },
];

export function StatementsPanel({ serverId, database, visible }: PanelProps): JSX.Element {
  const data = usePanelData(() => fetchStatements(serverId, database), `${serverId}|${database ?? ''}`, visible, STATEMENTS_MS);
  const [filter, setFilter] = useState('');
  const missing = isCode(data.error, 'extension_missing');
  const needle = filter.toLowerCase();
  const rows = (data.value ?? []).filter((s) => !needle || [s.query, s.user, s.database].join('\u0000').toLowerCase().includes(needle));
  return (
    <MonitorPanel
      label="Top statements"
      data={data}
      live
      calm={missing}
      tools={
        <>
          <SearchInput class="dash-filter" placeholder="Filter statements" value={filter} onValue={setFilter} />
          <span class="dash-bar-count">The 100 statements with the most total time {database ? `in ${database}` : 'on the server'}, from pg_stat_statements</span>
        </>
      }
    >
      <MonitorTable
        label="Top statements"
        columns={STATEMENT_COLUMNS}
        rows={rows}
        rowKey={(s) => `${text(s.queryid)}|${text(s.user)}|${text(s.database)}`}
        initialSort={{ key: 'total', descending: true }}
        empty={data.value === null ? 'Loading…' : filter ? 'No statement matches the filter.' : 'No statements recorded yet.'}
      />
    </MonitorPanel>
  );
}

const HEALTH_COLUMNS: Array<Column<TableHealth>> = [
  { key: 'table', title: 'Table', render: (t) => `${t.schema}.${t.table}`, sortValue: (t) => `${t.schema}.${t.table}` },
  { key: 'total', title: 'Total size', numeric: true, render: (t) => formatBytes(t.total_bytes), sortValue: (t) => num(t.total_bytes) },
  { key: 'table_size', title: 'Table', numeric: true, render: (t) => formatBytes(t.table_bytes), sortValue: (t) => num(t.table_bytes) },
  { key: 'index_size', title: 'Indexes', numeric: true, render: (t) => formatBytes(t.index_bytes), sortValue: (t) => num(t.index_bytes) },
  { key: 'live', title: 'Live rows', numeric: true, render: (t) => formatCount(t.live_tuples), sortValue: (t) => num(t.live_tuples) },
  { key: 'dead', title: 'Dead rows', numeric: true, render: (t) => formatCount(t.dead_tuples), sortValue: (t) => num(t.dead_tuples) },
  {
    key: 'dead_percent',
    title: 'Dead %',
    numeric: true,
    render: (t) => <span class={(num(t.dead_percent) ?? 0) >= DEAD_WARN_PERCENT ? 'dash-warn-text' : undefined}>{formatPercent(t.dead_percent)}</span>,
    sortValue: (t) => num(t.dead_percent),
  },
  { key: 'seq', title: 'Seq scans', numeric: true, render: (t) => formatCount(t.seq_scan), sortValue: (t) => num(t.seq_scan) },
  { key: 'idx', title: 'Index scans', numeric: true, render: (t) => formatCount(t.idx_scan), sortValue: (t) => num(t.idx_scan) },
  { key: 'vacuum', title: 'Last vacuum', numeric: true, hint: 'Manual or automatic, whichever was later', render: (t) => formatWhen(t.last_vacuum), sortValue: (t) => t.last_vacuum },
  { key: 'analyze', title: 'Last analyze', numeric: true, hint: 'Manual or automatic, whichever was later', render: (t) => formatWhen(t.last_analyze), sortValue: (t) => t.last_analyze },
  {
    key: 'hit',
    title: 'Cache hit',
    numeric: true,
    render: (t) => {
      const hit = num(t.cache_hit_percent);
      return <span class={hit !== null && hit < HIT_WARN_PERCENT ? 'dash-warn-text' : undefined}>{formatPercent(hit)}</span>;
    },
    sortValue: (t) => num(t.cache_hit_percent),
  },
  {
    key: 'unused',
    title: 'Unused indexes',
    class: 'dash-clip',
    hint: 'Non-unique indexes never scanned since the statistics were reset',
    render: (t) => (t.unused_indexes ? <span class="dash-warn-text" title={t.unused_indexes}>{t.unused_indexes}</span> : ''),
    sortValue: (t) => t.unused_indexes,
  },
];

export function HealthPanel({ serverId, database, visible }: PanelProps & { database: string }): JSX.Element {
  const data = usePanelData(() => fetchHealth(serverId, database), `${serverId}|${database}`, visible);
  return (
    <MonitorPanel
      label="Table health"
      data={data}
      tools={<span class="dash-bar-count">{data.value ? `${formatCount(data.value.length)} ${data.value.length === 1 ? 'table' : 'tables'} in ${database}` : ''}</span>}
    >
      <MonitorTable
        label="Table health"
        columns={HEALTH_COLUMNS}
        rows={data.value ?? []}
        rowKey={(t) => `${t.schema}.${t.table}`}
        initialSort={{ key: 'total', descending: true }}
        empty={data.value === null ? 'Loading…' : 'No user tables in this database.'}
      />
    </MonitorPanel>
  );
}
