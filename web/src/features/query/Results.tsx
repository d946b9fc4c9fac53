// The lower half of a query tab: a tab per result set (or command tag),
// Messages (notices, tags, timing, the error in full) and the plans of
// EXPLAIN runs. A View/Edit Data result of a table with a key is editable.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError } from '../../api/client';
import { applyEdits, type Cell, type Change, type PgError, type ResultInfo } from '../../api/query';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { Grid, type GridEditing } from '../../components/Grid';
import { PgErrorFields } from '../../components/PgErrorFields';
import { errorMessage, formatMs, formatThousands } from '../../lib/format';
import { showToast } from '../../state/toasts';
import { ExplainView } from './ExplainView';
import type { QueryTab, ResultKey, ViewState } from './model';

function resultLabel(r: ResultInfo, k: number, running: boolean): string {
  if (!r.has_rows) return r.command || `Result ${k + 1}`;
  const more = running && !r.complete ? '…' : '';
  return `Result ${k + 1} · ${formatThousands(r.row_count)} ${r.row_count === 1 ? 'row' : 'rows'}${more}`;
}

export function Results({ tab }: { tab: QueryTab }): JSX.Element {
  const st = tab.status.value;
  const run = tab.run.value;
  const shown = tab.shownResult.value;
  // Until the status of this run arrives, the status still describes the previous one.
  const results = run && st && st.execution_id === run.executionId ? st.results : [];
  const hasPlans = tab.plans.value.length > 0;
  const keys: ResultKey[] = [...results.map((_, k) => k), 'messages', ...(hasPlans ? (['explain'] as const) : [])];
  const active = keys.includes(shown) ? shown : (keys[0] ?? 'messages');
  const label = (key: ResultKey) =>
    key === 'messages' ? (st?.error && run ? 'Messages ⚠' : 'Messages') : key === 'explain' ? 'Explain' : resultLabel(results[key]!, key, tab.running);

  const onKeyDown = (e: KeyboardEvent, index: number) => {
    const delta = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!delta) return;
    e.preventDefault();
    const next = keys[(index + delta + keys.length) % keys.length]!;
    tab.shownResult.value = next;
    (e.currentTarget as HTMLElement).parentElement?.querySelectorAll<HTMLElement>('[role="tab"]')[keys.indexOf(next)]?.focus();
  };

  return (
    <section class="results" aria-label="Results">
      <div class="results-strip" role="tablist" aria-label="Results">
        {keys.map((key, i) => (
          <button
            key={String(key)}
            type="button"
            role="tab"
            class={key === active ? 'result-tab is-active' : 'result-tab'}
            aria-selected={key === active}
            tabIndex={key === active ? 0 : -1}
            onClick={() => (tab.shownResult.value = key)}
            onKeyDown={(e) => onKeyDown(e, i)}
          >
            {label(key)}
          </button>
        ))}
      </div>
      <div class="results-body" role="tabpanel" aria-label={label(active)}>
        {active === 'messages' ? (
          <Messages tab={tab} />
        ) : active === 'explain' ? (
          <ExplainView tab={tab} />
        ) : (
          <ResultPanel tab={tab} k={active} result={results[active]!} />
        )}
      </div>
    </section>
  );
}

function ResultPanel({ tab, k, result }: { tab: QueryTab; k: number; result: ResultInfo }): JSX.Element {
  const run = tab.run.value!;
  const view = tab.view.value;
  void tab.settled.value; // drawn again once a starting run lets the grid ask for rows
  if (!result.has_rows) return <p class="result-command">{result.command}</p>;
  const key = `${run.executionId}-${k}`;
  if (view && view.executionId === run.executionId && k === 0) return <DataEditor key={key} tab={tab} view={view} result={result} />;
  return (
    <Grid
      key={key}
      label={`Result ${k + 1}`}
      columns={result.columns}
      rowCount={result.row_count}
      complete={result.complete && !tab.running}
      load={tab.loadRows(k)}
      loadValue={tab.loadValue(k)}
    />
  );
}

function ErrorBlock({ error, offsetNote }: { error: PgError; offsetNote: string | null }): JSX.Element {
  return (
    <div class="pg-error" role="alert">
      <div class="pg-error-head">
        <span class="pg-error-code">{error.sqlstate}</span>
        <strong>{error.message}</strong>
      </div>
      <PgErrorFields
        fields={[
          ['Detail', error.detail],
          ['Hint', error.hint],
          ['Context', error.where],
          ['Position', offsetNote],
        ]}
      />
    </div>
  );
}

