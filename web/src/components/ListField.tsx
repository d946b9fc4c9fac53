// A list of short names (databases, say): type one and press Enter or
// comma to add it, remove one with its x or Backspace in the empty input.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { Icon } from './Icon';

interface ListFieldProps {
  id: string;
  label: string;
  values: string[];
  onValues: (values: string[]) => void;
  placeholder?: string;
  hint?: string;
}

export function ListField({ id, label, values, onValues, placeholder, hint }: ListFieldProps): JSX.Element {
  const [text, setText] = useState('');

  const add = () => {
    const names = text
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s && !values.includes(s));
    if (names.length > 0) onValues([...values, ...new Set(names)]);
    setText('');
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if ((e.key === 'Enter' || e.key === ',') && text.trim()) {
      // Enter adds the name rather than submitting the form.
      e.preventDefault();
      add();
    } else if (e.key === 'Backspace' && !text && values.length > 0) {
      onValues(values.slice(0, -1));
    }
  };

  return (
    <div class="field">
      <label for={id}>{label}</label>
      <div class="list-field">
        <ul class="list-chips" aria-label={label}>
          {values.map((v) => (
            <li key={v} class="chip">
              <span>{v}</span>
              <button type="button" class="chip-remove" aria-label={`Remove ${v}`} onClick={() => onValues(values.filter((x) => x !== v))}>
                <Icon name="close" size={10} />
              </button>
            </li>
          ))}
        </ul>
        <input
          id={id}
          type="text"
          value={text}
          placeholder={values.length === 0 ? placeholder : undefined}
          autocomplete="off"
          spellcheck={false}
          aria-describedby={hint ? `${id}-note` : undefined}
          onInput={(e) => setText(e.currentTarget.value)}
          onKeyDown={onKeyDown}
          onBlur={add}
        />
      </div>
      {hint && (
        <p id={`${id}-note`} class="field-hint">
          {hint}
        </p>
      )}
    </div>
  );
}
