// The window's one event stream (GET /api/v1/stream). A browser opens at most
// six HTTP/1.1 connections to a host, so a stream per query tab, dashboard
// and job log left the seventh tab waiting; instead every tab subscribes a
// topic to this one stream under a key of its own, and the stream's events
// come tagged with that key. When the stream drops, EventSource reconnects,
// the server names the new stream, and every topic is subscribed again (each
// starts with its current state: a tab's status, a job's log from the offset
// the tab has reached).
import { ApiError, apiUrl, request } from './client';

export interface Topic {
  /** Where to subscribe, below stream/{id}/: "sessions/abc", "dashboards/3", "jobs/7". */
  path: string;
  /** The subscription's body besides the key (asked again at each subscription). */
  body?: () => Record<string, unknown>;
  /** An event of the topic: status, closed, sample, error, job, log, end. */
  event(name: string, data: unknown): void;
  /** The subscription went through: events flow (a tab stops polling). */
  subscribed?(): void;
  /** It was refused (the error), or the stream is down (null): the tab falls back (polls, retries). */
  failed?(err: ApiError | null): void;
  /** Events of the topic were dropped for a slow reader: the tab refetches. */
  lost?(): void;
}

interface Message {
  event: string;
  key?: string;
  id?: string;
  data?: unknown;
  reason?: string;
  message?: string;
}

const RETRY_MS = 10_000;
/** How long the stream stays open without topics: a tab closed and another opened keep it. */
const IDLE_CLOSE_MS = 60_000;

class WindowStream {
  private source: EventSource | null = null;
  private id: string | null = null;
  private readonly topics = new Map<string, Topic>();
  private seq = 0;
  private retry = 0;
  private idle = 0;

  /** Subscribes a topic; returns its unsubscribe. */
  subscribe(topic: Topic): () => void {
    window.clearTimeout(this.idle);
    const key = `t${++this.seq}`;
    this.topics.set(key, topic);
    if (this.id) void this.post(key, topic, this.id);
    else this.open();
    return () => this.unsubscribe(key);
  }

  private unsubscribe(key: string): void {
    if (!this.topics.delete(key)) return;
    const id = this.id;
    if (id) void request('POST', `stream/${id}/unsubscribe`, { body: { key } }).catch(() => undefined);
    if (this.topics.size === 0) {
      window.clearTimeout(this.idle);
      this.idle = window.setTimeout(() => {
        if (this.topics.size === 0) this.close();
      }, IDLE_CLOSE_MS);
    }
  }

  private open(): void {
    if (this.source) return;
    window.clearTimeout(this.retry);
    const source = new EventSource(apiUrl('stream'));
    this.source = source;
    source.onmessage = (e) => this.onMessage(JSON.parse((e as MessageEvent<string>).data) as Message);
    source.onerror = () => {
      this.id = null;
      if (source.readyState === EventSource.CONNECTING) return; // EventSource reconnects by itself
      // refused (logged out, too many streams, Tusk stopping): the topics fall back, and the stream is tried again
      this.source = null;
      for (const t of [...this.topics.values()]) t.failed?.(null);
      this.retry = window.setTimeout(() => {
        if (this.topics.size > 0) this.open();
      }, RETRY_MS);
    };
  }

  private close(): void {
    window.clearTimeout(this.retry);
    this.source?.close();
    this.source = null;
    this.id = null;
  }

  private onMessage(m: Message): void {
    if (m.key !== undefined) {
      const topic = this.topics.get(m.key);
      if (!topic) return; // unsubscribed meanwhile
      if (m.event === 'lost') topic.lost?.();
      else topic.event(m.event, m.data);
      return;
    }
    if (m.event === 'stream' && m.id) {
      const id = m.id;
      this.id = id;
      for (const [key, topic] of this.topics) void this.post(key, topic, id);
    } else if (m.event === 'closed') {
      // the stream itself ended (logged out, access ended, Tusk stopping): each topic learns why
      this.id = null;
      const why = { reason: m.reason, message: m.message };
      for (const [key, topic] of [...this.topics]) if (this.topics.get(key) === topic) topic.event('closed', why);
    }
  }

  private async post(key: string, topic: Topic, id: string): Promise<void> {
    try {
      await request('POST', `stream/${id}/${topic.path}`, { body: { ...(topic.body?.() ?? {}), key } });
      if (this.topics.get(key) === topic) topic.subscribed?.();
    } catch (err) {
      // a stream that went meanwhile: the next one subscribes the topic again
      if (err instanceof ApiError && err.code === 'stream_not_found' && this.id !== id) return;
      if (this.topics.get(key) === topic) topic.failed?.(err instanceof ApiError ? err : null);
    }
  }
}

/** The window's stream: one per page. */
export const windowStream = new WindowStream();
