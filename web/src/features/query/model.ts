// One query tab: its session on the server, live status over SSE (polling
// when SSE fails), the runs it starts, its EXPLAIN history, and the
// View/Edit Data state. Tabs are kept in a registry and saved to the
// workspace so they come back after a reload.
import { batch, effect, signal } from '@preact/signals';
import { ApiError } from '../../api/client';
import {
  cancelRun,
  closeSession,
  endTransaction,
  eventsUrl,
  execute,
  fetchCompletion,
  fetchRows,
  fetchValue,
  fetchStatus,
  openSession,
  viewTable,
  type Cell,
  type SessionStatus,
  type TableInfo,
  type ViewRequest,
} from '../../api/query';
import type { RowsPage } from '../../components/Grid';
import { errorMessage } from '../../lib/format';
import { connect, loadServers, serverList } from '../../state/servers';
import { showToast } from '../../state/toasts';
import { closeTab, openTab } from '../../state/workspace';
import { parsePlan, type Plan } from './explain';

export interface Target {
  serverId: number;
  serverName: string;
  database: string;
}

export type Phase =
  | { kind: 'opening' }
  | { kind: 'ready'; sid: string }
  /** The server is not connected: the tab offers to connect. */
  | { kind: 'disconnected' }
  /** The session ended on the server (closed, idle too long, or access revoked: why): the tab offers to reopen. */
  | { kind: 'gone'; why?: string }
  /** The Tusk process holding the session stopped: the tab reopens on the next one that answers. */
  | { kind: 'moving'; sid: string }
  | { kind: 'failed'; message: string };

export type RunKind = 'script' | 'explain' | 'analyze' | 'view';

export interface Run {
  executionId: number;
  kind: RunKind;
  /** Where the text that was sent starts in the editor, to place an error's position. */
  offset: number;
  startedAt: number;
  finished: boolean;
}

export interface PlanEntry {
  id: number;
  label: string;
  plan: Plan;
  raw: string;
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

/** Schema -> table -> its columns, for completion (and View Data's suggestions). */
export type Completion = Record<string, Record<string, string[]>>;

/** A function of the database, for completion: "schema.name(args)", bare when its schema is on the search path. */
export interface FunctionCompletion {
  schema: string;
  name: string;
  args: string;
  onSearchPath: boolean;
}

/** The functions read with each completion object (the editor looks them up by it). */
export const completionFunctions = new WeakMap<Completion, FunctionCompletion[]>();

const POLL_RUNNING_MS = 500;
/** How often, and how many times, a tab whose Tusk stopped asks whether another answers. */
const SUCCESSOR_POLL_MS = 1000;
const SUCCESSOR_TRIES = 180;
const POLL_IDLE_MS = 5000;
const SSE_RETRY_MS = 10_000;

let nextTab = 1;
let nextPlan = 1;

export class QueryTab {
  readonly id = `query-${Date.now().toString(36)}-${nextTab++}`;
  readonly target: Target;
  readonly phase = signal<Phase>({ kind: 'opening' });
  readonly status = signal<SessionStatus | null>(null);
  readonly run = signal<Run | null>(null);
  readonly now = signal(Date.now());
  readonly autocommit = signal(true);
  readonly autorollback = signal(false);
  readonly plans = signal<PlanEntry[]>([]);
  readonly completion = signal<Completion | null>(null);
  readonly view = signal<ViewState | null>(null);
  readonly closePrompt = signal(false);
  /** The result tab in front: a result index, 'messages' or 'explain'. */
  readonly shownResult = signal<ResultKey>('messages');
  sql: string;
  cursor: number;
  editor: EditorHandle | null = null;

