// One PSQL tab's terminal and its psql session on the server: xterm.js fed by
// the window's event stream from the byte offset it has shown (a reload or a
// dropped stream attaches again and is replayed what it missed), keystrokes
// batched into one POST at a time, resizes sent as the pane changes.
import { signal } from '@preact/signals';
import { FitAddon } from '@xterm/addon-fit';
import { Terminal, type ITheme } from '@xterm/xterm';
import { ApiError } from '../../api/client';
import { closePsql, openPsql, psqlInput, psqlResize, type PsqlOutput } from '../../api/psql';
import { windowStream } from '../../api/stream';
import { psqlTarget, setPsqlSession } from './open';

export type PsqlStatus =
  | { kind: 'starting' }
  | { kind: 'connected' }
  | { kind: 'reconnecting' }
  | { kind: 'exited'; code: number }
  | { kind: 'closed'; message: string };

/** One POST carries at most this much typed or pasted text (the server takes 64 KiB). */
const INPUT_CHUNK = 16 * 1024;

export const LIGHT: ITheme = {
  background: '#ffffff',
  foreground: '#1f2328',
  cursor: '#1f2328',
  cursorAccent: '#ffffff',
  selectionBackground: '#b6d4fe',
  black: '#24292f',
  red: '#cf222e',
  green: '#116329',
  yellow: '#7d4e00',
  blue: '#0550ae',
  magenta: '#8250df',
  cyan: '#1b7c83',
  white: '#6e7781',
  brightBlack: '#57606a',
  brightRed: '#a40e26',
  brightGreen: '#1a7f37',
  brightYellow: '#633c01',
  brightBlue: '#218bff',
  brightMagenta: '#a475f9',
  brightCyan: '#3192aa',
  brightWhite: '#8c959f',
};

export const DARK: ITheme = {
  background: '#1e1f22',
  foreground: '#d5d9e0',
  cursor: '#d5d9e0',
  cursorAccent: '#1e1f22',
  selectionBackground: '#3a4a66',
  black: '#484f58',
  red: '#ff7b72',
  green: '#3fb950',
  yellow: '#d29922',
  blue: '#58a6ff',
  magenta: '#bc8cff',
  cyan: '#39c5cf',
  white: '#b1bac4',
  brightBlack: '#6e7681',
  brightRed: '#ffa198',
  brightGreen: '#56d364',
  brightYellow: '#e3b341',
  brightBlue: '#79c0ff',
  brightMagenta: '#d2a8ff',
  brightCyan: '#56d4dd',
  brightWhite: '#f0f6fc',
};

function decode(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** TEXT broken into lines of at most COLS at its blanks (a word longer than a line is cut), for the terminal. */
export function wrapText(text: string, cols: number): string {
  const width = Math.max(20, cols - 1);
  const lines: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(/ +/)) {
      for (let w = word; w.length > 0; ) {
        const room = line ? width - line.length - 1 : width;
        if (w.length <= room) {
          line = line ? `${line} ${w}` : w;
          w = '';
        } else if (line) {
          lines.push(line);
          line = '';
        } else {
          lines.push(w.slice(0, width));
          w = w.slice(width);
        }
      }
    }
    lines.push(line);
  }
  return lines.join('\r\n');
}

export class PsqlSession {
  readonly status = signal<PsqlStatus>({ kind: 'starting' });
  readonly term: Terminal;
  private readonly fit = new FitAddon();
  private sid: string | null = null;
  private offset = 0;
  private unsubscribe: (() => void) | null = null;
  private queue = '';
  private sending = false;
  private resizeTimer = 0;
  private disposed = false;

  constructor(
    private readonly tabId: string,
    theme: ITheme,
  ) {
    this.term = new Terminal({
      theme,
      fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace',
      fontSize: 13,
      scrollback: 5000,
      cursorBlink: true,
      allowProposedApi: false,
    });
    this.term.loadAddon(this.fit);
    this.term.onData((data) => this.input(data));
    this.term.onResize(() => this.sendSize());
    this.term.attachCustomKeyEventHandler((e) => this.clipboardKey(e));
  }

  /** Shows the terminal in EL and attaches to the tab's session, or starts one. */
  mount(el: HTMLElement): void {
    this.term.open(el);
    this.fitNow();
    const sid = psqlTarget(this.tabId)?.sessionId ?? null;
    if (sid) this.attach(sid);
    else void this.start();
  }

  /** Fits the terminal to its pane (not while the tab is hidden: it has no size then). */
  fitNow(): void {
    const el = this.term.element?.parentElement;
    if (el && el.clientWidth > 0 && el.clientHeight > 0) this.fit.fit();
  }

  setTheme(theme: ITheme): void {
    this.term.options.theme = theme;
  }

  /** Ctrl+Shift+C copies the selection, Ctrl+Shift+V pastes (Ctrl+C stays psql's cancel). */
  private clipboardKey(e: KeyboardEvent): boolean {
    if (e.type !== 'keydown' || !e.ctrlKey || !e.shiftKey) return true;
    if (e.code === 'KeyC') {
      e.preventDefault(); // not the browser's own Ctrl+Shift+C
      void this.copy();
      return false;
    }
    // Ctrl+Shift+V: the browser's own paste (plain text) reaches xterm's textarea, which sends it
    // once; xterm itself must not send the key (pasting here as well sent the text twice)
    if (e.code === 'KeyV') return false;
    return true;
  }

