// One query tab: the runs it starts on its session (session.ts: the link
// to the server), its completion data (completion.ts), its EXPLAIN plans
// (plans.ts) and the View/Edit Data state. Tabs are kept in a registry and
// saved to the workspace so they come back after a reload.
import { signal } from '@preact/signals';
import {
  cancelRun,
  closeSession,
  endTransaction,
  execute,
  fetchRows,
  fetchValue,
  fetchStatus,
  viewTable,
  type Cell,
  type SessionStatus,
  type TableInfo,
  type ViewRequest,
} from '../../api/query';
import type { RowsPage } from '../../components/rowWindows';
import { errorMessage } from '../../lib/format';
import { showToast } from '../../state/toasts';
import { closeTab, openTab, retitleTab, tabs } from '../../state/workspace';
import { CompletionReader } from './completion';
import { explainStatement, planEntry, type PlanEntry } from './plans';
import { SessionLink, delay, type Target } from './session';
import { preferences } from '../preferences/state';

export type RunKind = 'script' | 'explain' | 'analyze' | 'view';

export interface Run {
  executionId: number;
  kind: RunKind;
  /** Where the text that was sent starts in the editor, to place an error's position. */
  offset: number;
  startedAt: number;
  finished: boolean;
}

export interface ViewState {
  info: TableInfo;
  request: ViewRequest;
  executionId: number;
}

/** What the editor component lets the model do to it. */
export interface EditorHandle {
  text(): string;
  selection(): { from: number; to: number };
  cursor(): number;
  setText(text: string): void;
  markError(from: number, to: number): void;
  clearError(): void;
  focus(): void;
}

export type ResultKey = number | 'messages' | 'explain';

let nextTab = 1;

export class QueryTab extends SessionLink {
  readonly id = `query-${Date.now().toString(36)}-${nextTab++}`;
  readonly run = signal<Run | null>(null);
  readonly now = signal(Date.now());
  readonly autocommit = signal(true);
  readonly autorollback = signal(false);
  readonly plans = signal<PlanEntry[]>([]);
  readonly view = signal<ViewState | null>(null);
  readonly closePrompt = signal(false);
  /** The result tab in front: a result index, 'messages' or 'explain'. */
  readonly shownResult = signal<ResultKey>('messages');
  sql: string;
  cursor: number;
  editor: EditorHandle | null = null;

  private readonly completer = new CompletionReader(this);
  private ticker = 0;
  private schemaLoad: Promise<void> | null = null;

  constructor(target: Target, sql = '', cursor = 0) {
    super(target);
    this.sql = sql;
    this.cursor = cursor;
  }

  /** The database's schemas, tables, columns and functions, once read. */
  get completion() {
    return this.completer.completion;
  }

  get running(): boolean {
    return this.status.value?.state === 'running' || (this.run.value !== null && !this.run.value.finished);
  }

  protected opened(sid: string): void {
    this.run.value = null;
    this.schemaLoad = this.completer.loadCompletion(sid);
  }

  protected received(st: SessionStatus): void {
    const run = this.run.value;
    if (!run || run.finished || st.execution_id !== run.executionId) return;
    if (st.state !== 'running') this.finish(run, st);
    else if (this.shownResult.value === 'messages' && run.kind !== 'explain' && run.kind !== 'analyze') {
      // Show the first rows while the rest are still arriving.
      const withRows = st.results.findIndex((r) => r.has_rows && r.row_count > 0);
      if (withRows >= 0) this.shownResult.value = withRows;
    }
  }

  protected halted(): void {
    this.stopTicker();
    if (this.run.value && !this.run.value.finished) this.run.value = { ...this.run.value, finished: true };
  }

  protected forget(): void {
    this.view.value = null;
  }

