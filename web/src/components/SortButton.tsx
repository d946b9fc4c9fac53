// A column heading that sorts its table: the title, and ▴ or ▾ while the
// table is sorted by it. CLASS names the button; its mark is CLASS-mark.
import type { ComponentChildren, JSX } from 'preact';

/** The heading's aria-sort. */
export function ariaSort(active: boolean, descending: boolean): 'ascending' | 'descending' | undefined {
  return active ? (descending ? 'descending' : 'ascending') : undefined;
}

interface SortButtonProps {
  class: string;
  active: boolean;
  descending: boolean;
  onClick: () => void;
  children: ComponentChildren;
}

export function SortButton({ class: cls, active, descending, onClick, children }: SortButtonProps): JSX.Element {
  return (
    <button type="button" class={cls} onClick={onClick}>
      {children}
      <span class={`${cls}-mark`} aria-hidden="true">
        {active ? (descending ? '▾' : '▴') : ''}
      </span>
    </button>
  );
}