function Messages({ tab }: { tab: QueryTab }): JSX.Element {
  const st = tab.status.value;
  const run = tab.run.value;
  if (!st || !run) return <p class="empty-state results-empty">Run a query (F5) to see its results here.</p>;
  let position: string | null = null;
  if (st.error?.position) {
    const text = tab.editor?.text() ?? tab.sql;
    const at = run.offset + st.error.position - 1;
    const before = text.slice(0, Math.max(0, at));
    const line = before.split('\n').length;
    position = `Line ${line}, column ${at - before.lastIndexOf('\n')} (marked in the editor)`;
  }
  return (
    <div class="messages">
      {st.error && <ErrorBlock error={st.error} offsetNote={position} />}
      {st.notices.map((n, i) => (
        <div key={i} class="message-row">
          <span class={`message-sev sev-${n.severity.toLowerCase()}`}>{n.severity}</span>
          <span class="message-text">{n.message}</span>
        </div>
      ))}
      {st.notices_dropped > 0 && <div class="message-row muted">{formatThousands(st.notices_dropped)} more notices were dropped.</div>}
      {st.results.map((r, i) => (
        <div key={`r${i}`} class="message-row">
          <span class="message-sev">{r.complete ? 'OK' : 'PARTIAL'}</span>
          <span class="message-text">
            {r.command || 'Result'}
            {r.has_rows ? ` · ${formatThousands(r.row_count)} rows` : ''}
          </span>
        </div>
      ))}
      {st.state !== 'running' && (
        <div class="message-row muted">
          {st.state === 'cancelled' ? 'Cancelled' : st.state === 'error' ? 'Failed' : 'Finished'} after {formatMs(st.elapsed_ms)}.
        </div>
      )}
    </div>
  );
}

interface Edits {
  edited: Map<number, Map<number, Cell>>;
  deleted: Set<number>;
  inserted: Cell[][];
  errors: Map<number, string>;
}

const NO_EDITS: Edits = { edited: new Map(), deleted: new Set(), inserted: [], errors: new Map() };

/** The statements a Save runs, counted as buildChanges makes them: an edited row that is
 * also deleted is one DELETE, an added row's cells belong to its one INSERT. */
function changeCount(e: Edits, serverRows: number): number {
  let updates = 0;
  for (const row of e.edited.keys()) if (row < serverRows && !e.deleted.has(row)) updates++;
  return updates + e.deleted.size + e.inserted.length;
}

