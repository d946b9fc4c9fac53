// Preferences (user menu → Preferences…, Alt+Shift+P): the editor's font and tab size and
// completion, the rows a query keeps and View/Edit Data's rows, how results show numbers and dates, a confirmation before closing a query tab with SQL in it,
// the theme, and the keys of the query tool's main commands (a key another command has is shown
// as a conflict and not saved). Kept per user in Tusk's store; applied as soon as saved.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { Preferences, ShortcutAction, ThemeChoice } from '../../api/preferences';
import type { DateFormat, NumberFormat } from '../../lib/display';
import { DEFAULT_PREFERENCES } from '../../api/preferences';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { CheckboxField, FormError, SelectField, TextField } from '../../components/Field';
import { errorMessage } from '../../lib/format';
import '../../styles/preferences.css';
import { conflictOf, keyOfEvent, SHORTCUT_ACTIONS } from './keys';
import { preferences, updatePreferences } from './state';

/** A whole-number field's text and its range. */
interface NumberSpec {
  key: 'editor_font_size' | 'editor_tab_size' | 'query_row_limit' | 'view_data_limit';
  label: string;
  min: number;
  max: number;
  hint?: string;
}

const NUMBERS: Record<NumberSpec['key'], NumberSpec> = {
  editor_font_size: { key: 'editor_font_size', label: 'Font size (px)', min: 9, max: 24 },
  editor_tab_size: { key: 'editor_tab_size', label: 'Tab size (spaces)', min: 1, max: 8 },
  query_row_limit: { key: 'query_row_limit', label: 'Rows kept of a query\'s result', min: 0, max: 10_000_000, hint: '0: all. Rows past it are read, not kept' },
  view_data_limit: { key: 'view_data_limit', label: 'View/Edit Data rows', min: 0, max: 1_000_000, hint: '0: all rows' },
};

