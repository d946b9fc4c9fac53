// History of the user's scripts and their saved queries, as dialogs over a
// query tab. A click puts the SQL into the editor; a double-click (or
// Enter) also runs it.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../../api/client';
import { deleteQuery, listHistory, listQueries, saveQuery, updateQuery, type HistoryEntry, type SavedQuery } from '../../api/query';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { DataTable } from '../../components/DataTable';
import { FormError } from '../../components/Field';
import { SearchInput } from '../../components/SearchInput';
import { errorMessage, formatMs, formatThousands, formatTime } from '../../lib/format';
import { showToast } from '../../state/toasts';
import type { QueryTab } from './model';

interface Props {
  tab: QueryTab;
  onClose: () => void;
}

/** Puts SQL into the editor, and runs it when asked. */
function useSql(tab: QueryTab, onClose: () => void) {
  return (sql: string, run: boolean) => {
    tab.editor?.setText(sql);
    onClose();
    tab.editor?.focus();
    if (run) void tab.execute(sql, 0);
  };
}

export function HistoryDialog({ tab, onClose }: Props): JSX.Element {
  const [q, setQ] = useState('');
  const [thisServer, setThisServer] = useState(true);
  const [entries, setEntries] = useState<HistoryEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const use = useSql(tab, onClose);

  useEffect(() => {
    let current = true;
    const timer = window.setTimeout(() => {
      listHistory(thisServer ? tab.target.serverId : undefined, q).then(
        (page) => current && (setEntries(page.entries), setError(null)),
        (err: unknown) => current && setError(errorMessage(err)),
      );
    }, 200);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [q, thisServer]);

  return (
    <Dialog title="Query history" size="large" onClose={onClose} footer={<Button onClick={onClose}>Close</Button>}>
      <div class="filter-bar">
        <SearchInput class="filter-search" placeholder="Search the SQL" label="Search history" value={q} onValue={setQ} />
        <label class="inline-check">
          <input type="checkbox" checked={thisServer} onChange={(e) => setThisServer(e.currentTarget.checked)} /> This server only
        </label>
      </div>
      <FormError message={error} />
      <DataTable
        columns={['Started', 'Database', 'Status', { label: 'Duration', class: 'num' }, { label: 'Rows', class: 'num' }, 'SQL']}
        wrap="library-table"
        note={entries?.length === 0 ? 'No scripts match.' : entries === null && !error && 'Loading…'}
      >
        {entries?.map((h) => (
          <tr
            key={h.id}
            class="library-row"
            tabIndex={0}
            title={h.error ?? 'Click to insert, double-click to run'}
            onClick={() => use(h.sql, false)}
            onDblClick={() => use(h.sql, true)}
            onKeyDown={(e) => e.key === 'Enter' && use(h.sql, e.shiftKey)}
          >
            <td class="cell-time">{formatTime(h.started_at)}</td>
            <td>{h.database}</td>
            <td>
              <span class={`hist-status is-${h.status}`}>{h.status}</span>
            </td>
            <td class="num">{formatMs(h.duration_ms)}</td>
            <td class="num">{formatThousands(h.row_count)}</td>
            <td class="cell-sql">{h.sql.replace(/\s+/g, ' ').slice(0, 300)}</td>
          </tr>
        ))}
      </DataTable>
    </Dialog>
  );
}

export function SavedQueriesDialog({ tab, onClose }: Props): JSX.Element {
  const [list, setList] = useState<SavedQuery[] | null>(null);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const use = useSql(tab, onClose);

  const reload = () =>
    listQueries().then(
      (l) => setList(l),
      (err: unknown) => setError(errorMessage(err)),
    );
  useEffect(() => void reload(), []);

  const save = async () => {
    const sql = tab.editor?.text() ?? tab.sql;
    if (!name.trim()) {
      setError('Enter a name for the query.');
      return;
    }
    setBusy(true);
    try {
      const existing = list?.find((q) => q.name === name.trim());
      if (existing) await updateQuery(existing.id, existing.name, sql);
      else await saveQuery(name.trim(), sql);
      showToast(`Saved “${name.trim()}”.`);
      setName('');
      setError(null);
      await reload();
    } catch (err) {
      setError(err instanceof ApiError && err.code === 'name_taken' ? 'A saved query has that name.' : errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const remove = async (q: SavedQuery) => {
    try {
      await deleteQuery(q.id);
      await reload();
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <Dialog title="Saved queries" size="large" onClose={onClose} onSubmit={() => void save()} footer={<Button onClick={onClose}>Close</Button>}>
      <div class="filter-bar">
        <input
          class="filter-search"
          id="saved-query-name"
          aria-label="Name"
          placeholder="Name for the editor's SQL (an existing name replaces it)"
          value={name}
          onInput={(e) => setName(e.currentTarget.value)}
        />
        <Button small type="submit" variant="primary" busy={busy}>
          Save current SQL
        </Button>
      </div>
      <FormError message={error} />
      <DataTable columns={['Name', 'SQL', '']} wrap="library-table" note={list?.length === 0 && 'No saved queries yet.'}>
        {list?.map((q) => (
          <tr
            key={q.id}
            class="library-row"
            tabIndex={0}
            title="Click to open, double-click to run"
            onClick={() => use(q.sql, false)}
            onDblClick={() => use(q.sql, true)}
            onKeyDown={(e) => e.key === 'Enter' && (e.preventDefault(), use(q.sql, e.shiftKey))}
          >
            <td>{q.name}</td>
            <td class="cell-sql">{q.sql.replace(/\s+/g, ' ').slice(0, 300)}</td>
            <td class="num">
              <Button
                small
                variant="ghost"
                aria-label={`Delete ${q.name}`}
                onClick={(e: MouseEvent) => {
                  e.stopPropagation();
                  void remove(q);
                }}
              >
                Delete
              </Button>
            </td>
          </tr>
        ))}
      </DataTable>
    </Dialog>
  );
}