/** The rows of a viewed table, editable when it has a primary key. */
function DataEditor({ tab, view, result }: { tab: QueryTab; view: ViewState; result: ResultInfo }): JSX.Element {
  const [edits, setEdits] = useState<Edits>(NO_EDITS);
  const [cursorRow, setCursorRow] = useState<number | null>(null);
  const [preview, setPreview] = useState<{ sql: string; changes: Change[]; rows: number[] } | null>(null);
  const [busy, setBusy] = useState(false);
  const info = view.info;
  const columns = result.columns;
  const serverRows = result.row_count;
  const done = !tab.running && result.complete;
  // Drawn again once a starting run lets the grid ask for rows: its props alone do not
  // change then, and the grid asks again only when its reader does.
  void tab.settled.value;
  const load = tab.loadRows(0);
  const loadValue = tab.loadValue(0);

  const readOnly = new Set(
    info.columns.map((c, i) => (c.generated ? i : -1)).filter((i) => i >= 0),
  );

  const editing: GridEditing | undefined = info.editable
    ? {
        ...edits,
        readOnly,
        onEdit: (row, col, value) =>
          setEdits((e) => {
            const edited = new Map(e.edited);
            const cols = new Map(edited.get(row) ?? []);
            cols.set(col, value);
            edited.set(row, cols);
            return { ...e, edited };
          }),
      }
    : undefined;

  const insertRow = () => setEdits((e) => ({ ...e, inserted: [...e.inserted, columns.map(() => null)] }));
  const deleteRow = () => {
    if (cursorRow === null) return;
    setEdits((e) => {
      if (cursorRow >= serverRows) {
        const idx = cursorRow - serverRows;
        const edited = new Map<number, Map<number, Cell>>();
        for (const [r, v] of e.edited) if (r !== cursorRow) edited.set(r > cursorRow ? r - 1 : r, v);
        return { ...e, edited, inserted: e.inserted.filter((_, i) => i !== idx) };
      }
      const deleted = new Set(e.deleted);
      if (deleted.has(cursorRow)) deleted.delete(cursorRow);
      else deleted.add(cursorRow);
      return { ...e, deleted };
    });
  };

  /** The changes for the server, and the grid row each one came from. */
  async function buildChanges(): Promise<{ changes: Change[]; rows: number[] }> {
    const changes: Change[] = [];
    const rows: number[] = [];
    const keyOf = async (row: number) => {
      const page = await load(row, 1);
      const values = page.rows[0];
      const key: Record<string, Cell> = {};
      for (const name of info.primary_key) {
        const col = columns.findIndex((c) => c.name === name);
        // a key value the window cut (a long text key) is asked for whole
        key[name] = page.cut.some(([, c]) => c === col) ? await loadValue(row, col) : (values?.[col] ?? null);
      }
      return key;
    };
    const valuesOf = (cols: ReadonlyMap<number, Cell>) => Object.fromEntries([...cols].map(([c, v]) => [columns[c]!.name, v]));
    for (const [row, cols] of [...edits.edited].sort((a, b) => a[0] - b[0])) {
      if (row >= serverRows || edits.deleted.has(row)) continue;
      changes.push({ op: 'update', key: await keyOf(row), values: valuesOf(cols) });
      rows.push(row);
    }
    for (const row of [...edits.deleted].sort((a, b) => a - b)) {
      changes.push({ op: 'delete', key: await keyOf(row) });
      rows.push(row);
    }
    edits.inserted.forEach((_, i) => {
      changes.push({ op: 'insert', values: valuesOf(edits.edited.get(serverRows + i) ?? new Map()) });
      rows.push(serverRows + i);
    });
    return { changes, rows };
  }

  const request = (changes: Change[], previewOnly: boolean) =>
    applyEdits(tab.target.serverId, { database: tab.target.database, schema: info.schema, table: info.table, preview: previewOnly, changes });

  async function showPreview(): Promise<void> {
    setBusy(true);
    try {
      const built = await buildChanges();
      const { sql } = await request(built.changes, true);
      setPreview({ sql, ...built });
    } catch (err) {
      showToast(errorMessage(err), 'error');
    } finally {
      setBusy(false);
    }
  }

  async function save(): Promise<void> {
    if (!preview) return;
    setBusy(true);
    try {
      await request(preview.changes, false);
      setPreview(null);
      setEdits(NO_EDITS);
      showToast(`Saved ${preview.changes.length} ${preview.changes.length === 1 ? 'change' : 'changes'} to ${info.table}.`);
      await tab.viewData(info, view.request);
    } catch (err) {
      setPreview(null);
      if (err instanceof ApiError && err.code === 'edit_failed' && Array.isArray(err.details.details)) {
        const errors = new Map<number, string>();
        for (const d of err.details.details as Array<{ change: number; message: string }>) {
          const row = preview.rows[d.change];
          if (row !== undefined) errors.set(row, d.message);
        }
        setEdits((e) => ({ ...e, errors }));
      }
      showToast(`Nothing was saved: ${errorMessage(err)}`, 'error');
    } finally {
      setBusy(false);
    }
  }

  const count = changeCount(edits, serverRows);
  return (
    <div class="data-editor">
      <div class="data-bar">
        <span class="data-title">
          {info.schema}.{info.table}
        </span>
        {info.editable ? (
          <>
            <Button small onClick={insertRow} disabled={!done}>
              Insert row
            </Button>
            <Button small onClick={deleteRow} disabled={!done || cursorRow === null}>
              Delete row
            </Button>
            <Button small variant="primary" busy={busy} disabled={count === 0} onClick={() => void showPreview()}>
              Save{count ? ` (${count})` : ''}
            </Button>
            <Button small disabled={count === 0} onClick={() => setEdits(NO_EDITS)}>
              Discard
            </Button>
            <span class="muted data-hint">Double-click, F2 or type to edit · Ctrl+0 sets NULL</span>
          </>
        ) : (
          <span class="data-note">{info.primary_key.length === 0 ? 'No primary key: read-only' : `Read-only (${info.kind})`}</span>
        )}
        {edits.errors.size > 0 && <span class="data-error">{[...edits.errors.values()][0]}</span>}
      </div>
      <Grid
        label={`Data of ${info.table}`}
        columns={columns}
        rowCount={serverRows}
        complete={done}
        load={load}
        loadValue={loadValue}
        editing={editing}
        onCursorRow={setCursorRow}
      />
      {preview && (
        <Dialog
          title="Save changes"
          size="large"
          onClose={() => setPreview(null)}
          footer={
            <>
              <Button onClick={() => setPreview(null)}>Cancel</Button>
              <Button variant="primary" busy={busy} data-autofocus onClick={() => void save()}>
                Save
              </Button>
            </>
          }
        >
          <p class="muted">These statements run in one transaction:</p>
          <pre class="sql-preview">{preview.sql}</pre>
        </Dialog>
      )}
    </div>
  );
}
