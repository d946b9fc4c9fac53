// Labelled form controls. Every control has an id so its label, and tests,
// can find it.
import type { JSX } from 'preact';

interface TextFieldProps {
  id: string;
  label: string;
  value: string;
  onValue: (value: string) => void;
  type?: 'text' | 'email' | 'password' | 'search';
  name?: string;
  autoComplete?: string;
  required?: boolean;
  minLength?: number;
  placeholder?: string;
  disabled?: boolean;
}

export function TextField(props: TextFieldProps): JSX.Element {
  const { id, label, value, onValue, type = 'text', name = id, autoComplete = 'off', ...rest } = props;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        {...rest}
        id={id}
        name={name}
        type={type}
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
  disabled?: boolean;
}

export function SelectField<T extends string>(props: SelectFieldProps<T>): JSX.Element {
  const { id, label, value, options, onValue, disabled } = props;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} name={id} value={value} disabled={disabled} onChange={(e) => onValue(e.currentTarget.value as T)}>
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
  disabled?: boolean;
}

export function CheckboxField({ id, label, checked, onValue, disabled }: CheckboxFieldProps): JSX.Element {
  return (
    <div class="field field-check">
      <input
        id={id}
        name={id}
        type="checkbox"
        checked={checked}
        disabled={disabled}
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
