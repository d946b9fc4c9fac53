// The PSQL tool's tab: a real psql (the server's version, in a sandbox on
// the Tusk server) in an xterm.js terminal fitted to the pane, a status line
// (connected, reconnecting, exited with its code) and Restart.
import '@xterm/xterm/css/xterm.css';
import '../../styles/psql.css';
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Button } from '../../components/Button';
import { Icon } from '../../components/Icon';
import { effectiveTheme } from '../../state/prefs';
import { activeTabId } from '../../state/workspace';
import { psqlAvailability, psqlTarget } from './open';
import { DARK, LIGHT, PsqlSession, type PsqlStatus } from './session';

function statusText(s: PsqlStatus): string {
  switch (s.kind) {
    case 'starting':
      return 'Starting psql…';
    case 'connected':
      return 'Connected';
    case 'reconnecting':
      return 'Reconnecting…';
    case 'exited':
      return `psql exited with code ${s.code}`;
    case 'closed':
      // the reason is in the terminal and the title: the line may be narrow
      return psqlAvailability.value?.available === false ? 'Unavailable' : 'Closed';
  }
}

export function PsqlTab({ id }: { id: string }): JSX.Element {
  const target = psqlTarget(id);
  const host = useRef<HTMLDivElement>(null);
  const [session, setSession] = useState<PsqlSession | null>(null);
  const [restarting, setRestarting] = useState(false);
  const dark = effectiveTheme.value === 'dark';
  const active = activeTabId.value === id;

  useEffect(() => {
    if (!host.current || !target) return;
    const s = new PsqlSession(id, dark ? DARK : LIGHT);
    s.mount(host.current);
    setSession(s);
    const observer = new ResizeObserver(() => s.fitNow());
    observer.observe(host.current);
    return () => {
      observer.disconnect();
      s.dispose();
    };
  }, [id]);

  useEffect(() => session?.setTheme(dark ? DARK : LIGHT), [session, dark]);
  useEffect(() => {
    if (!active || !session) return;
    session.fitNow();
    session.term.focus();
  }, [active, session]);

  if (!target) return <p class="empty-state">This PSQL tab is closed.</p>;
  const status = session?.status.value ?? { kind: 'starting' };
  const restart = async () => {
    if (!session) return;
    setRestarting(true);
    await session.restart();
    setRestarting(false);
  };
  const ended = status.kind === 'exited' || status.kind === 'closed';
  return (
    <div class="psql-tab">
      <header class="tab-head">
        <Icon name="terminal" class="tab-head-icon" />
        <strong>{target.database ?? target.serverName}</strong>
        <span class="muted">{target.database !== null ? `on ${target.serverName}` : 'maintenance database'}</span>
        <span class={`psql-status psql-status-${status.kind}`} role="status" aria-live="polite" data-testid="psql-status" title={status.kind === 'closed' ? status.message : undefined}>
          <span class="psql-dot" aria-hidden="true" />
          {statusText(status)}
          {status.kind === 'closed' && <span class="visually-hidden">: {status.message}</span>}
        </span>
        <span class="psql-spacer" />
        <span class="muted psql-keys">Ctrl+Shift+C copy · Ctrl+Shift+V paste</span>
        <Button small variant="ghost" title="Copy the selection" onClick={() => void session?.copy()}>
          <Icon name="copy" size={14} /> Copy
        </Button>
        <Button small variant="ghost" title="Paste from the clipboard" onClick={() => void session?.paste()}>
          Paste
        </Button>
        <Button small variant={ended ? 'primary' : 'default'} busy={restarting} title="End this psql and start a new one" onClick={() => void restart()}>
          <Icon name="refresh" size={14} /> Restart
        </Button>
      </header>
      <div class="psql-term" ref={host} data-testid="psql-terminal" />
    </div>
  );
}
