// Keyboard shortcuts: the table shown in the Welcome tab and the "?" dialog,
// and the document-level handler for the global ones.
import { useEffect } from 'preact/hooks';
import { preferences, toggleSavedTheme } from '../preferences/state';
import { explorerDialog } from '../../state/servers';
import { selectedEntry } from '../browser/explorerModel';
import { runAction } from '../servers/actions';
import { openStorage } from '../storage/open';
import { activeTabId, openDialog, tabs } from '../../state/workspace';

export interface ShortcutGroup {
  title: string;
  items: ReadonlyArray<{ keys: string[]; action: string }>;
}

/** Stand for the keys the user chose in Preferences (shortcutGroups puts them in). */
const QUERY_KEY = { execute: '{execute}', explain: '{explain}', explain_analyze: '{explain_analyze}', format: '{format}' } as const;

const SHORTCUTS: ShortcutGroup[] = [
  {
    title: 'Anywhere',
    items: [
      { keys: ['?'], action: 'Show keyboard shortcuts' },
      { keys: ['Alt+Shift+T', 'Ctrl+Shift+T'], action: 'Toggle light and dark theme' },
      { keys: ['Alt+Shift+P'], action: 'Preferences (editor, keys, theme…)' },
      { keys: ['Alt+Shift+B'], action: 'Focus the object explorer' },
      { keys: ['Alt+Shift+Q'], action: 'Query tool on the selected server or database (or an object in it)' },
      { keys: ['Alt+Shift+D'], action: 'Dashboard of the selected server or database' },
      { keys: ['Alt+Shift+S'], action: 'Storage: your files (backups, uploads)' },
      { keys: ['Alt+Shift+]', 'Alt+Shift+['], action: 'Next / previous tab' },
    ],
  },
  {
    title: 'Object explorer',
    items: [
      { keys: ['↑', '↓'], action: 'Move up / down' },
      { keys: ['→', '←'], action: 'Expand / collapse or go up' },
      { keys: ['Enter'], action: 'Open the selected node' },
      { keys: ['Home', 'End'], action: 'First / last node' },
      { keys: ['Shift+F10', '≣ Menu'], action: 'Menu of the selected node' },
      { keys: ['F2'], action: 'Edit a server or group' },
      { keys: ['Delete'], action: 'Delete a server or group, drop an object' },
      { keys: ['F5'], action: 'Refresh the selected node' },
    ],
  },
  {
    title: 'Query tool',
    items: [
      { keys: [QUERY_KEY.execute, 'Ctrl+Enter'], action: 'Run the script or the selection' },
      { keys: ['Ctrl+Shift+Enter'], action: 'Run the statement at the cursor' },
      { keys: ['Esc'], action: 'Cancel the running query' },
      { keys: [QUERY_KEY.format], action: 'Format the SQL' },
      { keys: [QUERY_KEY.explain, QUERY_KEY.explain_analyze], action: 'Explain / Explain Analyze the statement' },
      { keys: ['Alt+Shift+P'], action: 'Choose other keys for Run, Explain, Explain Analyze and Format (Preferences)' },
      { keys: ['Ctrl+F', 'Ctrl+H'], action: 'Find / replace' },
      { keys: ['Ctrl+Space'], action: 'Complete keywords, tables, columns' },
      { keys: ['Ctrl+C', 'Ctrl+Shift+C'], action: 'Copy cells (with headers) in a result' },
    ],
  },
  {
    title: 'Storage',
    items: [
      { keys: ['Enter'], action: 'Open the folder / download the file' },
      { keys: ['Backspace', 'Alt+↑'], action: 'Up one folder' },
      { keys: ['F2'], action: 'Rename' },
      { keys: ['Delete'], action: 'Delete (asks first)' },
      { keys: ['F5'], action: 'Refresh the folder' },
    ],
  },
  {
    title: 'Tabs and dialogs',
    items: [
      { keys: ['←', '→'], action: 'Switch tab (in the tab strip)' },
      { keys: ['Delete'], action: 'Close the focused tab' },
      { keys: ['Enter'], action: 'Submit the dialog' },
      { keys: ['Esc'], action: 'Close the dialog or menu' },
    ],
  },
];

/** The shortcuts, with the query tool's keys as the user chose them. */
export function shortcutGroups(): ShortcutGroup[] {
  const chosen = preferences.value.shortcuts;
  const key = (k: string) => {
    const m = /^\{(\w+)\}$/.exec(k);
    return m ? chosen[m[1] as keyof typeof chosen] : k;
  };
  return SHORTCUTS.map((g) => ({ ...g, items: g.items.map((item) => ({ ...item, keys: item.keys.map(key) })) }));
}

function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

function cycleTab(delta: number): void {
  const list = tabs.value;
  if (list.length === 0) return;
  const index = list.findIndex((t) => t.id === activeTabId.value);
  activeTabId.value = list[(index + delta + list.length) % list.length]!.id;
}

/** Ctrl+Shift+T is kept by most browsers for "reopen tab"; Alt+Shift+T always reaches the page. */
function isThemeToggle(e: KeyboardEvent): boolean {
  return e.code === 'KeyT' && e.shiftKey && (e.altKey || e.ctrlKey) && !e.metaKey;
}

function handleAltShift(e: KeyboardEvent): boolean {
  if (!e.altKey || !e.shiftKey || e.ctrlKey || e.metaKey) return false;
  const actions: Record<string, () => void> = {
    KeyB: () => document.querySelector<HTMLElement>('.tree')?.focus(),
    KeyQ: () => runAction('query-tool', selectedEntry()),
    KeyD: () => runAction('dashboard', selectedEntry()),
    KeyS: openStorage,
    KeyP: () => (openDialog.value = 'preferences'),
    BracketRight: () => cycleTab(1),
    BracketLeft: () => cycleTab(-1),
  };
  const action = actions[e.code];
  action?.();
  return action !== undefined;
}

/** The theme toggles anywhere, dialogs included; the rest waits until no dialog is open. */
function onKeyDown(e: KeyboardEvent): void {
  if (e.defaultPrevented) return;
  let handled = true;
  if (isThemeToggle(e)) toggleSavedTheme();
  else if (openDialog.value !== null || explorerDialog.value !== null) handled = false;
  else if (e.key === '?' && !e.ctrlKey && !e.altKey && !e.metaKey && !isEditable(e.target)) openDialog.value = 'shortcuts';
  else handled = handleAltShift(e);
  if (handled) e.preventDefault();
}

export function useGlobalShortcuts(): void {
  useEffect(() => {
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);
}
