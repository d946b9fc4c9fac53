// Keyboard shortcuts as the preferences spell them ("Ctrl+Shift+F", "F7"): read from a key
// press, matched against one, and turned into CodeMirror's names. The query tool's other keys
// are fixed; a chosen key that one of them (or another command) has is a conflict.
import type { ShortcutAction } from '../../api/preferences';

export const SHORTCUT_ACTIONS: ReadonlyArray<{ action: ShortcutAction; label: string }> = [
  { action: 'execute', label: 'Run the script or the selection' },
  { action: 'explain', label: 'Explain the statement' },
  { action: 'explain_analyze', label: 'Explain Analyze the statement' },
  { action: 'format', label: 'Format the SQL' },
];

/** Keys the query tool and the shell keep for themselves. */
export const FIXED_KEYS: Readonly<Record<string, string>> = {
  'Ctrl+Enter': 'Run (always)',
  'Ctrl+Shift+Enter': 'Run the statement at the cursor',
  'Ctrl+F': 'Find',
  'Ctrl+H': 'Replace',
  'Ctrl+A': 'Select all',
  'Ctrl+C': 'Copy',
  'Ctrl+V': 'Paste',
  'Ctrl+X': 'Cut',
  'Ctrl+Z': 'Undo',
  'Ctrl+Y': 'Redo',
  'Ctrl+Shift+Z': 'Redo',
  'Alt+Shift+T': 'Toggle the theme',
  'Alt+Shift+B': 'Focus the object explorer',
  'Alt+Shift+Q': 'Query tool',
  'Alt+Shift+D': 'Dashboard',
  'Alt+Shift+S': 'Storage',
  'Alt+Shift+P': 'Preferences',
  'Ctrl+Shift+T': 'Toggle the theme',
};

const MODIFIERS = ['Ctrl', 'Alt', 'Shift', 'Meta'] as const;

/** The key of a press as the preferences spell it; null for a modifier alone or a key no shortcut may use. */
export function keyOfEvent(e: KeyboardEvent): string | null {
  let key: string | null = null;
  if (/^F([1-9]|1[0-2])$/.test(e.key)) key = e.key;
  else if (/^Key[A-Z]$/.test(e.code)) key = e.code.slice(3);
  else if (/^Digit[0-9]$/.test(e.code)) key = e.code.slice(5);
  else if (e.key === 'Enter') key = 'Enter';
  if (!key) return null;
  const mods = [e.ctrlKey && 'Ctrl', e.altKey && 'Alt', e.shiftKey && 'Shift', e.metaKey && 'Meta'].filter(Boolean);
  // a letter, digit or Enter without Ctrl, Alt or Meta is typing
  if (!key.startsWith('F') || key.length === 1) {
    if (!e.ctrlKey && !e.altKey && !e.metaKey) return null;
  }
  return [...mods, key].join('+');
}

/** Whether the press E is KEY (Ctrl also matches ⌘ on a Mac, as in the editor). */
export function matchesKey(key: string, e: KeyboardEvent): boolean {
  const parts = key.split('+');
  const mods = new Set(parts.slice(0, -1));
  if ((e.ctrlKey || e.metaKey) !== (mods.has('Ctrl') || mods.has('Meta'))) return false;
  if (e.altKey !== mods.has('Alt') || e.shiftKey !== mods.has('Shift')) return false;
  const k = parts[parts.length - 1]!;
  if (/^F\d+$/.test(k) || k === 'Enter') return e.key === k;
  return e.code === (/^\d$/.test(k) ? `Digit${k}` : `Key${k}`);
}

/** KEY in CodeMirror's names: "Ctrl+Shift+F" is "Shift-Mod-f" (Mod: Ctrl, ⌘ on a Mac). */
export function codeMirrorKey(key: string): string {
  const parts = key.split('+');
  const k = parts.pop()!;
  const mods = parts.filter((m) => (MODIFIERS as readonly string[]).includes(m)).map((m) => (m === 'Ctrl' ? 'Mod' : m));
  return [...mods, /^[A-Z]$/.test(k) ? k.toLowerCase() : k].join('-');
}

/** What else has KEY: another chosen action's label, or a fixed key's use; null when free. */
export function conflictOf(action: ShortcutAction, key: string, chosen: Record<ShortcutAction, string>): string | null {
  const other = SHORTCUT_ACTIONS.find((a) => a.action !== action && chosen[a.action] === key);
  if (other) return other.label;
  return FIXED_KEYS[key] ?? null;
}