  private events: EventSource | null = null;
  private pollTimer = 0;
  private sseRetry = 0;
  private ticker = 0;
  private hiddenExecution = -1;
  private waiters: Array<{ id: number; resolve: (s: SessionStatus) => void }> = [];
  private schemaLoad: Promise<void> | null = null;
  private stopWatch: (() => void) | null = null;
  private disposed = false;
  /** Reopening after the session's replica went: connect the server here too when its password is saved. */
  private relocating = false;
  /** Runs being started: the server may already have dropped the shown results. */
  private starting = 0;
  /** Counts the moments no run is being started any more: grids draw again then. */
  readonly settled = signal(0);

  constructor(target: Target, sql = '', cursor = 0) {
    this.target = target;
    this.sql = sql;
    this.cursor = cursor;
  }

  get title(): string {
    return `${this.target.database} on ${this.target.serverName}`;
  }

  get sid(): string | null {
    const p = this.phase.value;
    return p.kind === 'ready' ? p.sid : null;
  }

  get running(): boolean {
    return this.status.value?.state === 'running' || (this.run.value !== null && !this.run.value.finished);
  }

  /** Opens a session, or waits for the server to be connected first. */
  async open(): Promise<void> {
    if (!serverConnected(this.target.serverId)) {
      this.waitForConnection();
      return;
    }
    this.phase.value = { kind: 'opening' };
    try {
      const db = this.target.database;
      const sid = await openSession(this.target.serverId, db);
      if (this.disposed) {
        void closeSession(sid).catch(() => undefined);
        return;
      }
      batch(() => {
        this.phase.value = { kind: 'ready', sid };
        this.status.value = null;
        this.run.value = null;
      });
      this.relocating = false;
      this.subscribe(sid);
      this.schemaLoad = this.loadCompletion(sid);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'not_connected') {
        // The list may say connected when another Tusk replica answered it: ask again
        // (this one's answer), so the tab waits for a real connection instead of retrying.
        await loadServers();
        if (!this.disposed) this.waitForConnection();
      } else {
        this.relocating = false;
        this.phase.value = { kind: 'failed', message: errorMessage(err) };
      }
    }
  }

  /**
   * Shows "not connected" until the server is. A tab reopened because its replica went
   * connects the server here itself when its password is saved: the user had it connected.
   */
  private waitForConnection(): void {
    this.phase.value = { kind: 'disconnected' };
    this.watchConnection();
    const list = serverList.value;
    const server = list.status === 'ready' ? list.value.servers.find((s) => s.id === this.target.serverId) : undefined;
    if (this.relocating && server?.has_saved_password && !server.connected) void connect(server);
    this.relocating = false;
  }

  /** Opens the session as soon as the explorer shows the server connected. */
  private watchConnection(): void {
    this.stopWatch?.();
    this.stopWatch = effect(() => {
      if (this.phase.value.kind === 'disconnected' && serverConnected(this.target.serverId)) {
        queueMicrotask(() => {
          this.stopWatch?.();
          this.stopWatch = null;
          void this.open();
        });
      }
    });
  }

  private subscribe(sid: string): void {
    this.unsubscribe();
    const source = new EventSource(eventsUrl(sid));
    this.events = source;
    source.addEventListener('status', (e) => this.onStatus(JSON.parse((e as MessageEvent<string>).data) as SessionStatus));
    source.addEventListener('closed', (e) => {
      const closed = closedEvent((e as MessageEvent<string>).data);
      if (closed.reason === 'shutdown') void this.awaitSuccessor(sid);
      else this.lost(closed.reason === 'revoked' ? closed.message : undefined);
    });
    source.onopen = () => this.stopPolling();
    source.onerror = () => {
      if (source.readyState !== EventSource.CLOSED) return;
      // The stream was refused (the session may be gone): poll, and try the stream again later.
      this.events = null;
      this.startPolling();
      window.clearTimeout(this.sseRetry);
      this.sseRetry = window.setTimeout(() => {
        if (this.sid === sid && !this.disposed) this.subscribe(sid);
      }, SSE_RETRY_MS);
    };
  }

