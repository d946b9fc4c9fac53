// A query tab's session pickers in its toolbar: the database and the role it runs as. Each
// lists its choices (read when shown and each time it is opened), switches the tab's session
// on a choice, and shows the old value again when the switch is refused.
import type { JSX } from 'preact';
import { useEffect } from 'preact/hooks';

interface TabPickerProps {
  label: string;
  title: string;
  /** Marks the picker (a role set). */
  highlighted?: boolean;
  value: string;
  options: ReadonlyArray<{ value: string; label: string }>;
  disabled: boolean;
  /** Reads the choices again. */
  read: () => void;
  /** Switches to VALUE; resolves to the value the tab has afterwards. */
  pick: (value: string) => Promise<string>;
  /** What the choices depend on: they are read again when it changes. */
  readKey: unknown;
}

export function TabPicker({ label, title, highlighted, value, options, disabled, read, pick, readKey }: TabPickerProps): JSX.Element {
  useEffect(() => void read(), [readKey]);
  return (
    <label class={highlighted ? 'query-database is-role-set' : 'query-database'} title={title}>
      <span class="muted">{label}</span>
      <select
        aria-label={label}
        value={value}
        disabled={disabled}
        onFocus={() => void read()}
        onChange={(e) => {
          const select = e.currentTarget;
          void pick(select.value).then((now) => (select.value = now));
        }}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}
