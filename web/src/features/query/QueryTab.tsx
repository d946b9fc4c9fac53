// A query tab: toolbar, SQL editor, results below it, and a status line.
// F5 / Ctrl+Enter run the script or the selection, Ctrl+Shift+Enter the
// statement at the cursor, Esc cancels, Ctrl+Shift+F formats, F7 / Shift+F7 explain (the
// rebindable ones as the user's preferences say).
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { resultExportUrl } from '../../api/query';
import { listObjects } from '../../api/servers';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { Menu } from '../../components/Menu';
import { SplitPane } from '../../components/SplitPane';
import { ToolButton, ToolSeparator, Toolbar } from '../../components/Toolbar';
import { errorMessage, formatMs, formatThousands } from '../../lib/format';
import { connect, serverList } from '../../state/servers';
import { showToast } from '../../state/toasts';
import { Editor, type EditorCommands } from './Editor';
import { HistoryDialog, SavedQueriesDialog } from './LibraryDialogs';
import { findTab, type QueryTab, type RunKind } from './model';
import { matchesKey } from '../preferences/keys';
import { preferences } from '../preferences/state';
import { Results } from './Results';
import { RolePicker } from './RolePicker';
import { TabPicker } from './TabPicker';
import { statementAt } from './split';
import { scheduleSave } from './tabs';
import { ViewDataDialog } from './ViewDataDialog';

type TabDialog = 'history' | 'saved' | 'view-data' | null;

export function QueryTabView({ id }: { id: string }): JSX.Element | null {
  const tab = findTab(id);
  return tab ? <QueryTabBody tab={tab} /> : null;
}

/** The selection when there is one, else the whole script; with where it starts. */
function scriptToRun(tab: QueryTab): { sql: string; offset: number } {
  const ed = tab.editor;
  if (!ed) return { sql: tab.sql, offset: 0 };
  const text = ed.text();
  const { from, to } = ed.selection();
  return from !== to ? { sql: text.slice(from, to), offset: from } : { sql: text, offset: 0 };
}

/** The selection, else the statement at the cursor: what EXPLAIN and "Run statement" take. */
function statementToRun(tab: QueryTab): { sql: string; offset: number } | null {
  const ed = tab.editor;
  if (!ed) return null;
  const text = ed.text();
  const { from, to } = ed.selection();
  if (from !== to) return { sql: text.slice(from, to), offset: from };
  const st = statementAt(text, ed.cursor());
  return st ? { sql: st.text, offset: st.start } : null;
}

/** Formats the selection or the script; the formatter is loaded on first use. */
async function formatSql(tab: QueryTab): Promise<void> {
  const ed = tab.editor;
  if (!ed) return;
  const text = ed.text();
  const { from, to } = ed.selection();
  try {
    const { format } = await import('sql-formatter');
    const part = from !== to ? text.slice(from, to) : text;
    const out = format(part, { language: 'postgresql', tabWidth: 2, keywordCase: 'preserve' });
    ed.setText(from !== to ? text.slice(0, from) + out + text.slice(to) : out);
  } catch (err) {
    showToast(`Cannot format this SQL: ${errorMessage(err)}`, 'error');
  }
}

function download(url: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.download = '';
  document.body.append(link);
  link.click();
  link.remove();
}