  private unsubscribe(): void {
    this.events?.close();
    this.events = null;
    window.clearTimeout(this.sseRetry);
    this.stopPolling();
  }

  private startPolling(): void {
    if (this.pollTimer) return;
    const tick = async () => {
      const sid = this.sid;
      if (!sid || this.disposed) return;
      const st = await this.call(() => fetchStatus(sid));
      if (st) this.onStatus(st);
      if (this.pollTimer) this.pollTimer = window.setTimeout(tick, this.running ? POLL_RUNNING_MS : POLL_IDLE_MS);
    };
    this.pollTimer = window.setTimeout(tick, 0);
  }

  private stopPolling(): void {
    window.clearTimeout(this.pollTimer);
    this.pollTimer = 0;
  }

  /** The session is gone on the server; why, when its access was revoked. */
  private lost(why?: string): void {
    if (this.disposed) return;
    this.unsubscribe();
    this.stopTicker();
    batch(() => {
      this.phase.value = { kind: 'gone', why };
      if (this.run.value && !this.run.value.finished) this.run.value = { ...this.run.value, finished: true };
      // what was running ended with the session, and its transaction with it
      if (this.status.value) this.status.value = { ...this.status.value, state: 'closed', transaction: 'idle' };
    });
    // access ended: the explorer shows what is left (a server no longer shared goes)
    if (why) void loadServers();
  }

  /**
   * The session lives in another Tusk process: a replica that stopped (the load balancer
   * sent this tab elsewhere) or this one before a restart. Opens a new session here; the
   * editor keeps its SQL, and the user learns that results and any transaction are lost.
   */
  private relocated(sid: string | null): void {
    const p = this.phase.value;
    const held = p.kind === 'ready' || p.kind === 'moving' ? p.sid : null;
    if (this.disposed || sid === null || held !== sid) return; // already handled
    this.unsubscribe();
    this.stopTicker();
    batch(() => {
      if (this.run.value && !this.run.value.finished) this.run.value = { ...this.run.value, finished: true };
      this.status.value = null;
      this.view.value = null;
      this.waiters = [];
      this.hiddenExecution = -1;
    });
    showToast(
      `${this.title}: the Tusk server holding this tab's session is gone (a replica stopped or restarted). ` +
        'A new session was opened; your SQL is kept, but the previous results and any open transaction were lost.',
      'error',
    );
    this.relocating = true;
    void this.open();
  }

  /**
   * The Tusk process holding the session is stopping (a restart, a rolling update): waits
   * for the Tusk that answers next, which says the session lives elsewhere, and reopens
   * there. The stopping one may still answer while it drains; that is not an answer.
   */
  private async awaitSuccessor(sid: string): Promise<void> {
    if (this.sid !== sid) return;
    this.unsubscribe();
    this.stopTicker();
    batch(() => {
      this.phase.value = { kind: 'moving', sid };
      if (this.run.value && !this.run.value.finished) this.run.value = { ...this.run.value, finished: true };
    });
    for (let i = 0; i < SUCCESSOR_TRIES; i++) {
      await delay(SUCCESSOR_POLL_MS);
      const p = this.phase.value;
      if (this.disposed || p.kind !== 'moving' || p.sid !== sid) return;
      try {
        await fetchStatus(sid);
      } catch (err) {
        if (err instanceof ApiError && err.code === 'session_elsewhere') {
          this.relocated(sid);
          return;
        }
      }
    }
    if (this.phase.value.kind === 'moving') this.lost();
  }

  /** Handles a failed call about the session SID: gone or elsewhere; true when it was one of those. */
  private sessionTrouble(err: unknown, sid: string | null): boolean {
    if (!(err instanceof ApiError)) return false;
    if (err.code === 'session_elsewhere') this.relocated(sid);
    else if (err.code === 'server_stopping' && sid !== null) void this.awaitSuccessor(sid);
    else if (err.code === 'session_not_found') this.lost();
    else if (err.code === 'access_revoked') this.lost(err.message);
    else return false;
    return true;
  }

