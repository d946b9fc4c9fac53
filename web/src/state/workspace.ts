// What is open in the shell: tabs and the current dialog. Reset whenever
// the user changes, so one user never sees what another had open.
import { signal } from '@preact/signals';
import type { IconName } from '../components/Icon';

export type TabKind = 'welcome' | 'query' | 'object' | 'dashboard' | 'jobs' | 'storage' | 'erd' | 'psql' | 'schemadiff';

export interface TabInfo {
  id: string;
  kind: TabKind;
  title: string;
  icon: IconName;
}

export type DialogName = 'password' | 'users' | 'audit' | 'shortcuts' | 'preferences' | 'two-factor';

const WELCOME: TabInfo = { id: 'welcome', kind: 'welcome', title: 'Welcome', icon: 'home' };

export const tabs = signal<TabInfo[]>([WELCOME]);
export const activeTabId = signal<string | null>(WELCOME.id);
export const openDialog = signal<DialogName | null>(null);

/** What a kind of tab does before it closes (a query tab ends its session); set by its feature. */
const closeHandlers = new Map<TabKind, (id: string) => void>();
const resetHandlers: Array<() => void> = [];

export function setCloseHandler(kind: TabKind, handler: (id: string) => void): void {
  closeHandlers.set(kind, handler);
}

/** Registers what a feature forgets when the user changes. */
export function onWorkspaceReset(handler: () => void): void {
  resetHandlers.push(handler);
}

export function resetWorkspace(): void {
  resetHandlers.forEach((h) => h());
  tabs.value = [WELCOME];
  activeTabId.value = WELCOME.id;
  openDialog.value = null;
}

/** Opens a tab, or brings it to the front when it is already open; ACTIVATE false only adds it. */
export function openTab(tab: TabInfo, activate = true): void {
  if (!tabs.value.some((t) => t.id === tab.id)) tabs.value = [...tabs.value, tab];
  if (activate) activeTabId.value = tab.id;
}

/** Changes an open tab's title and icon (the object tab follows the selection). */
export function retitleTab(id: string, title: string, icon: IconName): void {
  if (tabs.value.some((t) => t.id === id && (t.title !== title || t.icon !== icon))) {
    tabs.value = tabs.value.map((t) => (t.id === id ? { ...t, title, icon } : t));
  }
}

export function openWelcome(): void {
  openTab(WELCOME);
}

/** What the tab strip's close does: the tab's own handler, else closeTab. */
export function requestCloseTab(id: string): void {
  const tab = tabs.value.find((t) => t.id === id);
  const handler = tab && closeHandlers.get(tab.kind);
  if (handler) handler(id);
  else closeTab(id);
}

export function closeTab(id: string): void {
  const list = tabs.value;
  const index = list.findIndex((t) => t.id === id);
  if (index < 0) return;
  const rest = list.filter((t) => t.id !== id);
  tabs.value = rest;
  if (activeTabId.value === id) {
    activeTabId.value = rest[Math.min(index, rest.length - 1)]?.id ?? null;
  }
}
