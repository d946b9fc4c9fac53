// A search box: what it finds in its placeholder, its name for screen
// readers (the placeholder unless told otherwise), the text as typed.
import type { JSX } from 'preact';

interface SearchInputProps {
  class?: string;
  placeholder: string;
  label?: string;
  value: string;
  onValue: (value: string) => void;
}

export function SearchInput({ class: cls, placeholder, label = placeholder, value, onValue }: SearchInputProps): JSX.Element {
  return <input type="search" class={cls} placeholder={placeholder} aria-label={label} value={value} onInput={(e) => onValue(e.currentTarget.value)} />;
}
