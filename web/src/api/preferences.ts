// The user's preferences, kept per user in Tusk's store (GET/PUT /api/v1/preferences).
import type { DateFormat, NumberFormat } from '../lib/display';
import { request } from './client';

export type ThemeChoice = 'system' | 'light' | 'dark';

/** The query tool's commands whose keys a user may choose. */
export type ShortcutAction = 'execute' | 'explain' | 'explain_analyze' | 'format';

export interface Preferences {
  theme: ThemeChoice;
  editor_font_size: number;
  editor_tab_size: number;
  autocompletion: boolean;
  /** The rows a query's result keeps (the rest are read and dropped): 0 all. */
  query_row_limit: number;
  /** View/Edit Data's rows by default: 0 all, else the first N. */
  view_data_limit: number;
  /** How result grids draw numbers and dates (display only). */
  number_format: NumberFormat;
  date_format: DateFormat;
  confirm_close_unsaved: boolean;
  shortcuts: Record<ShortcutAction, string>;
}

/** What the server answers for a user who chose nothing (it fills in the same). */
export const DEFAULT_PREFERENCES: Preferences = {
  theme: 'system',
  editor_font_size: 13,
  editor_tab_size: 2,
  autocompletion: true,
  query_row_limit: 0,
  view_data_limit: 0,
  number_format: 'plain',
  date_format: 'iso',
  confirm_close_unsaved: false,
  shortcuts: { execute: 'F5', explain: 'F7', explain_analyze: 'Shift+F7', format: 'Ctrl+Shift+F' },
};

export async function fetchPreferences(): Promise<Preferences> {
  return (await request<{ preferences: Preferences }>('GET', 'preferences')).preferences;
}

/** Changes the keys given; answers the whole set. */
export async function savePreferences(changes: Partial<Preferences>): Promise<Preferences> {
  return (await request<{ preferences: Preferences }>('PUT', 'preferences', { body: { preferences: changes } })).preferences;
}