  /** Runs SQL typed in the editor; OFFSET is where it starts there. */
  async execute(sql: string, offset: number, kind: RunKind = 'script'): Promise<void> {
    const sid = this.sid;
    if (!sid || this.running || !sql.trim()) return;
    await this.schemaLoad;
    const { sent, shift } = kind === 'explain' || kind === 'analyze' ? explainStatement(kind, sql) : { sent: sql, shift: 0 };
    this.editor?.clearError();
    await this.startingRun(async () => {
      this.view.value = null;
      // a plan is never cut; a script keeps the rows the user's preferences say
      const limit = kind === 'script' ? preferences.value.query_row_limit : 0;
      const id = await this.call(() => execute(sid, sent, this.autocommit.value, this.autorollback.value, limit));
      if (id !== null) this.begin({ executionId: id, kind, offset: offset - shift, startedAt: Date.now(), finished: false });
    });
  }

  private begin(run: Run): void {
    this.run.value = run;
    this.startTicker();
    // The stream may have shown this run's end before we knew its id.
    const st = this.status.value;
    if (st && st.execution_id === run.executionId && st.state !== 'running') this.finish(run, st);
    else this.follow();
  }

  /** Opens a table's rows for viewing and editing (View/Edit Data). */
  /**
   * Moves the tab to another database of its server, keeping what is typed in the editor;
   * refused while a query runs or a transaction is open (it would be lost).
   */
  async switchDatabase(database: string): Promise<boolean> {
    const tx = this.status.value?.transaction;
    if (this.running || tx === 'in_transaction' || tx === 'in_error') {
      showToast('Finish the running query or the open transaction before switching the database.', 'error');
      return false;
    }
    if (database === this.target.database) return true;
    this.run.value = null;
    await this.reopenOn(database);
    retitleTab(this.id, distinctTitle(this.title, this.id), 'query');
    return true;
  }

  /** Shows a table's rows in this tab; NAMED: the tab opened for them takes the table's name. */
  async viewData(info: TableInfo, request: ViewRequest, named = false): Promise<void> {
    const sid = this.sid;
    if (!sid || this.running) return;
    await this.schemaLoad;
    this.editor?.clearError();
    // rows come in key order unless asked otherwise: an edited row stays where it was after Save
    if (!request.order_by?.length && info.primary_key.length) {
      request = { ...request, order_by: info.primary_key.map((column) => ({ column, desc: false })) };
    }
    if (named) retitleTab(this.id, distinctTitle(`${info.schema}.${info.table} on ${this.target.serverName}`, this.id), 'table');
    await this.startingRun(async () => {
      const answer = await this.call(() => viewTable(sid, request));
      if (!answer) return;
      this.view.value = { info, request, executionId: answer.execution_id };
      this.begin({ executionId: answer.execution_id, kind: 'view', offset: 0, startedAt: Date.now(), finished: false });
    });
  }

  private finish(run: Run, st: SessionStatus): void {
    this.run.value = { ...run, finished: true };
    this.stopTicker();
    let key: ResultKey = 'messages';
    if (st.error) this.markError(run, st.error.position);
    else if ((run.kind === 'explain' || run.kind === 'analyze') && st.results[0]?.has_rows) {
      key = 'explain';
      void this.loadPlan(run);
    } else {
      const withRows = st.results.findIndex((r) => r.has_rows);
      if (withRows >= 0) key = withRows;
    }
    this.shownResult.value = key;
  }

  private markError(run: Run, position: number | null): void {
    if (position === null || run.kind === 'view') return;
    const from = run.offset + position - 1;
    if (from < 0) return;
    const text = this.editor?.text() ?? this.sql;
    const token = /^("[^"]*"|'[^']*'|[\w$.]+|\S)/.exec(text.slice(from));
    this.editor?.markError(from, from + (token ? token[0].length : 1));
  }

  private async loadPlan(run: Run): Promise<void> {
    const sid = this.sid;
    if (!sid || (run.kind !== 'explain' && run.kind !== 'analyze')) return;
    const window = await this.call(() => fetchRows(sid, 0, 0, 1, 0)); // a plan is one value, often past 8 KB
    const raw = window?.rows[0]?.[0];
    if (!raw) return;
    try {
      this.plans.value = [...this.plans.value, planEntry(raw, run.kind, run.startedAt)];
    } catch (err) {
      showToast(errorMessage(err), 'error');
    }
  }

