// Labelled form controls. Every control has an id so its label, and tests,
// can find it. A field's own error shows under it and marks it invalid.
import type { JSX } from 'preact';

export interface TextFieldProps {
  id: string;
  label: string;
  value: string;
  onValue: (value: string) => void;
  type?: 'text' | 'email' | 'password' | 'search';
  autoComplete?: string;
  required?: boolean;
  placeholder?: string;
  /** The id of a <datalist> of suggestions. */
  list?: string;
  inputMode?: 'text' | 'numeric';
  disabled?: boolean;
  error?: string | null;
  hint?: string;
}

function FieldNote({ id, error, hint }: { id: string; error?: string | null; hint?: string }): JSX.Element | null {
  if (error) {
    return (
      <p id={`${id}-note`} class="field-error">
        {error}
      </p>
    );
  }
  if (hint) {
    return (
      <p id={`${id}-note`} class="field-hint">
        {hint}
      </p>
    );
  }
  return null;
}

export function TextField(props: TextFieldProps): JSX.Element {
  const { id, label, value, onValue, type = 'text', autoComplete = 'off', required, placeholder, list, inputMode, disabled, error, hint } = props;
  return (
    <div class="field">
      <label for={id}>
        {label}
        {required && <span class="field-required" aria-hidden="true"> *</span>}
      </label>
      <input
        id={id}
        name={id}
        required={required}
        // Preact types each input type on its own; these four take the same props.
        type={type as 'text'}
        value={value}
        placeholder={placeholder}
        list={list}
        inputMode={inputMode}
        disabled={disabled}
        autocomplete={autoComplete}
        spellcheck={false}
        aria-invalid={error ? true : undefined}
        aria-describedby={error || hint ? `${id}-note` : undefined}
        onInput={(e) => onValue(e.currentTarget.value)}
      />
      <FieldNote id={id} error={error} hint={hint} />
    </div>
  );
}

interface TextAreaFieldProps {
  id: string;
  label: string;
  value: string;
  onValue: (value: string) => void;
  rows?: number;
  placeholder?: string;
  mono?: boolean;
  error?: string | null;
}

export function TextAreaField({ id, label, value, onValue, rows = 3, placeholder, mono, error }: TextAreaFieldProps): JSX.Element {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <textarea
        id={id}
        name={id}
        rows={rows}
        value={value}
        placeholder={placeholder}
        class={mono ? 'is-mono' : undefined}
        spellcheck={false}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-note` : undefined}
        onInput={(e) => onValue(e.currentTarget.value)}
      />
      <FieldNote id={id} error={error} />
    </div>
  );
}

interface SelectFieldProps<T extends string> {
  id: string;
  label: string;
  value: T;
  options: ReadonlyArray<{ value: T; label: string }>;
  onValue: (value: T) => void;
}

export function SelectField<T extends string>(props: SelectFieldProps<T>): JSX.Element {
  const { id, label, value, options, onValue } = props;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} name={id} value={value} onChange={(e) => onValue(e.currentTarget.value as T)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

interface CheckboxFieldProps {
  id: string;
  label: string;
  checked: boolean;
  onValue: (checked: boolean) => void;
}

export function CheckboxField({ id, label, checked, onValue }: CheckboxFieldProps): JSX.Element {
  return (
    <div class="field field-check">
      <input
        id={id}
        name={id}
        type="checkbox"
        checked={checked}
        onChange={(e) => onValue(e.currentTarget.checked)}
      />
      <label for={id}>{label}</label>
    </div>
  );
}

interface ColorFieldProps {
  id: string;
  label: string;
  /** "#rrggbb", or null for none. */
  value: string | null;
  onValue: (value: string | null) => void;
  /** What the picker starts from while there is no colour. */
  fallback: string;
}

/** A colour that may be unset: a swatch that opens the picker, and a button to clear it. */
export function ColorField({ id, label, value, onValue, fallback }: ColorFieldProps): JSX.Element {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <div class="color-field">
        <input
          id={id}
          name={id}
          type="color"
          class={value ? undefined : 'is-unset'}
          value={value ?? fallback}
          onInput={(e) => onValue(e.currentTarget.value)}
        />
        <span class={value ? 'color-value' : 'color-value muted'}>{value ?? 'None'}</span>
        {value && (
          <button type="button" class="link-btn" aria-label={`Clear ${label.toLowerCase()}`} onClick={() => onValue(null)}>
            Clear
          </button>
        )}
      </div>
    </div>
  );
}

/** An error shown in place, announced to screen readers. */
export function FormError({ message }: { message: string | null }): JSX.Element | null {
  if (!message) return null;
  return (
    <p class="form-error" role="alert">
      {message}
    </p>
  );
}
