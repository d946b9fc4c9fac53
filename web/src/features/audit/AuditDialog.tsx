import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { listAudit, type AuditPage } from '../../api/audit';
import type { AuditEntry } from '../../api/types';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { DataTable } from '../../components/DataTable';
import { FormError } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { SearchInput } from '../../components/SearchInput';
import { errorMessage, formatDetail, formatTime } from '../../lib/format';

const PAGE_SIZE = 50;
const TYPING_DELAY_MS = 300;

interface Filter {
  q: string;
  event: string;
  offset: number;
}

/** Text typed into the search box reaches the server after a short pause. */
function useDebounced<T>(value: T, delay: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(value), delay);
    return () => window.clearTimeout(timer);
  }, [value, delay]);
  return settled;
}

function useAuditPage(filter: Filter, reloads: number) {
  const [page, setPage] = useState<AuditPage | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    const load = async () => {
      setLoading(true);
      try {
        const next = await listAudit({ limit: PAGE_SIZE, offset: filter.offset, q: filter.q.trim(), event: filter.event.trim() });
        if (current) {
          setPage(next);
          setError(null);
        }
      } catch (err) {
        if (current) setError(errorMessage(err));
      } finally {
        if (current) setLoading(false);
      }
    };
    void load();
    return () => {
      current = false;
    };
  }, [filter.q, filter.event, filter.offset, reloads]);
  return { page, loading, error };
}

export function AuditDialog({ onClose }: { onClose: () => void }): JSX.Element {
  const [typed, setTyped] = useState({ q: '', event: '' });
  const [offset, setOffset] = useState(0);
  const [reloads, setReloads] = useState(0);
  const [knownEvents, setKnownEvents] = useState<string[]>([]);
  const settled = useDebounced(typed, TYPING_DELAY_MS);
  const { page, loading, error } = useAuditPage({ ...settled, offset }, reloads);

  useEffect(() => {
    const seen = page?.entries.map((e) => e.event) ?? [];
    setKnownEvents((known) => Array.from(new Set([...known, ...seen])).sort());
  }, [page]);

  const filterBy = (change: Partial<typeof typed>) => {
    setTyped({ ...typed, ...change });
    setOffset(0);
  };

  return (
    <Dialog title="Audit log" size="large" onClose={onClose} footer={<Button onClick={onClose}>Close</Button>}>
      <div class="filter-bar">
        <SearchInput class="filter-search" placeholder="Filter by user, address or detail" label="Filter entries" value={typed.q} onValue={(q) => filterBy({ q })} />
        <input
          class="filter-event"
          aria-label="Event"
          placeholder="All events"
          list="audit-events"
          value={typed.event}
          onInput={(e) => filterBy({ event: e.currentTarget.value })}
        />
        <datalist id="audit-events">
          {knownEvents.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
        <Button small onClick={() => setReloads(reloads + 1)} aria-label="Refresh" title="Refresh">
          <Icon name="refresh" size={14} />
        </Button>
      </div>
      <FormError message={error} />
      <AuditTable entries={page?.entries ?? []} loading={loading} />
      <Pager offset={offset} shown={page?.entries.length ?? 0} total={page?.total ?? 0} onOffset={setOffset} />
    </Dialog>
  );
}

function AuditTable({ entries, loading }: { entries: AuditEntry[]; loading: boolean }): JSX.Element {
  return (
    <DataTable
      columns={['Time', 'User', 'Event', 'Client', 'Detail']}
      wrap="audit-table"
      busy={loading}
      note={entries.length === 0 && (loading ? 'Loading…' : 'No entries match.')}
    >
      {entries.map((entry) => (
        <tr key={entry.id}>
          <td class="cell-time">{formatTime(entry.time)}</td>
          <td>{entry.user_email ?? '—'}</td>
          <td>
            <code class="event-name">{entry.event}</code>
          </td>
          <td class="cell-mono">{entry.client_addr ?? '—'}</td>
          <td class="cell-detail" title={formatDetail(entry.detail)}>
            {formatDetail(entry.detail)}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

interface PagerProps {
  offset: number;
  shown: number;
  total: number;
  onOffset: (offset: number) => void;
}

function Pager({ offset, shown, total, onOffset }: PagerProps): JSX.Element {
  const range = shown === 0 ? `0 of ${total}` : `${offset + 1}–${offset + shown} of ${total}`;
  return (
    <div class="pager">
      <span class="muted" aria-live="polite">
        {range}
      </span>
      <Button small disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - PAGE_SIZE))}>
        Previous
      </Button>
      <Button small disabled={offset + shown >= total} onClick={() => onOffset(offset + PAGE_SIZE)}>
        Next
      </Button>
    </div>
  );
}
