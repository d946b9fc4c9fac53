// Replication: standbys streaming from this server, replication slots with
// the WAL each holds back (an alarm above 1 GiB), and subscriptions.
import type { JSX } from 'preact';
import { fetchReplication, type Slot, type Standby, type Subscription } from '../../api/monitor';
import { formatBytes, formatSeconds, formatWhen, toNumber } from '../../lib/format';
import { MonitorTable, type Column } from './MonitorTable';
import { MonitorPanel, usePanelData, type PanelProps } from './panel';

const REFRESH_MS = 5000;
const ALARM_BYTES = 1024 ** 3;
const text = (v: string | null) => v ?? '';
const lsn = (v: string | null) => <span class="dash-mono">{text(v)}</span>;

const STANDBY_COLUMNS: Array<Column<Standby>> = [
  { key: 'application', title: 'Application', render: (s) => text(s.application), sortValue: (s) => s.application },
  { key: 'client', title: 'Client', render: (s) => text(s.client), sortValue: (s) => s.client },
  { key: 'user', title: 'User', render: (s) => text(s.user), sortValue: (s) => s.user },
  { key: 'state', title: 'State', render: (s) => text(s.state), sortValue: (s) => s.state },
  { key: 'sync', title: 'Sync', render: (s) => text(s.sync_state), sortValue: (s) => s.sync_state },
  { key: 'sent', title: 'Sent LSN', render: (s) => lsn(s.sent_lsn) },
  { key: 'replay', title: 'Replay LSN', render: (s) => lsn(s.replay_lsn) },
  { key: 'write_lag', title: 'Write lag', numeric: true, render: (s) => formatSeconds(s.write_lag_seconds), sortValue: (s) => toNumber(s.write_lag_seconds) },
  { key: 'flush_lag', title: 'Flush lag', numeric: true, render: (s) => formatSeconds(s.flush_lag_seconds), sortValue: (s) => toNumber(s.flush_lag_seconds) },
  { key: 'replay_lag', title: 'Replay lag', numeric: true, render: (s) => formatSeconds(s.replay_lag_seconds), sortValue: (s) => toNumber(s.replay_lag_seconds) },
  { key: 'lag_bytes', title: 'Behind', numeric: true, render: (s) => formatBytes(s.replay_lag_bytes), sortValue: (s) => toNumber(s.replay_lag_bytes) },
];

const SLOT_COLUMNS: Array<Column<Slot>> = [
  { key: 'name', title: 'Slot', class: 'dash-mono', render: (s) => s.slot_name, sortValue: (s) => s.slot_name },
  { key: 'type', title: 'Type', render: (s) => text(s.slot_type), sortValue: (s) => s.slot_type },
  { key: 'plugin', title: 'Plugin', render: (s) => text(s.plugin), sortValue: (s) => s.plugin },
  { key: 'database', title: 'Database', render: (s) => text(s.database), sortValue: (s) => s.database },
  {
    key: 'active',
    title: 'Active',
    render: (s) => (s.active === 't' ? `yes (pid ${text(s.active_pid)})` : <span class="muted">no</span>),
    sortValue: (s) => s.active,
  },
  { key: 'wal_status', title: 'WAL status', render: (s) => text(s.wal_status), sortValue: (s) => s.wal_status },
  { key: 'restart', title: 'Restart LSN', render: (s) => lsn(s.restart_lsn) },
  { key: 'confirmed', title: 'Confirmed flush LSN', render: (s) => lsn(s.confirmed_flush_lsn) },
  {
    key: 'retained',
    title: 'WAL retained',
    numeric: true,
    hint: 'WAL the slot keeps on disk until its consumer catches up',
    render: (s) =>
      (toNumber(s.retained_bytes) ?? 0) > ALARM_BYTES ? (
        <span class="dash-alarm" title="More than 1 GiB of WAL held back">
          {formatBytes(s.retained_bytes)}
        </span>
      ) : (
        formatBytes(s.retained_bytes)
      ),
    sortValue: (s) => toNumber(s.retained_bytes),
  },
];

const SUBSCRIPTION_COLUMNS: Array<Column<Subscription>> = [
  { key: 'name', title: 'Subscription', render: (s) => s.name, sortValue: (s) => s.name },
  { key: 'pid', title: 'Worker PID', numeric: true, render: (s) => text(s.pid), sortValue: (s) => toNumber(s.pid) },
  { key: 'relation', title: 'Syncing table', render: (s) => text(s.relation), sortValue: (s) => s.relation },
  { key: 'received', title: 'Received LSN', render: (s) => lsn(s.received_lsn) },
  { key: 'latest', title: 'Latest end LSN', render: (s) => lsn(s.latest_end_lsn) },
  { key: 'last', title: 'Last message', numeric: true, render: (s) => formatWhen(s.last_message), sortValue: (s) => s.last_message },
];

export function ReplicationPanel({ serverId, visible }: PanelProps): JSX.Element {
  const data = usePanelData(() => fetchReplication(serverId), String(serverId), visible, REFRESH_MS);
  const value = data.value;
  const loading = value === null ? 'Loading…' : null;
  return (
    <MonitorPanel label="Replication" data={data} live>
      <section class="dash-section" aria-label="Standbys">
        <h3>Standbys</h3>
        <MonitorTable label="Standbys" columns={STANDBY_COLUMNS} rows={value?.standbys ?? []} rowKey={(s) => text(s.pid)} empty={loading ?? 'No standby is streaming from this server.'} />
      </section>
      <section class="dash-section" aria-label="Replication slots">
        <h3>Replication slots</h3>
        <MonitorTable
          label="Replication slots"
          columns={SLOT_COLUMNS}
          rows={value?.slots ?? []}
          rowKey={(s) => s.slot_name}
          rowClass={(s) => ((toNumber(s.retained_bytes) ?? 0) > ALARM_BYTES ? 'is-alarm' : '')}
          empty={loading ?? 'No replication slots.'}
        />
      </section>
      <section class="dash-section" aria-label="Subscriptions">
        <h3>Subscriptions</h3>
        <MonitorTable
          label="Subscriptions"
          columns={SUBSCRIPTION_COLUMNS}
          rows={value?.subscriptions ?? []}
          rowKey={(s) => `${s.name}|${text(s.pid)}|${text(s.relation)}`}
          empty={loading ?? 'No subscriptions.'}
        />
      </section>
    </MonitorPanel>
  );
}