function QueryTabBody({ tab }: { tab: QueryTab }): JSX.Element {
  const [dialog, setDialog] = useState<TabDialog>(null);
  const phase = tab.phase.value;
  const ready = phase.kind === 'ready';
  const running = tab.running;

  const run = (kind: RunKind, what: { sql: string; offset: number } | null) => {
    if (what) void tab.execute(what.sql, what.offset, kind);
  };
  const commands: EditorCommands = {
    run: () => run('script', scriptToRun(tab)),
    runStatement: () => run('script', statementToRun(tab)),
    cancel: () => {
      if (!running) return false;
      void tab.cancel();
      return true;
    },
    format: () => void formatSql(tab),
    explain: () => run('explain', statementToRun(tab)),
    analyze: () => run('analyze', statementToRun(tab)),
  };

  // The same keys when focus is on the toolbar or the results.
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.defaultPrevented || dialog) return;
    const ctrl = e.ctrlKey || e.metaKey;
    const keys = preferences.value.shortcuts;
    let handled = true;
    if (matchesKey(keys.execute, e) || (ctrl && e.key === 'Enter' && !e.shiftKey)) commands.run();
    else if (ctrl && e.shiftKey && e.key === 'Enter') commands.runStatement();
    else if (matchesKey(keys.explain, e)) commands.explain();
    else if (matchesKey(keys.explain_analyze, e)) commands.analyze();
    else if (matchesKey(keys.format, e)) commands.format();
    else if (e.key === 'Escape' && running) commands.cancel();
    else handled = false;
    if (handled) e.preventDefault();
  };

  return (
    <div class="query-tab" onKeyDown={onKeyDown}>
      <QueryToolbar tab={tab} commands={commands} onDialog={setDialog} run={run} />
      <PhaseBanner tab={tab} />
      <div class="query-main">
        <SplitPane
          vertical
          storageKey="tusk.queryEditorHeight"
          initial={220}
          min={60}
          max={1600}
          label="Resize editor and results"
          first={
            <Editor
              initial={tab.sql}
              cursor={tab.cursor}
              completion={tab.completion.value}
              commands={commands}
              onChange={scheduleSave}
              onReady={(handle) => (tab.editor = handle)}
            />
          }
          second={<Results tab={tab} />}
        />
      </div>
      <StatusLine tab={tab} />
      {dialog === 'history' && <HistoryDialog tab={tab} onClose={() => setDialog(null)} />}
      {dialog === 'saved' && <SavedQueriesDialog tab={tab} onClose={() => setDialog(null)} />}
      {dialog === 'view-data' && ready && <ViewDataDialog tab={tab} onClose={() => setDialog(null)} />}
      {tab.closePrompt.value && <ClosePrompt tab={tab} />}
    </div>
  );
}

interface ToolbarProps {
  tab: QueryTab;
  commands: EditorCommands;
  onDialog: (d: TabDialog) => void;
  run: (kind: RunKind, what: { sql: string; offset: number } | null) => void;
}

function QueryToolbar({ tab, commands, onDialog, run }: ToolbarProps): JSX.Element {
  const ready = tab.phase.value.kind === 'ready';
  const running = tab.running;
  const status = tab.status.value;
  const inTx = status?.transaction === 'in_transaction' || status?.transaction === 'in_error';
  const can = ready && !running;
  const shown = tab.shownResult.value;
  const result = typeof shown === 'number' ? status?.results[shown] : undefined;
  const sid = tab.sid;
  const exportable = sid !== null && typeof shown === 'number' && result?.has_rows === true;
  const exportAs = (fmt: 'csv' | 'json') => exportable && download(resultExportUrl(sid, shown, fmt));
  const keys = preferences.value.shortcuts;
  return (
    <div class="query-toolbar">
      <Toolbar label="Query toolbar">
        <ToolButton icon="play" label="Run" shortcut={keys.execute} disabled={!can} onClick={commands.run} />
        <ToolButton icon="playLine" label="Run statement" shortcut="Ctrl+Shift+Enter" disabled={!can} onClick={commands.runStatement} />
        <ToolButton icon="stop" label="Cancel" shortcut="Esc" disabled={!ready || !running} onClick={() => void tab.cancel()} />
        <ToolSeparator />
        <ToolButton icon="format" label="Format SQL" shortcut={keys.format} onClick={commands.format} />
        <ToolSeparator />
        <ToolButton icon="check" label="Commit" disabled={!can || !inTx} onClick={() => void tab.endTransaction('commit')} />
        <ToolButton icon="undo" label="Rollback" disabled={!can || !inTx} onClick={() => void tab.endTransaction('rollback')} />
        <ToolSeparator />
        <ToolButton icon="explain" label="Explain" shortcut={keys.explain} disabled={!can} onClick={() => run('explain', statementToRun(tab))} />
        <ToolButton icon="analyze" label="Explain Analyze" shortcut={keys.explain_analyze} disabled={!can} onClick={() => run('analyze', statementToRun(tab))} />
        <ToolSeparator />
        <ToolButton icon="table" label="View/Edit Data" disabled={!can} onClick={() => onDialog('view-data')} />
        <ToolButton icon="clock" label="History" onClick={() => onDialog('history')} />
        <ToolButton icon="bookmark" label="Saved queries" onClick={() => onDialog('saved')} />
      </Toolbar>
      <DatabasePicker tab={tab} disabled={!can || inTx} />
      <RolePicker tab={tab} disabled={!can || inTx} />
      <div class="query-toggles">
        <Toggle label="Auto-commit" on={tab.autocommit.value} onChange={(v) => (tab.autocommit.value = v)} />
        <Toggle label="Auto-rollback" on={tab.autorollback.value} onChange={(v) => (tab.autorollback.value = v)} />
      </div>
      <span class="toolbar-fill" />
      <Menu
        label={<span class={exportable ? '' : 'muted'}>Export</span>}
        ariaLabel="Export result"
        entries={
          exportable
            ? [
                { kind: 'item', label: 'CSV', onSelect: () => exportAs('csv') },
                { kind: 'item', label: 'JSON', onSelect: () => exportAs('json') },
              ]
            : [{ kind: 'heading', label: 'Show a result with rows first' }]
        }
      />
    </div>
  );
}

