// The dashboard's sample stream: a topic of the window's event stream, open
// while the tab is open and the browser tab is visible, keeping the last
// fifteen minutes of samples (by the server's clock) for the charts.
import { signal } from '@preact/signals';
import { useEffect, useMemo } from 'preact/hooks';
import { type Sample } from '../../api/monitor';
import { windowStream } from '../../api/stream';
import { serverList } from '../../state/servers';

/** A sample, or a break in the line where the stream was closed or failed. */
export interface Point {
  time: number;
  sample: Sample | null;
}

export type StreamState =
  | { kind: 'connecting' }
  | { kind: 'live' }
  | { kind: 'hidden' }
  | { kind: 'sampling-error'; message: string }
  | { kind: 'lost'; message: string };

const WINDOW_SECONDS = 15 * 60;
const RETRY_MS = 5000;

export class SampleFeed {
  readonly points = signal<Point[]>([]);
  readonly state = signal<StreamState>({ kind: 'connecting' });
  private stop: (() => void) | null = null;
  private retry = 0;
  private gap = false;

  constructor(
    private readonly serverId: number,
    private readonly database: string | null,
  ) {}

  open(): void {
    this.close();
    this.state.value = { kind: 'connecting' };
    const database = this.database;
    this.stop = windowStream.subscribe({
      path: `dashboards/${this.serverId}`,
      body: () => (database === null ? {} : { database }),
      event: (name, data) => {
        if (name === 'sample') this.onSample(data as Sample);
        else if (name === 'error') this.onSamplingError(data);
        else if (name === 'closed') {
          const closed = (data ?? {}) as { reason?: string; message?: string };
          this.lose(closed.reason === 'revoked' ? `The stream was closed: ${closed.message}` : 'The server ended the stream.');
        }
      },
      failed: () => this.onConnectionError(),
      // samples dropped for a slow reader: the line breaks there
      lost: () => {
        this.gap = true;
      },
    });
  }

  /** Closes the stream; the next sample after reopening starts a new line. */
  close(): void {
    window.clearTimeout(this.retry);
    this.stop?.();
    if (this.stop) this.gap = true;
    this.stop = null;
  }

  pause(): void {
    this.close();
    this.state.value = { kind: 'hidden' };
  }

  private onSample(sample: Sample): void {
    const list = this.points.value;
    const last = list[list.length - 1];
    const start = sample.time - WINDOW_SECONDS;
    const kept = list[0] && list[0].time < start ? list.filter((p) => p.time >= start) : list.slice();
    if (this.gap && last && last.time < sample.time) kept.push({ time: (last.time + sample.time) / 2, sample: null });
    kept.push({ time: sample.time, sample });
    this.gap = false;
    this.points.value = kept;
    if (this.state.value.kind !== 'live') this.state.value = { kind: 'live' };
  }

  private onSamplingError(data: unknown): void {
    const message = (data as { error?: string } | null)?.error ?? JSON.stringify(data);
    this.gap = true;
    this.state.value = { kind: 'sampling-error', message };
  }

  private onConnectionError(): void {
    this.lose(this.connected() ? 'The live stream stopped.' : 'The server is not connected. Connect it in the object explorer.');
  }

  private lose(message: string): void {
    this.close();
    this.state.value = { kind: 'lost', message };
    this.retry = window.setTimeout(() => this.open(), RETRY_MS);
  }

  private connected(): boolean {
    const list = serverList.value;
    return list.status === 'ready' && list.value.servers.some((s) => s.id === this.serverId && s.connected);
  }
}

/** Whether the browser tab is visible, as a signal shared by every dashboard. */
export const pageVisible = signal(document.visibilityState === 'visible');
document.addEventListener('visibilitychange', () => {
  pageVisible.value = document.visibilityState === 'visible';
});

/** The feed of one dashboard tab: open while mounted and the page is visible. */
export function useSampleFeed(serverId: number, database: string | null): SampleFeed {
  const feed = useMemo(() => new SampleFeed(serverId, database), [serverId, database]);
  const visible = pageVisible.value;
  useEffect(() => {
    if (visible) feed.open();
    else feed.pause();
    return () => feed.close();
  }, [feed, visible]);
  return feed;
}