const THEMES: ReadonlyArray<{ value: ThemeChoice; label: string }> = [
  { value: 'system', label: 'As the system' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

const NUMBER_FORMATS: ReadonlyArray<{ value: NumberFormat; label: string }> = [
  { value: 'plain', label: 'As sent: 1234567.5' },
  { value: 'grouped', label: 'Grouped: 1,234,567.5' },
];

const DATE_FORMATS: ReadonlyArray<{ value: DateFormat; label: string }> = [
  { value: 'iso', label: 'As sent: 2024-03-09 13:04' },
  { value: 'locale', label: 'This browser\'s: Mar 9, 2024' },
];

function numberError(spec: NumberSpec, text: string): string | null {
  const n = Number(text);
  return /^\d+$/.test(text.trim()) && n >= spec.min && n <= spec.max ? null : `From ${spec.min} to ${spec.max}.`;
}

export function PreferencesDialog({ onClose }: { onClose: () => void }): JSX.Element {
  const [draft, setDraft] = useState<Preferences>(preferences.value);
  const [texts, setTexts] = useState(() => ({
    editor_font_size: String(draft.editor_font_size),
    editor_tab_size: String(draft.editor_tab_size),
    query_row_limit: String(draft.query_row_limit),
    view_data_limit: String(draft.view_data_limit),
  }));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof Preferences>(key: K, value: Preferences[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const numberField = (spec: NumberSpec) => (
    <TextField
      id={`pref-${spec.key}`}
      label={spec.label}
      inputMode="numeric"
      value={texts[spec.key]}
      onValue={(v) => setTexts((t) => ({ ...t, [spec.key]: v }))}
      error={numberError(spec, texts[spec.key])}
      hint={spec.hint}
    />
  );
  const conflicts = SHORTCUT_ACTIONS.some((a) => conflictOf(a.action, draft.shortcuts[a.action], draft.shortcuts) !== null);
  const invalid = Object.values(NUMBERS).some((spec) => numberError(spec, texts[spec.key]) !== null);

  const save = async () => {
    if (invalid || conflicts) {
      setError(conflicts ? 'Two commands have the same key: choose another one.' : 'A number is out of its range.');
      return;
    }
    setBusy(true);
    try {
      const numbers = Object.fromEntries(Object.values(NUMBERS).map((s) => [s.key, Number(texts[s.key])]));
      await updatePreferences({ ...draft, ...numbers });
      onClose();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <Dialog
      title="Preferences"
      size="medium"
      onClose={onClose}
      onSubmit={() => void save()}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={busy}>
            Save
          </Button>
        </>
      }
    >
      <PreferenceFields draft={draft} set={set} numberField={numberField} />
      <fieldset class="prefs-section">
        <legend>Query tool keys</legend>
        <ShortcutTable keys={draft.shortcuts} onKey={(action, key) => set('shortcuts', { ...draft.shortcuts, [action]: key })} />
      </fieldset>
      <FormError message={error} />
    </Dialog>
  );
}

interface FieldsProps {
  draft: Preferences;
  set: <K extends keyof Preferences>(key: K, value: Preferences[K]) => void;
  numberField: (spec: NumberSpec) => JSX.Element;
}

/** The editor's, the results' and the general preferences, in two columns. */
function PreferenceFields({ draft, set, numberField }: FieldsProps): JSX.Element {
  return (
    <div class="prefs-grid">
      <div>
        <fieldset class="prefs-section">
          <legend>SQL editor</legend>
          {numberField(NUMBERS.editor_font_size)}
          {numberField(NUMBERS.editor_tab_size)}
          <CheckboxField id="pref-autocompletion" label="Complete keywords, tables and columns as I type" checked={draft.autocompletion} onValue={(v) => set('autocompletion', v)} />
        </fieldset>
        <fieldset class="prefs-section">
          <legend>General</legend>
          <SelectField<ThemeChoice> id="pref-theme" label="Theme" value={draft.theme} options={THEMES} onValue={(v) => set('theme', v)} />
          <CheckboxField
            id="pref-confirm-close"
            label="Ask before closing a query tab with SQL in it"
            checked={draft.confirm_close_unsaved}
            onValue={(v) => set('confirm_close_unsaved', v)}
          />
        </fieldset>
      </div>
      <fieldset class="prefs-section">
        <legend>Results</legend>
        {numberField(NUMBERS.query_row_limit)}
        {numberField(NUMBERS.view_data_limit)}
        <SelectField<NumberFormat> id="pref-number-format" label="Numbers" value={draft.number_format} options={NUMBER_FORMATS} onValue={(v) => set('number_format', v)} />
        <SelectField<DateFormat> id="pref-date-format" label="Dates and times" value={draft.date_format} options={DATE_FORMATS} onValue={(v) => set('date_format', v)} />
      </fieldset>
    </div>
  );
}

interface ShortcutTableProps {
  keys: Record<ShortcutAction, string>;
  onKey: (action: ShortcutAction, key: string) => void;
}

function ShortcutTable({ keys, onKey }: ShortcutTableProps): JSX.Element {
  const [recording, setRecording] = useState<ShortcutAction | null>(null);
  const record = (action: ShortcutAction) => (e: KeyboardEvent) => {
    if (recording !== action) return;
    // the dialog's Esc and Enter are not keys to record here
    e.preventDefault();
    e.stopPropagation();
    if (e.key === 'Escape') return setRecording(null);
    const key = keyOfEvent(e);
    if (!key) return;
    onKey(action, key);
    setRecording(null);
  };
  return (
    <table class="prefs-keys">
      <tbody>
        {SHORTCUT_ACTIONS.map(({ action, label }) => {
          const conflict = conflictOf(action, keys[action], keys);
          return (
            <tr key={action}>
              <th scope="row">{label}</th>
              <td>
                <button
                  type="button"
                  class={recording === action ? 'prefs-key is-recording' : conflict ? 'prefs-key is-conflict' : 'prefs-key'}
                  aria-label={`Key for ${label}`}
                  aria-describedby={conflict ? `pref-conflict-${action}` : undefined}
                  onClick={() => setRecording(recording === action ? null : action)}
                  onKeyDown={record(action)}
                  onBlur={() => recording === action && setRecording(null)}
                >
                  {recording === action ? 'Press the keys…' : <kbd>{keys[action]}</kbd>}
                </button>
              </td>
              <td>
                <Button small disabled={keys[action] === DEFAULT_PREFERENCES.shortcuts[action]} onClick={() => onKey(action, DEFAULT_PREFERENCES.shortcuts[action])}>
                  Default
                </Button>
              </td>
              <td class="prefs-conflict" id={`pref-conflict-${action}`} role={conflict ? 'alert' : undefined}>
                {conflict && `Also: ${conflict}`}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