  /** Runs an API call; a gone session switches the tab to "Reopen", one held elsewhere reopens, other errors toast. */
  async call<T>(fn: () => Promise<T>): Promise<T | null> {
    const sid = this.sid;
    try {
      return await fn();
    } catch (err) {
      if (!this.sessionTrouble(err, sid)) showToast(errorMessage(err), 'error');
      return null;
    }
  }

  private onStatus(st: SessionStatus): void {
    for (const w of this.waiters.filter((w) => w.id === st.execution_id && st.state !== 'running')) w.resolve(st);
    this.waiters = this.waiters.filter((w) => !(w.id === st.execution_id && st.state !== 'running'));
    if (st.execution_id === this.hiddenExecution) return;
    if (st.state === 'closed') {
      this.lost();
      return;
    }
    // Types other than the built-in ones are named once the run is over.
    for (const r of st.results) for (const c of r.columns) c.type ??= '';
    this.status.value = st;
    const run = this.run.value;
    if (!run || run.finished || st.execution_id !== run.executionId) return;
    if (st.state !== 'running') this.finish(run, st);
    else if (this.shownResult.value === 'messages' && run.kind !== 'explain' && run.kind !== 'analyze') {
      // Show the first rows while the rest are still arriving.
      const withRows = st.results.findIndex((r) => r.has_rows && r.row_count > 0);
      if (withRows >= 0) this.shownResult.value = withRows;
    }
  }

  /** Counts a run as starting until `fn` is over: grids ask for no rows meanwhile. */
  private async startingRun<T>(fn: () => Promise<T>): Promise<T> {
    this.starting++;
    try {
      return await fn();
    } finally {
      // grids that were told "not now" ask again
      if (--this.starting === 0) this.settled.value++;
    }
  }

  /** Reads the schemas, tables, columns and functions for completion, out of sight of the user. */
  private loadCompletion(sid: string): Promise<void> {
    return this.startingRun(() => this.readCompletion(sid));
  }

  // The server reads it on a pooled connection: it never runs in this tab's session,
  // so it lands in no history and no audit log.
  private async readCompletion(_sid: string): Promise<void> {
    try {
      const data = await fetchCompletion(this.target.serverId, this.target.database);
      const schema: Completion = data.tables;
      const functions: FunctionCompletion[] = data.functions.map((f) => ({
        schema: f.schema,
        name: f.name,
        args: f.args,
        onSearchPath: f.on_search_path,
      }));
      completionFunctions.set(schema, functions);
      this.completion.value = schema;
    } catch {
      // completion is a convenience: keywords still complete without it
    }
  }

  /** Runs SQL typed in the editor; OFFSET is where it starts there. */
  async execute(sql: string, offset: number, kind: RunKind = 'script'): Promise<void> {
    const sid = this.sid;
    if (!sid || this.running || !sql.trim()) return;
    await this.schemaLoad;
    const sent = kind === 'explain' ? `EXPLAIN (FORMAT JSON) ${sql}` : kind === 'analyze' ? `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}` : sql;
    const shift = sent.length - sql.length;
    this.editor?.clearError();
    await this.startingRun(async () => {
      this.view.value = null;
      const id = await this.call(() => execute(sid, sent, this.autocommit.value, this.autorollback.value));
      if (id !== null) this.begin({ executionId: id, kind, offset: offset - shift, startedAt: Date.now(), finished: false });
    });
  }

  private begin(run: Run): void {
    this.run.value = run;
    this.startTicker();
    // The stream may have shown this run's end before we knew its id.
    const st = this.status.value;
    if (st && st.execution_id === run.executionId && st.state !== 'running') this.finish(run, st);
    else if (!this.events) this.startPolling();
  }

