// The panels' table: right-aligned numbers, optional sorting by header,
// and keyboard navigation over rows (arrows, Home/End, PageUp/PageDown;
// Tab reaches the buttons of the focused row).
import { Fragment, type ComponentChildren, type JSX } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { SortButton, ariaSort } from '../../components/SortButton';

export interface Column<R> {
  key: string;
  title: string;
  /** Numbers are right-aligned. */
  numeric?: boolean;
  /** A tooltip for the header. */
  hint?: string;
  class?: string;
  render: (row: R) => ComponentChildren;
  /** What the column sorts by; without it the header does not sort. */
  sortValue?: (row: R) => number | string | null;
}

export interface Sort {
  key: string;
  descending: boolean;
}

interface MonitorTableProps<R> {
  label: string;
  columns: Array<Column<R>>;
  rows: R[];
  rowKey: (row: R) => string;
  rowClass?: (row: R) => string;
  /** Extra content under a row (an expanded query), spanning the table. */
  detail?: (row: R) => ComponentChildren;
  /** Enter on a row. */
  onActivate?: (row: R) => void;
  initialSort?: Sort;
  /** Rows in order of this value get a heading row where it changes (settings by category). */
  groupBy?: (row: R) => string;
  empty: ComponentChildren;
}

function compare(a: number | string | null, b: number | string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true, sensitivity: 'base' });
}

export function sorted<R>(rows: R[], columns: Array<Column<R>>, sort: Sort | null): R[] {
  const column = sort && columns.find((c) => c.key === sort.key);
  if (!column?.sortValue || !sort) return rows;
  const value = column.sortValue;
  const sign = sort.descending ? -1 : 1;
  return rows
    .map((row, i) => ({ row, i, v: value(row) }))
    .sort((x, y) => {
      // NULLs last in either direction.
      if (x.v === null || y.v === null) return compare(x.v, y.v) || x.i - y.i;
      return sign * compare(x.v, y.v) || x.i - y.i;
    })
    .map((e) => e.row);
}

export function MonitorTable<R>(props: MonitorTableProps<R>): JSX.Element {
  const { label, columns, rows, rowKey, rowClass, detail, onActivate, initialSort, groupBy, empty } = props;
  const [sort, setSort] = useState<Sort | null>(initialSort ?? null);
  const [focusKey, setFocusKey] = useState<string | null>(null);
  const bodyRef = useRef<HTMLTableSectionElement>(null);
  const list = sorted(rows, columns, sort);
  const focusIndex = Math.max(0, list.findIndex((r) => rowKey(r) === focusKey));

  const toggleSort = (key: string) => {
    setSort((s) => (s?.key === key ? { key, descending: !s.descending } : { key, descending: columns.find((c) => c.key === key)?.numeric ?? false }));
  };

  const focusRow = (index: number) => {
    const row = list[Math.max(0, Math.min(list.length - 1, index))];
    if (!row) return;
    const key = rowKey(row);
    setFocusKey(key);
    bodyRef.current?.querySelector<HTMLElement>(`tr[data-key="${CSS.escape(key)}"]`)?.focus();
  };

  const onKeyDown = (e: KeyboardEvent, index: number, row: R) => {
    if (e.target !== e.currentTarget) return;
    const page = 10;
    const moves: Record<string, number> = {
      ArrowDown: index + 1,
      ArrowUp: index - 1,
      Home: 0,
      End: list.length - 1,
      PageDown: index + page,
      PageUp: index - page,
    };
    const to = moves[e.key];
    if (to !== undefined) {
      e.preventDefault();
      focusRow(to);
    } else if (e.key === 'Enter' && onActivate) {
      e.preventDefault();
      onActivate(row);
    }
  };

  return (
    <table class="data-table dash-table" aria-label={label} aria-rowcount={list.length + 1}>
      <thead>
        <tr>
          {columns.map((c) => {
            const active = sort?.key === c.key;
            const descending = sort?.descending ?? false;
            return (
              <th key={c.key} scope="col" class={[c.numeric ? 'num' : '', c.class ?? ''].join(' ').trim() || undefined} aria-sort={ariaSort(active, descending)} title={c.hint}>
                {c.sortValue ? (
                  <SortButton class="dash-sort" active={active} descending={descending} onClick={() => toggleSort(c.key)}>
                    {c.title}
                  </SortButton>
                ) : (
                  c.title
                )}
              </th>
            );
          })}
        </tr>
      </thead>
      <tbody ref={bodyRef}>
        {list.length === 0 && (
          <tr>
            <td class="table-note" colSpan={columns.length}>
              {empty}
            </td>
          </tr>
        )}
        {list.map((row, index) => {
          const key = rowKey(row);
          const extra = detail?.(row);
          const groupName = groupBy?.(row) ?? null;
          const group = groupName !== null && (index === 0 || groupBy?.(list[index - 1]!) !== groupName) ? groupName : null;
          return (
            <Fragment key={key}>
              {group !== null && (
                <tr class="dash-group">
                  <th scope="rowgroup" colSpan={columns.length}>
                    {group}
                  </th>
                </tr>
              )}
              <tr
                data-key={key}
                class={rowClass?.(row) || undefined}
                tabIndex={index === focusIndex ? 0 : -1}
                onFocus={() => setFocusKey(key)}
                onKeyDown={(e) => onKeyDown(e, index, row)}
              >
                {columns.map((c) => (
                  <td key={c.key} class={[c.numeric ? 'num' : '', c.class ?? ''].join(' ').trim() || undefined}>
                    {c.render(row)}
                  </td>
                ))}
              </tr>
              {extra && (
                <tr class="dash-detail">
                  <td colSpan={columns.length}>{extra}</td>
                </tr>
              )}
            </Fragment>
          );
        })}
      </tbody>
    </table>
  );
}