/** The tab's database, switchable to any other of its server (read when the picker is first used). */
function DatabasePicker({ tab, disabled }: { tab: QueryTab; disabled: boolean }): JSX.Element {
  const [names, setNames] = useState<string[] | null>(null);
  const current = tab.target.database;
  const options = names && names.includes(current) ? names : [current, ...(names ?? [])];
  return (
    <TabPicker
      label="Database"
      title="The database this tab's session is on"
      value={current}
      options={options.map((n) => ({ value: n, label: n }))}
      disabled={disabled}
      // read when shown, and again each time the picker is opened (databases come and go)
      read={() =>
        void listObjects(tab.target.serverId, '/databases').then(
          (nodes) => setNames(nodes.map((n) => n.label)),
          () => setNames((was) => was ?? []),
        )
      }
      readKey={tab.target.serverId}
      pick={(value) =>
        tab.switchDatabase(value).then((ok) => {
          if (ok) scheduleSave();
          return tab.target.database;
        })
      }
    />
  );
}

function Toggle({ label, on, onChange }: { label: string; on: boolean; onChange: (v: boolean) => void }): JSX.Element {
  return (
    <button type="button" class={on ? 'toggle-chip is-on' : 'toggle-chip'} aria-pressed={on} onClick={() => onChange(!on)}>
      <span class="toggle-box" aria-hidden="true" />
      {label}
    </button>
  );
}

function PhaseBanner({ tab }: { tab: QueryTab }): JSX.Element | null {
  const phase = tab.phase.value;
  const server = (() => {
    const list = serverList.value;
    return list.status === 'ready' ? list.value.servers.find((s) => s.id === tab.target.serverId) : undefined;
  })();
  switch (phase.kind) {
    case 'ready':
      return null;
    case 'opening':
      return <div class="query-banner">Opening a session on {tab.title}…</div>;
    case 'disconnected':
      return (
        <div class="query-banner is-warn">
          <span>{tab.target.serverName} is not connected.</span>
          <Button small variant="primary" disabled={!server} onClick={() => server && void connect(server)}>
            Connect
          </Button>
        </div>
      );
    case 'moving':
      return (
        <div class="query-banner is-warn" role="status">
          <span>The Tusk server holding this tab stopped. The tab opens again on the next one that answers; your SQL is kept.</span>
        </div>
      );
    case 'gone':
      return (
        <div class="query-banner is-warn" role="alert">
          <span>{phase.why ? `The session was closed: ${phase.why}` : 'The session is gone (closed, or idle too long).'} Your SQL is kept.</span>
          {(server || !phase.why) && (
            <Button small variant="primary" onClick={() => void tab.open()}>
              Reopen
            </Button>
          )}
        </div>
      );
    case 'failed':
      return (
        <div class="query-banner is-error" role="alert">
          <span>Could not open a session: {phase.message}</span>
          <Button small onClick={() => void tab.open()}>
            Retry
          </Button>
        </div>
      );
  }
}