  /** Opens a table's rows for viewing and editing (View/Edit Data). */
  async viewData(info: TableInfo, request: ViewRequest): Promise<void> {
    const sid = this.sid;
    if (!sid || this.running) return;
    await this.schemaLoad;
    this.editor?.clearError();
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
    if (!sid) return;
    const window = await this.call(() => fetchRows(sid, 0, 0, 1, 0)); // a plan is one value, often past 8 KB
    const raw = window?.rows[0]?.[0];
    if (!raw) return;
    try {
      const plan = parsePlan(raw);
      const time = plan.executionTime ?? plan.root.totalCost;
      const label = `#${nextPlan} ${run.kind === 'analyze' ? 'Analyze' : 'Explain'} · ${new Date(run.startedAt).toLocaleTimeString()} · ${
        plan.analyzed ? `${time.toFixed(1)} ms` : `cost ${time.toFixed(0)}`
      }`;
      this.plans.value = [...this.plans.value, { id: nextPlan++, label, plan, raw }];
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
    return this.resultCall(result, async (sid, offset: number, limit: number) => {
      const w = await fetchRows(sid, result, offset, limit);
      return { rows: w.rows, cut: w.cut };
    });
  }

  /** A whole value of a result of the current session, for a cell the grid shows cut. */
  loadValue(result: number): (row: number, col: number) => Promise<Cell> {
    return this.resultCall(result, (sid, row: number, col: number) => fetchValue(sid, result, row, col));
  }

  /**
   * A reader of the result shown now: it asks nothing once the tab moved on, and a
   * session gone or held elsewhere is handled as for any call.
   */
  private resultCall<A extends unknown[], T>(result: number, fn: (sid: string, ...args: A) => Promise<T>): (...args: A) => Promise<T> {
    const sid = this.sid;
    const executionId = this.run.value?.executionId;
    return async (...args) => {
      if (!sid) throw new Error('no session');
      this.assertCurrent(executionId, result);
      try {
        return await fn(sid, ...args);
      } catch (err) {
        this.sessionTrouble(err, sid);
        throw err;
      }
    };
  }

  /**
   * A grid of a run the tab has moved past (a new run starts; its results are not there yet)
   * asks nothing of the server: the answer would be a 404 for a result that is gone.
   */
  private assertCurrent(executionId: number | undefined, result: number): void {
    const st = this.status.value;
    if (this.starting > 0 || executionId === undefined || st?.execution_id !== executionId || result >= st.results.length) {
      throw new Error('this result was replaced by a newer run');
    }
  }

  /** Asks before closing a tab whose transaction is open. */
  requestClose(): void {
    const tx = this.status.value?.transaction;
    if (this.sid && (tx === 'in_transaction' || tx === 'in_error')) this.closePrompt.value = true;
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
    this.disposed = true;
    this.unsubscribe();
    this.stopTicker();
    this.stopWatch?.();
  }
}

/** What a session's `closed` event says: "shutdown" (its Tusk stopped), "revoked" (with a message), or nothing. */
function closedEvent(data: string): { reason?: string; message?: string } {
  try {
    return JSON.parse(data) as { reason?: string; message?: string };
  } catch {
    return {};
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => window.setTimeout(resolve, ms));
}

function serverConnected(id: number): boolean {
  const list = serverList.value;
  return list.status === 'ready' && list.value.servers.some((s) => s.id === id && s.connected);
}

/** The open query tabs, in opening order. */
export const queryTabs = signal<QueryTab[]>([]);

export function findTab(id: string): QueryTab | undefined {
  return queryTabs.value.find((t) => t.id === id);
}

export function register(tab: QueryTab): void {
  queryTabs.value = [...queryTabs.value, tab];
  openTab({ id: tab.id, kind: 'query', title: tab.title, icon: 'query' });
}

function unregister(tab: QueryTab): void {
  queryTabs.value = queryTabs.value.filter((t) => t !== tab);
}

export function disposeAll(): void {
  for (const t of queryTabs.value) t.dispose();
  queryTabs.value = [];
}

