// A folder's entries as a grid: folders first, sortable by name, size or
// time; one row selected and focusable at a time (arrows, Home/End,
// PageUp/PageDown), Enter opens, Backspace goes up. The file manager and the
// picker share it and add their own keys (F2, Delete).
import type { JSX } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { FileEntry } from '../../api/files';
import { Icon } from '../../components/Icon';
import { SortButton, ariaSort } from '../../components/SortButton';
import { formatSize, formatTime } from '../../lib/format';

type SortKey = 'name' | 'size' | 'mtime';

interface FileTableProps {
  label: string;
  entries: FileEntry[];
  selected: string | null;
  onSelect: (name: string | null) => void;
  /** Enter or double-click: open a folder, take a file. */
  onOpen: (entry: FileEntry) => void;
  /** Backspace or Alt+↑. */
  onUp?: () => void;
  /** Other keys in the table (F2, Delete), with the row's entry if on one; true when handled. */
  onKey?: (e: KeyboardEvent, entry: FileEntry | null) => boolean;
  empty: string;
  /** Rows to show without scrolling the page (the picker's table is short). */
  compact?: boolean;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

function sortEntries(entries: FileEntry[], key: SortKey, descending: boolean): FileEntry[] {
  const sign = descending ? -1 : 1;
  const value = (e: FileEntry) => (key === 'size' ? e.size : key === 'mtime' ? Date.parse(e.mtime ?? '') || 0 : 0);
  return [...entries].sort((a, b) => {
    if (a.type !== b.type) return a.type === 'dir' ? -1 : 1;
    const by = key === 'name' ? collator.compare(a.name, b.name) : value(a) - value(b);
    return sign * (by || collator.compare(a.name, b.name));
  });
}

const COLUMNS: Array<{ key: SortKey; title: string; class?: string }> = [
  { key: 'name', title: 'Name', class: 'files-name' },
  { key: 'size', title: 'Size', class: 'num files-size' },
  { key: 'mtime', title: 'Modified', class: 'files-time' },
];

export function FileTable(props: FileTableProps): JSX.Element {
  const { label, entries, selected, onSelect, onOpen, onUp, onKey, empty, compact } = props;
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({ key: 'name', descending: false });
  const bodyRef = useRef<HTMLTableSectionElement>(null);
  const focusPending = useRef(false);
  /** Focus is in the table; when the row holding it goes (a folder opened), the new selection takes it. */
  const hasFocus = useRef(false);
  const rows = sortEntries(entries, sort.key, sort.descending);
  const index = rows.findIndex((e) => e.name === selected);

  // Keyboard moves focus the newly selected row once it is drawn; so does a
  // folder change while the table had focus.
  useLayoutEffect(() => {
    const lost = hasFocus.current && (document.activeElement === document.body || document.activeElement === null);
    if (!focusPending.current && !lost) return;
    focusPending.current = false;
    bodyRef.current?.querySelector<HTMLElement>('tbody [tabindex="0"]')?.focus();
  });

  const move = (to: number) => {
    const entry = rows[Math.max(0, Math.min(rows.length - 1, to))];
    if (!entry) return;
    focusPending.current = true;
    onSelect(entry.name);
  };

  const onKeyDown = (e: KeyboardEvent, at: number, entry: FileEntry) => {
    const page = 10;
    const moves: Record<string, number> = {
      ArrowDown: at + 1,
      ArrowUp: at - 1,
      Home: 0,
      End: rows.length - 1,
      PageDown: at + page,
      PageUp: at - page,
    };
    const to = e.altKey || e.ctrlKey || e.metaKey ? undefined : moves[e.key];
    if (to !== undefined) move(to);
    else if (e.key === 'Enter') onOpen(entry);
    else if (!onKey?.(e, entry)) return;
    e.preventDefault();
    e.stopPropagation();
  };

  // What rows leave, and keys in an empty folder: going up, the caller's own.
  const onTableKeyDown = (e: KeyboardEvent) => {
    if (!(e.target instanceof HTMLElement) || !e.target.closest('tbody')) return;
    if (onUp && (e.key === 'Backspace' || (e.altKey && e.key === 'ArrowUp'))) onUp();
    else if (!onKey?.(e, null)) return;
    e.preventDefault();
  };

  const toggleSort = (key: SortKey) =>
    setSort((s) => (s.key === key ? { key, descending: !s.descending } : { key, descending: key !== 'name' }));

  return (
    <div
      class={compact ? 'files-scroll is-compact' : 'files-scroll'}
      onKeyDown={onTableKeyDown}
      onFocusIn={(e) => (hasFocus.current = !!(e.target as HTMLElement).closest('tbody'))}
      onFocusOut={(e) => {
        const to = e.relatedTarget as Node | null;
        if (to && !bodyRef.current?.contains(to)) hasFocus.current = false;
      }}
    >
      <table class="data-table files-table" role="grid" aria-label={label} aria-rowcount={rows.length + 1}>
        <thead>
          <tr>
            {COLUMNS.map((c) => {
              const active = sort.key === c.key;
              return (
                <th key={c.key} scope="col" class={c.class} aria-sort={ariaSort(active, sort.descending)}>
                  <SortButton class="files-sort" active={active} descending={sort.descending} onClick={() => toggleSort(c.key)}>
                    {c.title}
                  </SortButton>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody ref={bodyRef}>
          {rows.length === 0 && (
            <tr>
              <td class="table-note" colSpan={COLUMNS.length} tabIndex={0}>
                {empty}
              </td>
            </tr>
          )}
          {rows.map((entry, at) => {
            const isSelected = entry.name === selected;
            return (
              <tr
                key={`${entry.type}:${entry.name}`}
                class={isSelected ? 'is-selected' : undefined}
                aria-selected={isSelected}
                tabIndex={isSelected || (index < 0 && at === 0) ? 0 : -1}
                onClick={() => onSelect(entry.name)}
                onDblClick={() => onOpen(entry)}
                onFocus={() => selected === null && onSelect(entry.name)}
                onKeyDown={(e) => onKeyDown(e, at, entry)}
              >
                <td class="files-name">
                  <span class="files-cell">
                    <Icon name={entry.type === 'dir' ? 'folder' : 'file'} class={entry.type === 'dir' ? 'files-icon is-dir' : 'files-icon'} />
                    <span class="files-label">{entry.name}</span>
                  </span>
                </td>
                <td class="num files-size">{entry.type === 'dir' ? '' : formatSize(entry.size)}</td>
                <td class="files-time">{formatTime(entry.mtime)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
