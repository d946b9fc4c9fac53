// Locks (waiting ones first, with how long they wait and who holds the
// session), prepared transactions (commit or roll back), and running
// maintenance commands with their progress.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { fetchLocks, fetchPrepared, fetchProgress, finishPrepared, type Lock, type PreparedXact, type Progress } from '../../api/monitor';
import { Button } from '../../components/Button';
import { showToast } from '../../state/toasts';
import { formatCount, formatSeconds, formatWhen, toNumber } from '../../lib/format';
import { MonitorTable, type Column } from './MonitorTable';
import { ConfirmDialog, MonitorPanel, usePanelData, type Confirmation, type PanelProps } from './panel';

const LIVE_MS = 2000;
const PREPARED_MS = 5000;

const since = (iso: string | null) => (iso ? (Date.now() - new Date(iso).getTime()) / 1000 : null);
const text = (v: string | null) => v ?? '';

function lockedObject(l: Lock): string {
  if (l.relation) return l.page !== null ? `${l.relation} page ${l.page}${l.tuple !== null ? ` tuple ${l.tuple}` : ''}` : l.relation;
  if (l.transaction_id) return `transaction ${l.transaction_id}`;
  if (l.virtualxid) return `virtual transaction ${l.virtualxid}`;
  return '';
}

const LOCK_COLUMNS: Array<Column<Lock>> = [
  { key: 'pid', title: 'PID', numeric: true, render: (l) => text(l.pid), sortValue: (l) => toNumber(l.pid) },
  {
    key: 'granted',
    title: 'Granted',
    render: (l) => (l.granted === 't' ? <span class="muted">granted</span> : <span class="dash-badge is-warn">waiting</span>),
    sortValue: (l) => l.granted,
  },
  { key: 'mode', title: 'Mode', render: (l) => text(l.mode), sortValue: (l) => l.mode },
  { key: 'locktype', title: 'Lock type', render: (l) => text(l.locktype), sortValue: (l) => l.locktype },
  { key: 'object', title: 'Object', render: (l) => lockedObject(l), sortValue: (l) => lockedObject(l) },
  { key: 'database', title: 'Database', render: (l) => text(l.database), sortValue: (l) => l.database },
  { key: 'user', title: 'User', render: (l) => text(l.user), sortValue: (l) => l.user },
  { key: 'application', title: 'Application', render: (l) => text(l.application), sortValue: (l) => l.application },
  {
    key: 'waiting',
    title: 'Waiting for',
    numeric: true,
    render: (l) => (l.waiting_since ? formatSeconds(since(l.waiting_since)) : ''),
    sortValue: (l) => since(l.waiting_since),
  },
  { key: 'query', title: 'Query of the session', class: 'dash-query', render: (l) => <span class="dash-clip-text" title={text(l.query)}>{text(l.query)}</span> },
];

export function LocksPanel({ serverId, visible }: PanelProps): JSX.Element {
  const data = usePanelData(() => fetchLocks(serverId), String(serverId), visible, LIVE_MS);
  const rows = data.value ?? [];
  return (
    <MonitorPanel
      label="Locks"
      data={data}
      live
      tools={
        <>
          <span class="dash-bar-count">
            {formatCount(rows.length)} {rows.length === 1 ? 'lock' : 'locks'}, {formatCount(rows.filter((l) => l.granted !== 't').length)} waiting
          </span>
        </>
      }
    >
      <MonitorTable
        label="Locks"
        columns={LOCK_COLUMNS}
        rows={rows}
        rowKey={(l) => [l.pid, l.locktype, l.mode, l.database, l.relation, l.page, l.tuple, l.virtualxid, l.transaction_id].join('|')}
        rowClass={(l) => (l.granted === 't' ? '' : 'is-waiting')}
        empty={data.value === null ? 'Loading…' : 'No locks.'}
      />
    </MonitorPanel>
  );
}

