// What the monitoring panels share: loading (and refreshing while visible),
// the bar with "updated at", pause and refresh, errors shown in place, and
// the confirmation of a signal or a prepared transaction's end.
import type { ComponentChildren, JSX } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../../api/client';
import { FormDialog, useSubmit } from '../../components/FormDialog';
import { Icon } from '../../components/Icon';
import { ToolButton } from '../../components/Toolbar';
import { errorMessage, formatClock } from '../../lib/format';

/** What a panel knows of where it is. */
export interface PanelProps {
  serverId: number;
  database: string | null;
  /** On screen: its dashboard tab in front, its sub-tab selected, the browser tab visible. */
  visible: boolean;
}

export interface PanelData<T> {
  value: T | null;
  error: unknown;
  loading: boolean;
  updated: number | null;
  paused: boolean;
  setPaused: (paused: boolean) => void;
  refresh: () => void;
}

/**
 * Loads with LOAD when the panel is first shown and whenever KEY changes;
 * with EVERY (ms), again that long after each answer while visible and not paused.
 */
export function usePanelData<T>(load: () => Promise<T>, key: string, visible: boolean, every?: number): PanelData<T> {
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const [updated, setUpdated] = useState<number | null>(null);
  const [paused, setPaused] = useState(false);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const seq = useRef(0);

  const refresh = useCallback(() => setTick((t) => t + 1), []);

  // One request at a time: a new key or a refresh supersedes the one in flight.
  useEffect(() => {
    if (!visible) return;
    const mine = ++seq.current;
    setLoading(true);
    loadRef.current().then(
      (v) => {
        if (mine !== seq.current) return;
        setValue(v);
        setError(null);
        setUpdated(Date.now() / 1000);
        setLoading(false);
      },
      (err: unknown) => {
        if (mine !== seq.current) return;
        setError(err);
        setLoading(false);
      },
    );
  }, [key, visible, tick]);

  useEffect(() => {
    if (!every || !visible || paused || loading) return undefined;
    const timer = window.setTimeout(refresh, every);
    return () => window.clearTimeout(timer);
  }, [every, visible, paused, loading, updated, error]);

  return { value, error, loading, updated, paused, setPaused, refresh };
}

interface PanelBarProps<T> {
  label: string;
  data: PanelData<T>;
  /** Live panels refresh every few seconds and can be paused. */
  live?: boolean;
  children?: ComponentChildren;
}

export function PanelBar<T>({ label, data, live, children }: PanelBarProps<T>): JSX.Element {
  const status = data.paused ? 'Paused' : data.updated !== null ? `Updated ${formatClock(data.updated)}` : data.loading ? 'Loading…' : '';
  return (
    <div class="dash-bar" role="toolbar" aria-label={`${label} tools`}>
      {children}
      <span class="toolbar-fill" />
      <span class="dash-bar-status" aria-live="off">
        {data.loading && <span class="spinner" aria-hidden="true" />}
        {status}
      </span>
      {live && (
        <ToolButton
          icon={data.paused ? 'play' : 'pause'}
          label={data.paused ? 'Resume refreshing' : 'Pause refreshing'}
          pressed={data.paused}
          onClick={() => data.setPaused(!data.paused)}
        />
      )}
      <ToolButton icon="refresh" label="Refresh now" onClick={data.refresh} />
    </div>
  );
}

interface MonitorPanelProps<T> {
  label: string;
  data: PanelData<T>;
  live?: boolean;
  /** What the bar holds before its status: a filter, a count. */
  tools?: ComponentChildren;
  /** The load's error is a hint (a missing extension): said calmly, in place of the content. */
  calm?: boolean;
  children: ComponentChildren;
}

/** A panel: its bar, the load's error in place, its content scrolling under them. */
export function MonitorPanel<T>({ label, data, live, tools, calm, children }: MonitorPanelProps<T>): JSX.Element {
  return (
    <div class="dash-panel">
      <PanelBar label={label} data={data} live={live}>
        {tools}
      </PanelBar>
      {data.error !== null && <PanelError error={data.error} calm={calm} />}
      {!calm && <div class="dash-scroll">{children}</div>}
    </div>
  );
}

/** A failed load: the server's reason, calm when it is a hint (a missing extension). */
export function PanelError({ error, calm }: { error: unknown; calm?: boolean }): JSX.Element {
  return (
    <div class={calm ? 'dash-hint' : 'dash-error'} role={calm ? 'note' : 'alert'}>
      <Icon name={calm ? 'info' : 'alert'} />
      <span>{errorMessage(error)}</span>
    </div>
  );
}

export function isCode(error: unknown, code: string): boolean {
  return error instanceof ApiError && error.code === code;
}

export interface Confirmation {
  title: string;
  body: ComponentChildren;
  action: string;
  danger?: boolean;
  run: () => Promise<void>;
}

/** Asks before acting; a refusal (403 with PostgreSQL's reason) stays in the dialog. */
export function ConfirmDialog({ confirmation, onClose }: { confirmation: Confirmation; onClose: () => void }): JSX.Element {
  const { busy, failure, run } = useSubmit((err) => (isCode(err, 'permission_denied') ? `PostgreSQL refused: ${errorMessage(err)}` : errorMessage(err)));
  const submit = () =>
    run(async () => {
      await confirmation.run();
      onClose();
    });
  return (
    <FormDialog
      title={confirmation.title}
      submitLabel={confirmation.action}
      danger={confirmation.danger}
      focus="cancel"
      cancelLabel="Back"
      busy={busy}
      error={failure}
      onSubmit={() => void submit()}
      onClose={onClose}
    >
      <div class="dash-confirm">{confirmation.body}</div>
    </FormDialog>
  );
}
