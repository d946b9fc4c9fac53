// Logical replication of a database: what it publishes, what it subscribes
// to (each table's sync state, the worker), the server's slots with their
// lag, refreshed every two seconds; actions on subscriptions; and the guided
// "replicate these tables from another database" whose SQL is shown first.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { logicalStatus, replicationSetup, subscriptionAction, type LogicalStatus, type SubscriptionAction } from '../../api/replication';
import type { Server } from '../../api/servers';
import { Button } from '../../components/Button';
import { DataTable } from '../../components/DataTable';
import { SelectField, TextAreaField, TextField } from '../../components/Field';
import { errorMessage, formatBytes } from '../../lib/format';
import { currentServers } from '../../state/servers';
import { showToast } from '../../state/toasts';
import { DdlFrame } from '../dialogs/DdlFrame';

function useStatus(server: Server, database: string): { status: LogicalStatus | null; error: string | null; reload: () => void } {
  const [status, setStatus] = useState<LogicalStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    logicalStatus(server.id, database).then(
      (s) => live && (setStatus(s), setError(null)),
      (err: unknown) => live && setError(errorMessage(err)),
    );
    const timer = setTimeout(() => live && setTick((t) => t + 1), 2000);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [server.id, database, tick]);
  return { status, error, reload: () => setTick((t) => t + 1) };
}

function StatusView({ server, database }: { server: Server; database: string }): JSX.Element {
  const { status, error, reload } = useStatus(server, database);
  const act = async (name: string, action: SubscriptionAction) => {
    try {
      await subscriptionAction(server.id, database, name, action);
      showToast(`Subscription ${name}: ${action} done.`);
    } catch (err) {
      showToast(errorMessage(err), 'error');
    }
    reload();
  };
  if (error) return <p class="field-error">{error}</p>;
  if (!status)
    return (
      <p class="muted">
        <span class="spinner" aria-hidden="true" /> Reading the replication state…
      </p>
    );
  return (
    <div class="form-grid">
      {status.wal_level !== 'logical' && <p class="field-hint">wal_level is {status.wal_level}: this server cannot publish until it is set to logical and restarted.</p>}
      <DataTable columns={['Publication', 'Tables', 'Publishes']} label="Publications" note={status.publications.length === 0 && <>No publications in {database}.</>}>
        {status.publications.map((p) => (
          <tr key={p.name}>
            <td>{p.name}</td>
            <td>{p.all_tables ? 'all tables' : p.tables.map((t) => `${t.schema}.${t.name}`).join(', ')}</td>
            <td>{p.publish.join(', ')}</td>
          </tr>
        ))}
      </DataTable>
      <DataTable
        columns={['Subscription', 'State', 'Tables', 'Received', { label: 'Actions', hidden: true }]}
        label="Subscriptions"
        note={status.subscriptions.length === 0 && <>No subscriptions in {database}.</>}
      >
        {status.subscriptions.map((s) => (
          <tr key={s.name}>
            <td>{s.name}</td>
            <td>{s.enabled ? (s.worker_pid ? 'streaming' : 'enabled, no worker') : 'disabled'}</td>
            <td>{s.tables.map((t) => `${t.table}: ${t.state}`).join(', ')}</td>
            <td>{s.received_lsn ?? '—'}</td>
            <td class="job-actions">
              <Button small onClick={() => void act(s.name, s.enabled ? 'disable' : 'enable')}>
                {s.enabled ? 'Disable' : 'Enable'}
              </Button>
              <Button small onClick={() => void act(s.name, 'refresh')}>
                Refresh
              </Button>
              <Button small variant="danger" onClick={() => void act(s.name, 'drop')}>
                Drop
              </Button>
            </td>
          </tr>
        ))}
      </DataTable>
      <DataTable
        columns={['Slot', 'Database', 'Active', { label: 'Lag', class: 'num' }]}
        label="Replication slots"
        note={status.slots.length === 0 && 'No replication slots on this server.'}
      >
        {status.slots.map((s) => (
          <tr key={s.name}>
            <td>{s.name}</td>
            <td>{s.database ?? '—'}</td>
            <td>{s.active ? 'yes' : 'no'}</td>
            <td class="num">{s.lag_bytes === null ? '—' : formatBytes(s.lag_bytes)}</td>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}

interface ReplicationDialogProps {
  server: Server;
  database: string;
  onClose: () => void;
}

export function ReplicationDialog({ server, database, onClose }: ReplicationDialogProps): JSX.Element {
  const connected = currentServers().filter((s) => s.connected);
  const [sourceId, setSourceId] = useState(String(server.id));
  const [sourceDb, setSourceDb] = useState('');
  const [tables, setTables] = useState('');
  const [publication, setPublication] = useState(`${database}_pub`);
  const [subscription, setSubscription] = useState(`${database}_sub`);
  const parsed = tables
    .split(/[\n,]/)
    .map((t) => t.trim())
    .filter(Boolean)
    .map((t) => {
      const dot = t.indexOf('.');
      return dot > 0 ? { schema: t.slice(0, dot), name: t.slice(dot + 1) } : { schema: 'public', name: t };
    });
  const body = { database, source: { server_id: Number(sourceId), database: sourceDb.trim() }, tables: parsed, publication: publication.trim(), subscription: subscription.trim() };
  const idle = !sourceDb.trim() ? 'Give the database to replicate from.' : parsed.length === 0 ? 'Name the tables to replicate.' : undefined;
  const setup = (
    <div class="form-grid">
      <p class="muted">Replicates tables from another database (on this server or another one you are connected to) into {database}: tables it lacks are created as the publisher has them, then the publication, the slot and the subscription.</p>
      <div class="form-pair">
        <SelectField id="repl-source-server" label="From server" value={sourceId} options={connected.map((s) => ({ value: String(s.id), label: s.name }))} onValue={setSourceId} />
        <TextField id="repl-source-db" label="From database" required value={sourceDb} onValue={setSourceDb} />
      </div>
      <TextAreaField id="repl-tables" label="Tables (schema.table, one per line)" rows={4} mono value={tables} onValue={setTables} />
      <div class="form-pair">
        <TextField id="repl-publication" label="Publication" value={publication} onValue={setPublication} />
        <TextField id="repl-subscription" label="Subscription" value={subscription} onValue={setSubscription} />
      </div>
    </div>
  );
  return (
    <DdlFrame
      title={`Logical replication of ${database}`}
      sections={[
        { id: 'status', title: 'Status', content: <StatusView server={server} database={database} /> },
        { id: 'replicate', title: 'Replicate tables', content: setup },
      ]}
      formKey={JSON.stringify(body)}
      idle={idle}
      size="large"
      saveLabel="Replicate"
      send={(preview) => replicationSetup(server.id, body, preview)}
      onClose={onClose}
      onDone={() => showToast(`Replication of ${parsed.length} ${parsed.length === 1 ? 'table' : 'tables'} into ${database} started.`)}
    />
  );
}
