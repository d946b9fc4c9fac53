// Server activity: one row per backend, blocked sessions indented under the
// session that blocks them, long-running and idle-in-transaction sessions
// marked, and Cancel / Terminate with a confirmation.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { fetchActivity, signalBackend, type Backend } from '../../api/monitor';
import { Icon } from '../../components/Icon';
import { SearchInput } from '../../components/SearchInput';
import { showToast } from '../../state/toasts';
import { formatSeconds, formatWhen, toNumber } from '../../lib/format';
import { MonitorTable, type Column } from './MonitorTable';
import { ConfirmDialog, MonitorPanel, usePanelData, type Confirmation, type PanelProps } from './panel';

const REFRESH_MS = 2000;
const LONG_SECONDS = 60;

interface Node {
  row: Backend;
  depth: number;
  /** Every pid that blocks it (it is drawn under the first). */
  blockers: string[];
  /** How many sessions wait on it, directly or not. */
  blocking: number;
}

const pidsOf = (list: string | null) => (list ?? '').split(',').filter((p) => p !== '');

/** The rows in tree order: blockers first, each followed by the sessions it blocks, indented. */
function blockingTree(rows: Backend[]): Node[] {
  const byPid = new Map(rows.map((r) => [r.pid, r]));
  const blockersOf = (r: Backend) => pidsOf(r.blocked_by).filter((p) => p !== r.pid && byPid.has(p));
  const children = new Map<string, Backend[]>();
  const roots: Backend[] = [];
  for (const r of rows) {
    const first = blockersOf(r)[0];
    if (first === undefined) roots.push(r);
    else children.set(first, [...(children.get(first) ?? []), r]);
  }
  const out: Node[] = [];
  const seen = new Set<string>();
  const size = (pid: string, guard: Set<string>): number =>
    (children.get(pid) ?? []).reduce((n, c) => (guard.has(c.pid) ? n : (guard.add(c.pid), n + 1 + size(c.pid, guard))), 0);
  const walk = (r: Backend, depth: number) => {
    if (seen.has(r.pid)) return;
    seen.add(r.pid);
    out.push({ row: r, depth, blockers: pidsOf(r.blocked_by), blocking: size(r.pid, new Set([r.pid])) });
    for (const c of children.get(r.pid) ?? []) walk(c, depth + 1);
  };
  const blockingRoots = roots.filter((r) => children.has(r.pid));
  [...blockingRoots, ...roots.filter((r) => !children.has(r.pid))].forEach((r) => walk(r, 0));
  // Sessions that wait on each other in a ring have no root: show them flat.
  rows.forEach((r) => walk(r, 0));
  return out;
}

const isIdleInTransaction = (r: Backend) => (r.state ?? '').startsWith('idle in transaction');
const isLong = (r: Backend) => r.state === 'active' && (toNumber(r.query_seconds) ?? 0) > LONG_SECONDS && r.backend_type === 'client backend';
/** Backends attached to a database can be signalled; Tusk's own connection is not offered. */
const signallable = (r: Backend) => r.is_tusk !== 't' && r.database !== null;

function duration(r: Backend): string {
  if (isIdleInTransaction(r)) return formatSeconds(r.transaction_seconds);
  if (r.state === 'active') return formatSeconds(r.query_seconds);
  return '';
}

function matches(r: Backend, filter: string): boolean {
  if (!filter) return true;
  const text = [r.pid, r.user, r.database, r.application, r.client, r.state, r.wait_event, r.backend_type, r.query].join('\u0000').toLowerCase();
  return text.includes(filter.toLowerCase());
}

