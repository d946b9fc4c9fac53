// The plain table the dialogs and tabs list things in: a header row, a note
// in place of the rows while there are none to show (loading, nothing
// matches), and the rows the caller draws.
import type { ComponentChildren, JSX } from 'preact';

/** A column heading: its text, or its text with a class (`num` aligns numbers), a tooltip, or read only by screen readers. */
export type Heading = string | { label: string; class?: string; title?: string; hidden?: boolean };

interface DataTableProps {
  columns: ReadonlyArray<Heading>;
  /** Classes besides `data-table`. */
  class?: string;
  label?: string;
  /** Said across the table instead of rows; nothing when null or false. */
  note?: ComponentChildren;
  /** Wraps the table in a scrolling `table-wrap` box with these classes besides. */
  wrap?: string;
  /** With `wrap`: the rows are being read again (the box dims). */
  busy?: boolean;
  onKeyDown?: (e: KeyboardEvent) => void;
  children?: ComponentChildren;
}

function HeadCell({ heading }: { heading: Heading }): JSX.Element {
  if (typeof heading === 'string') return <th>{heading}</th>;
  return (
    <th class={heading.class} title={heading.title}>
      {heading.hidden ? <span class="visually-hidden">{heading.label}</span> : heading.label}
    </th>
  );
}

export function DataTable({ columns, class: extra, label, note, wrap, busy, onKeyDown, children }: DataTableProps): JSX.Element {
  const table = (
    <table class={extra ? `data-table ${extra}` : 'data-table'} aria-label={label} onKeyDown={onKeyDown}>
      <thead>
        <tr>
          {columns.map((c, i) => (
            <HeadCell key={i} heading={c} />
          ))}
        </tr>
      </thead>
      <tbody>
        {note !== null && note !== false && note !== undefined && (
          <tr>
            <td colSpan={columns.length} class="table-note">
              {note}
            </td>
          </tr>
        )}
        {children}
      </tbody>
    </table>
  );
  if (wrap === undefined) return table;
  const box = ['table-wrap', wrap, busy ? 'is-loading' : ''].filter(Boolean).join(' ');
  return (
    <div class={box} aria-busy={busy}>
      {table}
    </div>
  );
}