  async copy(): Promise<void> {
    const text = this.term.getSelection();
    if (text) await navigator.clipboard?.writeText(text).catch(() => undefined);
  }

  async paste(): Promise<void> {
    const text = await navigator.clipboard?.readText().catch(() => '');
    if (text) this.term.paste(text);
    this.term.focus();
  }

  private async start(): Promise<void> {
    this.status.value = { kind: 'starting' };
    const target = psqlTarget(this.tabId);
    if (!target) return;
    try {
      const { session_id } = await openPsql(target.serverId, target.database, this.term.cols, this.term.rows);
      if (this.disposed) {
        void closePsql(session_id).catch(() => undefined);
        return;
      }
      setPsqlSession(this.tabId, session_id);
      this.attach(session_id);
    } catch (err) {
      // the whole reason in the terminal too: the status line may be too narrow for it
      this.term.write(`\x1b[31m${wrapText(message(err), this.term.cols)}\x1b[0m\r\n`);
      this.status.value = { kind: 'closed', message: message(err) };
    }
  }

  private attach(sid: string): void {
    this.sid = sid;
    this.offset = 0;
    this.term.reset();
    this.subscribe();
  }

  private subscribe(): void {
    this.unsubscribe?.();
    const sid = this.sid;
    if (!sid) return;
    this.unsubscribe = windowStream.subscribe({
      path: `psql/${sid}`,
      body: () => ({ offset: this.offset }),
      event: (name, data) => this.onEvent(name, data),
      subscribed: () => {
        if (this.status.value.kind !== 'exited') this.status.value = { kind: 'connected' };
        this.sendSize();
      },
      failed: (err) => {
        if (err && (err.status === 404 || err.status === 403)) this.gone(err.message);
        else this.status.value = { kind: 'reconnecting' };
      },
      lost: () => this.subscribe(), // dropped output: ask again from the offset shown
    });
  }

  private onEvent(name: string, data: unknown): void {
    if (name === 'output') this.output(data as PsqlOutput);
    else if (name === 'exit') this.status.value = { kind: 'exited', code: (data as { code: number }).code };
    else if (name === 'closed') {
      const d = data as { reason?: string; message?: string };
      if (d.reason === 'shutdown') this.status.value = { kind: 'reconnecting' };
      else this.gone(d.message ?? 'The session was closed.');
    }
  }

  private output(d: PsqlOutput): void {
    if (d.end <= this.offset) return;
    if (d.offset > this.offset) this.term.write(`\r\n\x1b[2m[${d.offset - this.offset} bytes of older output are no longer kept]\x1b[0m\r\n`);
    const bytes = decode(d.data);
    this.term.write(bytes.subarray(Math.max(0, this.offset - d.offset)));
    this.offset = d.end;
  }

  private gone(why: string): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.status.value.kind === 'exited' || this.status.value.kind === 'closed') return;
    this.term.write(`\r\n\x1b[2m[${why}]\x1b[0m\r\n`);
    this.status.value = { kind: 'closed', message: why };
  }

  private input(data: string): void {
    if (this.status.value.kind !== 'connected' && this.status.value.kind !== 'reconnecting') return;
    this.queue += data;
    void this.flush();
  }

  private async flush(): Promise<void> {
    if (this.sending || !this.queue || !this.sid) return;
    const chunk = this.queue.slice(0, INPUT_CHUNK);
    this.queue = this.queue.slice(chunk.length);
    this.sending = true;
    try {
      await psqlInput(this.sid, chunk);
    } catch (err) {
      this.queue = '';
      if (err instanceof ApiError && (err.status === 404 || err.status === 403)) this.gone(err.message);
      // psql is not reading (stopped, or busy with its own output): say so in place, keystrokes dropped
      else if (err instanceof ApiError && err.status === 409) this.term.write(`\r\n\x1b[2m[${err.message}]\x1b[0m\r\n`);
    } finally {
      this.sending = false;
    }
    void this.flush();
  }

  private sendSize(): void {
    window.clearTimeout(this.resizeTimer);
    this.resizeTimer = window.setTimeout(() => {
      if (this.sid && this.status.value.kind === 'connected') void psqlResize(this.sid, this.term.cols, this.term.rows).catch(() => undefined);
    }, 150);
  }

  /** Ends the session (if any) and starts a new psql in the same tab. */
  async restart(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    const old = this.sid;
    this.sid = null;
    this.queue = '';
    setPsqlSession(this.tabId, null);
    if (old) await closePsql(old).catch(() => undefined);
    this.term.reset();
    await this.start();
    this.term.focus();
  }

  /** The tab is gone from the page (its psql lives on until the tab is closed or the grace period ends). */
  dispose(): void {
    this.disposed = true;
    window.clearTimeout(this.resizeTimer);
    this.unsubscribe?.();
    this.term.dispose();
  }
}
