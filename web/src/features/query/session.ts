// A query tab's link to its session on the server: opening it (once the
// server is connected), live status over the window's event stream (polling when it fails), and
// what happens when the session goes (closed, idle too long, access revoked)
// or lives in another Tusk process (a replica stopped or restarted). The tab
// (model.ts) builds its runs on this.
import { batch, effect, signal } from '@preact/signals';
import { ApiError } from '../../api/client';
import { closeSession, fetchStatus, openSession, type SessionStatus } from '../../api/query';
import { windowStream } from '../../api/stream';
import { errorMessage } from '../../lib/format';
import { connect, loadServers, serverList } from '../../state/servers';
import { showToast } from '../../state/toasts';

export interface Target {
  serverId: number;
  serverName: string;
  database: string;
  /** The role the session runs as (SET ROLE), or none: the login's. */
  role?: string;
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

const POLL_RUNNING_MS = 500;
/** How often, and how many times, a tab whose Tusk stopped asks whether another answers. */
const SUCCESSOR_POLL_MS = 1000;
const SUCCESSOR_TRIES = 180;
const POLL_IDLE_MS = 5000;
const SSE_RETRY_MS = 10_000;

export abstract class SessionLink {
  /** Where the session is; its database changes when the user switches it (reopenOn). */
  target: Target;
  readonly phase = signal<Phase>({ kind: 'opening' });
  readonly status = signal<SessionStatus | null>(null);
  /** Counts the moments no run is being started any more: grids draw again then. */
  readonly settled = signal(0);

  /** Unsubscribes the tab's topic of the window's stream. */
  private events: (() => void) | null = null;
  /** Whether the topic's events flow (else statuses come by polling). */
  private streaming = false;
  private pollTimer = 0;
  private sseRetry = 0;
  /** A run of the session that is not the user's: its statuses are not shown. */
  private hiddenExecution = -1;
  private waiters: Array<{ id: number; resolve: (s: SessionStatus) => void }> = [];
  private stopWatch: (() => void) | null = null;
  private disposed = false;
  /** Reopening after the session's replica went: connect the server here too when its password is saved. */
  private relocating = false;
  /** Runs being started: the server may already have dropped the shown results. */
  private starting = 0;

  constructor(target: Target) {
    this.target = target;
  }

  get title(): string {
    return `${this.target.database} on ${this.target.serverName}`;
  }

  get sid(): string | null {
    const p = this.phase.value;
    return p.kind === 'ready' ? p.sid : null;
  }

  /** Whether a run of the user's goes on: the link polls more often meanwhile. */
  abstract get running(): boolean;

  /** A session was opened: the tab starts afresh on it. */
  protected abstract opened(sid: string): void;

  /** A status of one of the user's runs arrived (already in `status`). */
  protected abstract received(st: SessionStatus): void;

  /** The session stopped serving the tab (gone, moving or moved): whatever ran is over. */
  protected abstract halted(): void;

  /** The session moved to another Tusk: its results are lost. */
  protected abstract forget(): void;