export function PreparedPanel({ serverId, visible }: PanelProps): JSX.Element {
  const data = usePanelData(() => fetchPrepared(serverId), String(serverId), visible, PREPARED_MS);
  const [confirm, setConfirm] = useState<Confirmation | null>(null);

  const ask = (p: PreparedXact, how: 'commit' | 'rollback') => {
    const verb = how === 'commit' ? 'Commit' : 'Roll back';
    setConfirm({
      title: `${verb} prepared transaction?`,
      action: verb,
      danger: how === 'rollback',
      body: (
        <>
          <p>
            {how === 'commit' ? 'Its changes become visible to everyone.' : 'Its changes are thrown away.'} This cannot be undone.
          </p>
          <dl class="dash-facts">
            <dt>GID</dt>
            <dd class="dash-mono">{p.gid}</dd>
            <dt>Database</dt>
            <dd>{p.database}</dd>
            <dt>Owner</dt>
            <dd>{text(p.owner)}</dd>
            <dt>Prepared</dt>
            <dd>{formatWhen(p.prepared)}</dd>
          </dl>
        </>
      ),
      run: async () => {
        await finishPrepared(serverId, how, p.gid, p.database);
        showToast(`${how === 'commit' ? 'Committed' : 'Rolled back'} prepared transaction ${p.gid}.`);
        data.refresh();
      },
    });
  };

  const columns: Array<Column<PreparedXact>> = [
    { key: 'gid', title: 'GID', class: 'dash-mono', render: (p) => p.gid, sortValue: (p) => p.gid },
    { key: 'transaction', title: 'Transaction', numeric: true, render: (p) => text(p.transaction), sortValue: (p) => toNumber(p.transaction) },
    { key: 'owner', title: 'Owner', render: (p) => text(p.owner), sortValue: (p) => p.owner },
    { key: 'database', title: 'Database', render: (p) => p.database, sortValue: (p) => p.database },
    { key: 'prepared', title: 'Prepared', numeric: true, render: (p) => formatWhen(p.prepared), sortValue: (p) => p.prepared },
    { key: 'age', title: 'Age', numeric: true, render: (p) => formatSeconds(since(p.prepared)), sortValue: (p) => since(p.prepared) },
    {
      key: 'actions',
      title: '',
      class: 'actions-col',
      render: (p) => (
        <span class="dash-actions">
          <Button small onClick={() => ask(p, 'commit')} aria-label={`Commit ${p.gid}`}>
            Commit
          </Button>
          <Button small variant="danger" onClick={() => ask(p, 'rollback')} aria-label={`Roll back ${p.gid}`}>
            Roll back
          </Button>
        </span>
      ),
    },
  ];

  return (
    <MonitorPanel label="Prepared transactions" data={data} live>
      <MonitorTable
        label="Prepared transactions"
        columns={columns}
        rows={data.value ?? []}
        rowKey={(p) => `${p.database}|${p.gid}`}
        empty={data.value === null ? 'Loading…' : 'No prepared transactions.'}
      />
      {confirm && <ConfirmDialog confirmation={confirm} onClose={() => setConfirm(null)} />}
    </MonitorPanel>
  );
}

function PercentBar({ percent }: { percent: string | null }): JSX.Element {
  const n = toNumber(percent);
  if (n === null) return <span class="muted">—</span>;
  const clamped = Math.max(0, Math.min(100, n));
  return (
    <span class="dash-progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={clamped}>
      <span class="dash-progress-track">
        <span class="dash-progress-fill" style={{ width: `${clamped}%` }} />
      </span>
      <span class="dash-progress-text">{clamped.toFixed(1)} %</span>
    </span>
  );
}

const PROGRESS_COLUMNS: Array<Column<Progress>> = [
  { key: 'command', title: 'Command', render: (p) => text(p.command), sortValue: (p) => p.command },
  { key: 'pid', title: 'PID', numeric: true, render: (p) => text(p.pid), sortValue: (p) => toNumber(p.pid) },
  { key: 'database', title: 'Database', render: (p) => text(p.database), sortValue: (p) => p.database },
  { key: 'relation', title: 'Relation', render: (p) => text(p.relation), sortValue: (p) => p.relation },
  { key: 'phase', title: 'Phase', render: (p) => text(p.phase), sortValue: (p) => p.phase },
  { key: 'percent', title: 'Progress', class: 'dash-progress-col', render: (p) => <PercentBar percent={p.percent} />, sortValue: (p) => toNumber(p.percent) },
];

export function ProgressPanel({ serverId, visible }: PanelProps): JSX.Element {
  const data = usePanelData(() => fetchProgress(serverId), String(serverId), visible, LIVE_MS);
  return (
    <MonitorPanel label="Progress" data={data} live>
      <MonitorTable
        label="Running commands"
        columns={PROGRESS_COLUMNS}
        rows={data.value ?? []}
        rowKey={(p) => `${p.command}|${p.pid}`}
        empty={data.value === null ? 'Loading…' : 'No VACUUM, ANALYZE, CREATE INDEX, CLUSTER or base backup is running.'}
      />
    </MonitorPanel>
  );
}
