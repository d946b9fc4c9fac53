// Labelled form controls. Every control has an id so its label, and tests,
// can find it.
import type { JSX } from 'preact';

interface TextFieldProps {
  id: string;
  label: string;
  value: string;
  onValue: (value: string) => void;
  type?: 'text' | 'email' | 'password' | 'search';
  autoComplete?: string;
  required?: boolean;
}

export function TextField(props: TextFieldProps): JSX.Element {
  const { id, label, value, onValue, type = 'text', autoComplete = 'off', required } = props;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        id={id}
        name={id}
        required={required}
        // Preact types each input type on its own; these four take the same props.
        type={type as 'text'}
        value={value}
        autocomplete={autoComplete}
        spellcheck={false}
        onInput={(e) => onValue(e.currentTarget.value)}
      />
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

/** An error shown in place, announced to screen readers. */
export function FormError({ message }: { message: string | null }): JSX.Element | null {
  if (!message) return null;
  return (
    <p class="form-error" role="alert">
      {message}
    </p>
  );
}
