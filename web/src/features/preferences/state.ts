// The signed-in user's preferences: read from the store once the user is known, changed by the
// Preferences dialog (and the theme menu and toggle), applied wherever they are read.
import { signal } from '@preact/signals';
import { DEFAULT_PREFERENCES, fetchPreferences, savePreferences, type Preferences, type ThemeChoice } from '../../api/preferences';
import { errorMessage } from '../../lib/format';
import { displayFormat, effectiveTheme, setTheme } from '../../state/prefs';
import { showToast } from '../../state/toasts';
import { onWorkspaceReset } from '../../state/workspace';

export const preferences = signal<Preferences>(DEFAULT_PREFERENCES);

/** Whose preferences are shown (null: nobody's yet, the defaults). */
let loadedFor: number | null = null;

function apply(p: Preferences): void {
  preferences.value = p;
  displayFormat.value = { number: p.number_format, date: p.date_format };
  setTheme(p.theme);
}

/** Reads USERID's preferences when they are not those shown yet. */
export async function loadPreferences(userId: number): Promise<void> {
  if (loadedFor === userId) return;
  loadedFor = userId;
  try {
    const p = await inTurn(fetchPreferences);
    if (loadedFor === userId) apply(p);
  } catch (err) {
    loadedFor = null;
    showToast(`Your preferences could not be read: ${errorMessage(err)}`, 'error');
  }
}

/** Reads and saves one after the other, so answers apply in the order they were asked for. */
let queue: Promise<unknown> = Promise.resolve();

function inTurn<T>(fn: () => Promise<T>): Promise<T> {
  const next = queue.then(fn);
  queue = next.catch(() => undefined);
  return next;
}

/** Keeps CHANGES in the store and applies what it answers; throws the server's refusal. */
export async function updatePreferences(changes: Partial<Preferences>): Promise<void> {
  apply(await inTurn(() => savePreferences(changes)));
}

/** The theme menu and toggle: applied at once, kept in the store. */
export function chooseTheme(choice: ThemeChoice): void {
  setTheme(choice);
  updatePreferences({ theme: choice }).catch((err) => showToast(`The theme was not saved: ${errorMessage(err)}`, 'error'));
}

export function toggleSavedTheme(): void {
  chooseTheme(effectiveTheme.value === 'dark' ? 'light' : 'dark');
}

onWorkspaceReset(() => {
  loadedFor = null;
  preferences.value = DEFAULT_PREFERENCES;
  displayFormat.value = { number: DEFAULT_PREFERENCES.number_format, date: DEFAULT_PREFERENCES.date_format };
});
