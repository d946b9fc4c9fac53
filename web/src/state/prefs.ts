// Theme preference: light, dark, or follow the system; remembered per browser for the first
// paint, the user's own choice kept in the store (features/preferences). And how result grids
// draw numbers and dates, from the same preferences.
import { computed, effect, signal } from '@preact/signals';
import { PLAIN_DISPLAY, type DisplayFormat } from '../lib/display';

export type ThemeChoice = 'light' | 'dark' | 'system';

const STORAGE_KEY = 'tusk.theme';
const darkQuery = window.matchMedia('(prefers-color-scheme: dark)');

function storedChoice(): ThemeChoice {
  const value = localStorage.getItem(STORAGE_KEY);
  return value === 'light' || value === 'dark' ? value : 'system';
}

export const themeChoice = signal<ThemeChoice>(storedChoice());
const systemDark = signal(darkQuery.matches);
darkQuery.addEventListener('change', (e) => {
  systemDark.value = e.matches;
});

export const effectiveTheme = computed<'light' | 'dark'>(() => {
  const choice = themeChoice.value;
  if (choice !== 'system') return choice;
  return systemDark.value ? 'dark' : 'light';
});

/** How result grids draw numbers and dates (the user's preferences). */
export const displayFormat = signal<DisplayFormat>(PLAIN_DISPLAY);

export function setTheme(choice: ThemeChoice): void {
  themeChoice.value = choice;
  if (choice === 'system') localStorage.removeItem(STORAGE_KEY);
  else localStorage.setItem(STORAGE_KEY, choice);
}

export function toggleTheme(): void {
  setTheme(effectiveTheme.value === 'dark' ? 'light' : 'dark');
}

effect(() => {
  document.documentElement.dataset.theme = effectiveTheme.value;
});
