// Opening a PSQL tool tab: small, in the main bundle; the terminal itself
// (xterm.js) loads on first use. A tab remembers its session so that a
// reload attaches to the same psql again (shell/panels.ts keeps the list).
import { signal } from '@preact/signals';
import { closePsql, psqlInfo, type PsqlInfo } from '../../api/psql';
import type { Server } from '../../api/servers';
import { closeTab, onWorkspaceReset, openTab, setCloseHandler } from '../../state/workspace';

export interface PsqlTarget {
  serverId: number;
  serverName: string;
  /** null: the server's maintenance database. */
  database: string | null;
  /** The psql session the tab shows, once started (kept across reloads). */
  sessionId: string | null;
}

/** Per tab; a signal so that the saved list follows a restart's new session. */
const targets = signal(new Map<string, PsqlTarget>());
let seq = 0;

onWorkspaceReset(() => (targets.value = new Map()));
setCloseHandler('psql', (id) => {
  const sid = targets.value.get(id)?.sessionId;
  if (sid) void closePsql(sid).catch(() => undefined);
  const next = new Map(targets.value);
  next.delete(id);
  targets.value = next;
  closeTab(id);
});

export function psqlTarget(tabId: string): PsqlTarget | undefined {
  return targets.value.get(tabId);
}

export function setPsqlSession(tabId: string, sessionId: string | null): void {
  const t = targets.value.get(tabId);
  if (!t || t.sessionId === sessionId) return;
  targets.value = new Map(targets.value).set(tabId, { ...t, sessionId });
}

/** Opens a new PSQL tab on SERVER (its DATABASE, or the maintenance database); SESSION: attach to that psql. */
export function openPsqlTab(server: Server, database: string | null, sessionId: string | null = null): void {
  const id = `psql:${server.id}:${++seq}:${Date.now().toString(36)}`;
  targets.value = new Map(targets.value).set(id, { serverId: server.id, serverName: server.name, database, sessionId });
  openTab({ id, kind: 'psql', title: `PSQL — ${database ?? server.name}`, icon: 'terminal' });
}

/** The server's GET /psql answer (whether the tool runs here, and why not); null until known. */
export const psqlAvailability = signal<PsqlInfo | null>(null);
let asking: Promise<void> | null = null;

/** Asks the server once per page (again after a failed ask). */
export function askPsqlAvailability(): void {
  asking ??= psqlInfo().then(
    (info) => {
      psqlAvailability.value = info;
    },
    () => {
      asking = null;
    },
  );
}

/** The menu's name for the tool: it says so when the tool cannot run on this Tusk server (the tab
 *  it opens then shows the server's reason, and what the operator can do). */
export function psqlToolLabel(): string {
  askPsqlAvailability();
  return psqlAvailability.value?.available === false ? 'PSQL Tool (unavailable)' : 'PSQL Tool';
}
