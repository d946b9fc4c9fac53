// An editable list of rows of text cells (a function's arguments, a
// type's attributes, a domain's checks): add, remove and move rows, each
// cell labelled for screen readers and tests.
import type { JSX } from 'preact';
import { Button } from '../../components/Button';
import { Icon } from '../../components/Icon';

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
  const move = (index: number, by: number) => {
    const next = [...rows];
    const [moved] = next.splice(index, 1);
    next.splice(index + by, 0, moved!);
    onRows(next);
  };
  const add = () => {
    const fresh = newRow(columns);
    onRows([...rows, fresh]);
    requestAnimationFrame(() => document.getElementById(`ddl-${noun}-${fresh.row}-${columns[0]!.key}`)?.focus());
  };
  const plural = `${noun}s`;
  return (
    <div class="ddl-grid-wrap">
      <div class="table-wrap">
        <table class="data-table ddl-grid" aria-label={plural[0]!.toUpperCase() + plural.slice(1)}>
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.key}>{c.title}</th>
              ))}
              <th class="ddl-col-actions">
                <span class="visually-hidden">Order and removal</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 && (
              <tr>
                <td colSpan={columns.length + 1} class="table-note">
                  {empty}
                </td>
              </tr>
            )}
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
                  <td class="ddl-col-actions">
                    <button type="button" class="icon-btn" aria-label={`Move ${noun} ${n} up`} title="Move up" disabled={i === 0} onClick={() => move(i, -1)}>
                      <Icon name="arrowUp" size={14} />
                    </button>
                    <button type="button" class="icon-btn" aria-label={`Move ${noun} ${n} down`} title="Move down" disabled={i === rows.length - 1} onClick={() => move(i, 1)}>
                      <Icon name="arrowDown" size={14} />
                    </button>
                    <button type="button" class="icon-btn" aria-label={`Remove ${noun} ${n}`} title="Remove" onClick={() => onRows(rows.filter((x) => x.row !== r.row))}>
                      <Icon name="close" size={14} />
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div>
        <Button small onClick={add}>
          <Icon name="plus" size={12} /> Add {noun}
        </Button>
      </div>
    </div>
  );
}