  private startTicker(): void {
    this.stopTicker();
    this.now.value = Date.now();
    this.ticker = window.setInterval(() => (this.now.value = Date.now()), 100);
  }

  private stopTicker(): void {
    window.clearInterval(this.ticker);
    this.ticker = 0;
  }

  async cancel(): Promise<void> {
    const sid = this.sid;
    if (sid && this.running) await this.call(() => cancelRun(sid));
  }

  endTransaction(how: 'commit' | 'rollback'): Promise<SessionStatus | null> {
    return this.startingRun(() => this.runEndTransaction(how));
  }

  private async runEndTransaction(how: 'commit' | 'rollback'): Promise<SessionStatus | null> {
    const sid = this.sid;
    if (!sid || this.running) return null;
    const answer = await this.call(() => endTransaction(sid, how));
    if (answer === null) return null;
    const st = await this.call(() => fetchStatus(sid));
    if (!st) return null;
    this.onStatus(st);
    let last = st;
    for (let i = 0; i < 50 && last.state === 'running'; i++) {
      await delay(100);
      const next = await this.call(() => fetchStatus(sid));
      if (!next) return null;
      last = next;
    }
    this.onStatus(last);
    return last;
  }

  /** Rows of a result of the current session, for the grid (big values cut). */
  loadRows(result: number): (offset: number, limit: number) => Promise<RowsPage> {
    return this.resultCall(this.run.value?.executionId, result, async (sid, offset: number, limit: number) => {
      const w = await fetchRows(sid, result, offset, limit);
      return { rows: w.rows, cut: w.cut };
    });
  }

  /** A whole value of a result of the current session, for a cell the grid shows cut. */
  loadValue(result: number): (row: number, col: number) => Promise<Cell> {
    return this.resultCall(this.run.value?.executionId, result, (sid, row: number, col: number) => fetchValue(sid, result, row, col));
  }

  /** Asks before closing a tab whose transaction is open. */
  requestClose(): void {
    const tx = this.status.value?.transaction;
    if (this.sid && (tx === 'in_transaction' || tx === 'in_error')) this.closePrompt.value = true;
    // the user's preference: ask before the editor's SQL goes with the tab
    else if (preferences.value.confirm_close_unsaved && (this.editor?.text() ?? this.sql).trim()) this.closePrompt.value = true;
    else void this.close();
  }

  async close(commit = false): Promise<void> {
    if (commit) {
      const st = await this.endTransaction('commit');
      if (!st || st.error) {
        this.closePrompt.value = false;
        if (st?.error) showToast(`Commit failed: ${st.error.message}`, 'error');
        return;
      }
    }
    const sid = this.sid;
    this.dispose();
    unregister(this);
    closeTab(this.id);
    if (sid) await closeSession(sid).catch(() => undefined);
  }

  dispose(): void {
    super.dispose();
    this.stopTicker();
  }
}

/** The open query tabs, in opening order. */
export const queryTabs = signal<QueryTab[]>([]);

export function findTab(id: string): QueryTab | undefined {
  return queryTabs.value.find((t) => t.id === id);
}

/** BASE, or BASE (2), (3)...: no two open tabs share a name. */
function distinctTitle(base: string, self: string): string {
  const taken = new Set(tabs.value.filter((t) => t.id !== self).map((t) => t.title));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base} (${n})`)) return `${base} (${n})`;
}

export function register(tab: QueryTab): void {
  queryTabs.value = [...queryTabs.value, tab];
  openTab({ id: tab.id, kind: 'query', title: distinctTitle(tab.title, tab.id), icon: 'query' });
}

function unregister(tab: QueryTab): void {
  queryTabs.value = queryTabs.value.filter((t) => t !== tab);
}

export function disposeAll(): void {
  for (const t of queryTabs.value) t.dispose();
  queryTabs.value = [];
}