const TX_LABELS: Record<string, [string, string]> = {
  idle: ['Idle', 'tx-idle'],
  active: ['Active', 'tx-active'],
  in_transaction: ['In transaction', 'tx-open'],
  in_error: ['Failed transaction', 'tx-error'],
};

function StatusLine({ tab }: { tab: QueryTab }): JSX.Element {
  const st = tab.status.value;
  const run = tab.run.value;
  const running = tab.running;
  const rows = st ? st.results.reduce((n, r) => n + r.row_count, 0) : 0;
  let state: JSX.Element;
  if (tab.phase.value.kind === 'gone') {
    state = <span class="qs-state is-closed">Closed</span>;
  } else if (running && run) {
    const elapsed = tab.now.value - run.startedAt;
    state = (
      <span class="qs-state is-running">
        <span class="spinner" aria-hidden="true" /> Running… {formatMs(Math.max(0, elapsed))} · {formatThousands(rows)} rows
      </span>
    );
  } else if (!st || st.state === 'idle' || !run) {
    state = <span class="qs-state">{tab.phase.value.kind === 'ready' ? 'Ready' : '—'}</span>;
  } else {
    const labels: Record<string, string> = { done: 'Done', error: 'Error', cancelled: 'Cancelled', closed: 'Closed' };
    const label = labels[st.state] ?? st.state;
    state = <span class={`qs-state is-${st.state}`}>{label}</span>;
  }
  const [txLabel, txClass] = TX_LABELS[st?.transaction ?? 'idle'] ?? ['Idle', 'tx-idle'];
  return (
    <div class="query-status" role="status" aria-label="Query status">
      {state}
      <span class={`qs-tx ${txClass}`}>
        <span class="qs-dot" aria-hidden="true" />
        {txLabel}
      </span>
      {st && run && !running && <span>Total {formatMs(st.elapsed_ms)}</span>}
      {st && run && !running && <span>{formatThousands(rows)} rows</span>}
      <span class="status-fill" />
      <span class="muted">{tab.title}</span>
    </div>
  );
}

/** Before closing: a transaction is open, or (as the user's preferences ask) the editor holds SQL. */
function ClosePrompt({ tab }: { tab: QueryTab }): JSX.Element {
  const [busy, setBusy] = useState(false);
  const tx = tab.status.value?.transaction;
  const failed = tx === 'in_error';
  const open = tab.sid !== null && (tx === 'in_transaction' || failed);
  const dismiss = () => (tab.closePrompt.value = false);
  return (
    <Dialog
      title="Close the tab?"
      size="small"
      onClose={dismiss}
      footer={
        <>
          <Button onClick={dismiss}>Cancel</Button>
          <Button variant="danger" data-autofocus={!open || undefined} onClick={() => void tab.close(false)}>
            {open ? 'Roll back' : 'Close'}
          </Button>
          {open && !failed && (
            <Button
              variant="primary"
              busy={busy}
              data-autofocus
              onClick={() => {
                setBusy(true);
                void tab.close(true).finally(() => setBusy(false));
              }}
            >
              Commit
            </Button>
          )}
        </>
      }
    >
      <p>
        {!open
          ? "The SQL in this tab's editor is not saved anywhere else and goes with the tab. Close it?"
          : failed
            ? 'The transaction of this tab failed. Closing rolls it back.'
            : 'This tab has a transaction open. Commit it or roll it back before closing?'}
      </p>
    </Dialog>
  );
}