export function ActivityPanel({ serverId, visible }: PanelProps): JSX.Element {
  const data = usePanelData(() => fetchActivity(serverId), String(serverId), visible, REFRESH_MS);
  const [filter, setFilter] = useState('');
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [confirm, setConfirm] = useState<Confirmation | null>(null);

  const toggle = (pid: string) => {
    const next = new Set(expanded);
    if (!next.delete(pid)) next.add(pid);
    setExpanded(next);
  };

  const ask = (r: Backend, how: 'cancel' | 'terminate') => {
    const verb = how === 'cancel' ? 'Cancel query' : 'Terminate';
    setConfirm({
      title: how === 'cancel' ? `Cancel the query of backend ${r.pid}?` : `Terminate backend ${r.pid}?`,
      action: verb,
      danger: how === 'terminate',
      body: (
        <>
          <p>
            {how === 'cancel'
              ? 'PostgreSQL stops the running statement; the session stays connected.'
              : 'PostgreSQL ends the session; its open transaction is rolled back.'}
          </p>
          <dl class="dash-facts">
            <dt>User</dt>
            <dd>{r.user ?? '—'}</dd>
            <dt>Database</dt>
            <dd>{r.database ?? '—'}</dd>
            <dt>Application</dt>
            <dd>{r.application || '—'}</dd>
            <dt>Query</dt>
            <dd class="dash-mono">{r.query || '—'}</dd>
          </dl>
        </>
      ),
      run: async () => {
        await signalBackend(serverId, r.pid, how);
        showToast(how === 'cancel' ? `Asked backend ${r.pid} to cancel its query.` : `Terminated backend ${r.pid}.`);
        data.refresh();
      },
    });
  };

  const columns: Array<Column<Node>> = [
    {
      key: 'actions',
      title: '',
      class: 'dash-row-actions',
      render: (n) =>
        signallable(n.row) ? (
          <span class="dash-actions">
            <button
              type="button"
              class="dash-icon-btn"
              disabled={n.row.state !== 'active'}
              title="Cancel query"
              aria-label={`Cancel query of ${n.row.pid}`}
              onClick={() => ask(n.row, 'cancel')}
            >
              <Icon name="ban" size={14} />
            </button>
            <button type="button" class="dash-icon-btn is-danger" title="Terminate" aria-label={`Terminate ${n.row.pid}`} onClick={() => ask(n.row, 'terminate')}>
              <Icon name="unplug" size={14} />
            </button>
          </span>
        ) : null,
    },
    {
      key: 'pid',
      title: 'PID',
      numeric: true,
      render: (n) => (
        <span class="dash-pid" style={{ paddingLeft: `${n.depth * 14}px` }}>
          {n.depth > 0 && <span class="dash-tree-mark" aria-label={`blocked by ${n.blockers.join(', ')}`}>└</span>}
          {n.row.pid}
        </span>
      ),
    },
    {
      key: 'flags',
      title: '',
      class: 'dash-flags',
      render: (n) => (
        <>
          {n.row.is_tusk === 't' && <span class="dash-badge is-accent" title="The connection Tusk reads this list on">Tusk</span>}
          {n.blocking > 0 && <span class="dash-badge is-danger" title={`${n.blocking} session(s) wait on it`}>blocks {n.blocking}</span>}
          {n.blockers.length > 0 && <span class="dash-badge is-warn" title={`Waiting for ${n.blockers.join(', ')}`}>waits</span>}
        </>
      ),
    },
    { key: 'user', title: 'User', render: (n) => n.row.user ?? '' },
    { key: 'database', title: 'Database', render: (n) => n.row.database ?? '' },
    { key: 'application', title: 'Application', class: 'dash-clip', render: (n) => <span title={n.row.application ?? ''}>{n.row.application ?? ''}</span> },
    { key: 'client', title: 'Client', render: (n) => n.row.client ?? '' },
    { key: 'state', title: 'State', render: (n) => <span class="dash-state">{n.row.state ?? ''}</span> },
    {
      key: 'wait',
      title: 'Wait event',
      render: (n) => (n.row.wait_event ? <span title={n.row.wait_event_type ?? ''}>{n.row.wait_event}</span> : ''),
    },
    { key: 'start', title: 'Query start', numeric: true, render: (n) => (n.row.query_start ? formatWhen(n.row.query_start) : '') },
    { key: 'duration', title: 'Duration', numeric: true, render: (n) => duration(n.row) },
    {
      key: 'query',
      title: 'Query',
      class: 'dash-query',
      render: (n) =>
        n.row.query ? (
          <button
            type="button"
            class="dash-query-btn"
            title={n.row.query}
            aria-expanded={expanded.has(n.row.pid)}
            onClick={() => toggle(n.row.pid)}
          >
            <Icon name={expanded.has(n.row.pid) ? 'chevronDown' : 'chevronRight'} size={12} />
            <span>{n.row.query}</span>
          </button>
        ) : (
          ''
        ),
    },
    { key: 'type', title: 'Backend type', render: (n) => <span class="muted">{n.row.backend_type ?? ''}</span> },
  ];

  const rows = blockingTree((data.value ?? []).filter((r) => matches(r, filter)));
  const rowClass = (n: Node) =>
    [isLong(n.row) ? 'is-long' : '', isIdleInTransaction(n.row) ? 'is-idle-tx' : '', n.row.is_tusk === 't' ? 'is-tusk' : '', n.blockers.length ? 'is-blocked' : '']
      .filter(Boolean)
      .join(' ');

  return (
    <MonitorPanel
      label="Activity"
      data={data}
      live
      tools={
        <>
          <SearchInput class="dash-filter" placeholder="Filter sessions" value={filter} onValue={setFilter} />
          <span class="dash-legend-note">
            <span class="dash-key is-long" /> active &gt; 1 min <span class="dash-key is-idle-tx" /> idle in transaction
          </span>
        </>
      }
    >
      <MonitorTable
        label="Sessions"
        columns={columns}
        rows={rows}
        rowKey={(n) => n.row.pid}
        rowClass={rowClass}
        onActivate={(n) => n.row.query && toggle(n.row.pid)}
        detail={(n) => (expanded.has(n.row.pid) && n.row.query ? <pre class="dash-query-full">{n.row.query}</pre> : null)}
        empty={data.value === null ? 'Loading…' : filter ? 'No session matches the filter.' : 'No sessions.'}
      />
      {confirm && <ConfirmDialog confirmation={confirm} onClose={() => setConfirm(null)} />}
    </MonitorPanel>
  );
}