  /** Opens a session, or waits for the server to be connected first. */
  async open(): Promise<void> {
    if (!serverConnected(this.target.serverId)) {
      this.waitForConnection();
      return;
    }
    this.phase.value = { kind: 'opening' };
    try {
      const db = this.target.database;
      const sid = await openSession(this.target.serverId, db, this.target.role);
      if (this.disposed) {
        void closeSession(sid).catch(() => undefined);
        return;
      }
      batch(() => {
        this.phase.value = { kind: 'ready', sid };
        this.status.value = null;
      });
      this.relocating = false;
      this.subscribe(sid);
      this.opened(sid);
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
    const stop = windowStream.subscribe({
      path: `sessions/${sid}`,
      event: (name, data) => {
        if (name === 'status') this.onStatus(data as SessionStatus);
        else if (name === 'closed') {
          const closed = (data ?? {}) as { reason?: string; message?: string };
          if (closed.reason === 'shutdown') void this.awaitSuccessor(sid);
          else this.lost(closed.reason === 'revoked' ? closed.message : undefined);
        }
      },
      subscribed: () => {
        this.streaming = true;
        this.stopPolling();
      },
      failed: (err) => {
        this.streaming = false;
        if (err && this.sessionTrouble(err, sid)) return;
        // The stream is down or refused the topic: poll, and subscribe again later.
        this.startPolling();
        window.clearTimeout(this.sseRetry);
        this.sseRetry = window.setTimeout(() => {
          if (this.sid === sid && !this.disposed) this.subscribe(sid);
        }, SSE_RETRY_MS);
      },
      // statuses were dropped for a slow reader: the current one is a request away
      lost: () => void this.call(() => fetchStatus(sid)).then((st) => st && this.onStatus(st)),
    });
    this.events = stop;
  }

  private unsubscribe(): void {
    this.events?.();
    this.events = null;
    this.streaming = false;
    window.clearTimeout(this.sseRetry);
    this.stopPolling();
  }

  /** Makes sure statuses arrive: when the stream is down, by polling. */
  protected follow(): void {
    if (!this.streaming) this.startPolling();
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
    batch(() => {
      this.phase.value = { kind: 'gone', why };
      this.halted();
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
    batch(() => {
      this.halted();
      this.status.value = null;
      this.forget();
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
    batch(() => {
      this.phase.value = { kind: 'moving', sid };
      this.halted();
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

  protected onStatus(st: SessionStatus): void {
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
    this.received(st);
  }

  /** Keeps a run of the session out of sight: its statuses are not the user's. */
  hide(executionId: number): void {
    this.hiddenExecution = executionId;
  }

  /** The status that ends the run EXECUTIONID. */
  waitFor(executionId: number): Promise<SessionStatus> {
    return new Promise((resolve) => this.waiters.push({ id: executionId, resolve }));
  }

  /** Counts a run as starting until `fn` is over: grids ask for no rows meanwhile. */
  async startingRun<T>(fn: () => Promise<T>): Promise<T> {
    this.starting++;
    try {
      return await fn();
    } finally {
      // grids that were told "not now" ask again
      if (--this.starting === 0) this.settled.value++;
    }
  }

  /**
   * A reader of the result RESULT of the run EXECUTIONID: it asks nothing once the tab
   * moved on, and a session gone or held elsewhere is handled as for any call.
   */
  protected resultCall<A extends unknown[], T>(
    executionId: number | undefined,
    result: number,
    fn: (sid: string, ...args: A) => Promise<T>,
  ): (...args: A) => Promise<T> {
    const sid = this.sid;
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

  /** Moves the link to another database of its server: a session there replaces this one. */
  protected async reopenOn(database: string): Promise<void> {
    await this.reopenAt({ ...this.target, database });
  }

  /**
   * Runs the tab's session as ROLE (SET ROLE; null: the login's own role), keeping what is typed
   * in the editor: a session opened as the role replaces this one, and reopens as it after a
   * reconnect. Refused while a query runs or a transaction is open (it would be lost); a role
   * PostgreSQL refuses leaves the tab as it was, with the refusal shown.
   */
  async switchRole(role: string | null): Promise<boolean> {
    const tx = this.status.value?.transaction;
    if (this.running || tx === 'in_transaction' || tx === 'in_error') {
      showToast('Finish the running query or the open transaction before switching the role.', 'error');
      return false;
    }
    const was = this.target.role;
    if ((role ?? undefined) === was) return true;
    await this.reopenAt({ ...this.target, role: role ?? undefined });
    const p = this.phase.value;
    if (p.kind !== 'failed') return true;
    showToast(`Cannot switch to role ${role}: ${p.message}`, 'error');
    await this.reopenAt({ ...this.target, role: was });
    return false;
  }

  private async reopenAt(target: Target): Promise<void> {
    const old = this.sid;
    this.unsubscribe();
    this.target = target;
    this.forget();
    this.status.value = null;
    if (old) void closeSession(old).catch(() => undefined);
    await this.open();
  }

  dispose(): void {
    this.disposed = true;
    this.unsubscribe();
    this.stopWatch?.();
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => window.setTimeout(resolve, ms));
}

function serverConnected(id: number): boolean {
  const list = serverList.value;
  return list.status === 'ready' && list.value.servers.some((s) => s.id === id && s.connected);
}
