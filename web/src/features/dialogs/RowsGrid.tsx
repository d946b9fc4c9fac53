// An editable list of rows of text cells (a function's arguments, a
// type's attributes, a domain's checks): add, remove and move rows, each
// cell labelled for screen readers and tests.
import type { JSX } from 'preact';
import { DataTable } from '../../components/DataTable';
import { AddRowButton, RowButtons, moved } from '../../components/RowEditing';

export interface GridColumn {
  key: string;
  title: string;
  /** A select from these values (the first is the default); otherwise a text input. */
  options?: readonly string[];
  /** The id of a datalist of suggestions for a text cell. */
  list?: string;
  placeholder?: string;
}

export interface GridRow {
  row: number;
  values: Record<string, string>;
}

let nextRow = 1;

export function newRow(columns: readonly GridColumn[]): GridRow {
  const values: Record<string, string> = {};
  for (const c of columns) values[c.key] = c.options?.[0] ?? '';
  return { row: nextRow++, values };
}

interface RowsGridProps {
  /** What one row is, for labels: "argument", "attribute". */
  noun: string;
  columns: readonly GridColumn[];
  rows: GridRow[];
  onRows: (rows: GridRow[]) => void;
  empty: string;
}

export function RowsGrid({ noun, columns, rows, onRows, empty }: RowsGridProps): JSX.Element {
  const update = (row: number, key: string, value: string) => onRows(rows.map((r) => (r.row === row ? { row, values: { ...r.values, [key]: value } } : r)));
  const add = () => {
    const fresh = newRow(columns);
    onRows([...rows, fresh]);
    requestAnimationFrame(() => document.getElementById(`ddl-${noun}-${fresh.row}-${columns[0]!.key}`)?.focus());
  };
  const plural = `${noun}s`;
  return (
    <div class="ddl-grid-wrap">
      <DataTable
        columns={[...columns.map((c) => c.title), { label: 'Order and removal', class: 'ddl-col-actions', hidden: true }]}
        class="ddl-grid"
        label={plural[0]!.toUpperCase() + plural.slice(1)}
        wrap=""
        note={rows.length === 0 && empty}
      >
        {rows.map((r, i) => {
          const n = i + 1;
          return (
            <tr key={r.row}>
              {columns.map((c) => (
                <td key={c.key}>
                  {c.options ? (
                    <select id={`ddl-${noun}-${r.row}-${c.key}`} aria-label={`${c.title} of ${noun} ${n}`} value={r.values[c.key]} onChange={(e) => update(r.row, c.key, e.currentTarget.value)}>
                      {c.options.map((o) => (
                        <option key={o} value={o}>
                          {o}
                        </option>
                      ))}
                    </select>
                  ) : (
                    <input
                      id={`ddl-${noun}-${r.row}-${c.key}`}
                      aria-label={`${c.title} of ${noun} ${n}`}
                      value={r.values[c.key]}
                      list={c.list}
                      placeholder={c.placeholder}
                      autocomplete="off"
                      spellcheck={false}
                      onInput={(e) => update(r.row, c.key, e.currentTarget.value)}
                    />
                  )}
                </td>
              ))}
              <RowButtons what={`${noun} ${n}`} index={i} count={rows.length} onMove={(by) => onRows(moved(rows, i, by))} onRemove={() => onRows(rows.filter((x) => x.row !== r.row))} />
            </tr>
          );
        })}
      </DataTable>
      <AddRowButton noun={noun} onAdd={add} />
    </div>
  );
}
