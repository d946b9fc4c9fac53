// A virtualized data grid for result sets of any size: fixed-height rows,
// only what is in view rendered, rows fetched in windows through `load`
// with a small cache (rowWindows.ts: a hook, after each draw), and scaled
// scrolling past the browser's height cap.
// Cells render by PostgreSQL type. Keyboard: arrows (Shift extends),
// PageUp/PageDown, Ctrl+Home/End, Enter to view (or edit), Ctrl+C copies.
// Up to LOCAL_LIMIT rows, headers sort and the filter box filters locally.
import type { JSX } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { displayText } from '../lib/display';
import { formatThousands } from '../lib/format';
import { displayFormat } from '../state/prefs';
import { Dialog } from './Dialog';
import { firstVisible, scrollTopFor, spacerHeight } from './gridScroll';
import { cutMap, useRowWindows, type Cell, type RowsPage } from './rowWindows';
import { SearchInput } from './SearchInput';
import { useElementSize } from './useElementSize';

export interface GridColumn {
  name: string;
  type: string;
}

/** Edits made in the grid, kept by the owner; present only when the data can be changed. */
export interface GridEditing {
  /** Rows the user added, after the loaded ones. */
  inserted: Cell[][];
  /** New values by row, then column. */
  edited: ReadonlyMap<number, ReadonlyMap<number, Cell>>;
  deleted: ReadonlySet<number>;
  /** A failed save's message by row. */
  errors: ReadonlyMap<number, string>;
  /** Columns that cannot be written (generated ones). */
  readOnly: ReadonlySet<number>;
  onEdit: (row: number, col: number, value: Cell) => void;
}

interface GridProps {
  label: string;
  columns: GridColumn[];
  /** Rows on the server so far; grows while rows arrive. */
  rowCount: number;
  complete: boolean;
  load: (offset: number, limit: number) => Promise<RowsPage>;
  /** The whole value of a cell shown cut, by the row's position in the result. */
  loadValue?: (row: number, col: number) => Promise<Cell>;
  editing?: GridEditing;
  /** Told the row of the cursor, for actions on "the selected row". */
  onCursorRow?: (row: number | null) => void;
}

export const ROW_HEIGHT = 22;
const HEADER_HEIGHT = 38;
const LOCAL_LIMIT = 10_000;
const CELL_CHARS = 200;

const NUMERIC = new Set(['int2', 'int4', 'int8', 'smallint', 'integer', 'bigint', 'numeric', 'decimal', 'float4', 'float8', 'real', 'double precision', 'oid', 'money']);
const isNumeric = (type: string) => NUMERIC.has(type.replace(/\(.*\)$/, ''));
const isBool = (type: string) => type === 'bool' || type === 'boolean';
const isJson = (type: string) => type === 'json' || type === 'jsonb';

interface Pos {
  row: number;
  col: number;
}

function initialWidth(c: GridColumn): number {
  const chars = Math.max(c.name.length + c.type.length / 1.4, isNumeric(c.type) ? 8 : 12);
  return Math.round(Math.min(320, Math.max(64, chars * 7.4 + 22)));
}

/** The widest a column grows to fit its data by itself; wider only by hand. */
const FIT_MAX = 420;
/** How many rows of the first window size the columns. */
const FIT_ROWS = 200;
let measurer: CanvasRenderingContext2D | null = null;

/** The pixels the text of these values takes in the grid's font, padding and border included. */
function fitWidth(texts: Iterable<string>, font: string): number {
  measurer ??= document.createElement('canvas').getContext('2d');
  if (!measurer) return 0;
  measurer.font = font;
  let widest = 0;
  for (const t of texts) widest = Math.max(widest, measurer.measureText(t.length > 120 ? t.slice(0, 120) : t).width);
  return Math.ceil(widest) + 14;
}

/** A cell's text as the grid draws it (booleans spelled out, NULL, line breaks as ↵). */
function shownText(value: Cell, type: string): string {
  if (value === null) return 'NULL';
  if (isBool(type)) return value === 't' ? 'true' : value === 'f' ? 'false' : value;
  return displayText(value, type, displayFormat.value).replace(/\n/g, '↵');
}

function compareCells(a: Cell, b: Cell, numeric: boolean): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (numeric) {
    const d = Number(a) - Number(b);
    if (d !== 0 && !Number.isNaN(d)) return d;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The full text of a value for the viewer: JSON pretty-printed. */
function fullText(value: string, type: string): string {
  if (!isJson(type)) return value;
  try {
    return JSON.stringify(JSON.parse(value), null, 2);
  } catch {
    return value;
  }
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function CellText({ value, type }: { value: Cell; type: string }): JSX.Element | null {
  if (value === null) return <span class="cell-null">NULL</span>;
  if (value === '') return null;
  if (isBool(type)) return <span class="cell-bool">{value === 't' ? 'true' : value === 'f' ? 'false' : value}</span>;
  const shown = displayText(value, type, displayFormat.value);
  const text = shown.length > CELL_CHARS ? `${shown.slice(0, CELL_CHARS)}…` : shown;
  return <>{text.replace(/\n/g, '↵')}</>;
}

async function writeClipboard(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}

export function Grid(props: GridProps): JSX.Element {
  const { label, columns, rowCount, complete, load, loadValue, editing, onCursorRow } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const viewport = useElementSize(scrollRef, { height: 400, width: 800 });
  const [scroll, setScroll] = useState({ top: 0, left: 0 });
  const [widths, setWidths] = useState(() => columns.map(initialWidth));
  // the columns are sized once from the first rows that arrive; by hand after that
  const sized = useRef(false);
  const [cursor, setCursor] = useState<Pos | null>(null);
  const [anchor, setAnchor] = useState<Pos | null>(null);
  const [editor, setEditor] = useState<{ pos: Pos; value: Cell } | null>(null);
  const [viewer, setViewer] = useState<{ title: string; text: string; note?: string } | null>(null);
  const [fetching, setFetching] = useState<string | null>(null);
  const [local, setLocal] = useState<Cell[][] | null>(null);
  const localCut = useRef(new Map<number, number>());
  const [localState, setLocalState] = useState<'idle' | 'loading' | 'error'>('idle');
  const [sort, setSort] = useState<{ col: number; desc: boolean } | null>(null);
  const [filter, setFilter] = useState('');

  const serverRows = rowCount;
  const inserted = editing?.inserted ?? [];
  const canLocal = !editing && complete && rowCount <= LOCAL_LIMIT && rowCount > 0;
  const localActive = local !== null && (sort !== null || filter !== '');

  // Rows of the filtered and sorted view, as indexes into `local`.
  const view = useMemo(() => {
    if (!local || !localActive) return null;
    let idx = local.map((_, i) => i);
    const needle = filter.toLowerCase();
    if (needle) idx = idx.filter((i) => local[i]!.some((v) => v !== null && v.toLowerCase().includes(needle)));
    if (sort) {
      const numeric = isNumeric(columns[sort.col]!.type);
      idx.sort((a, b) => {
        const d = compareCells(local[a]![sort.col]!, local[b]![sort.col]!, numeric);
        return (sort.desc ? -d : d) || a - b;
      });
    }
    return idx;
  }, [local, localActive, sort, filter, columns]);

  const total = view ? view.length : serverRows + inserted.length;
  const bodyHeight = Math.max(ROW_HEIGHT, viewport.height - HEADER_HEIGHT);
  const geometry = { rows: total, rowHeight: ROW_HEIGHT, viewport: bodyHeight };
  const { row: first, offset } = firstVisible(geometry, scroll.top);
  const visibleCount = Math.ceil(bodyHeight / ROW_HEIGHT) + 1;
  const last = Math.min(total, first + visibleCount);
  const windows = useRowWindows({ load, ncols: columns.length, rowCount, complete, view: view ? null : { first, last } });

  useEffect(() => onCursorRow?.(cursor ? cursor.row : null), [cursor?.row]);

  /** A loaded row by its position in the grid; undefined while it loads. */
  function rowAt(i: number): Cell[] | undefined {
    if (view) return local![view[i]!];
    if (i >= serverRows) return inserted[i - serverRows];
    return windows.row(i);
  }

  function valueAt(i: number, col: number): Cell | undefined {
    const override = editing?.edited.get(i);
    if (override?.has(col)) return override.get(col)!;
    return rowAt(i)?.[col];
  }

  /** The row's position in the result (undefined for a row added in the grid). */
  function resultRow(i: number): number | undefined {
    if (view) return view[i]!;
    return i < serverRows ? i : undefined;
  }

  /** The whole size of a value the grid shows cut; undefined when it shows all of it. */
  function cutAt(i: number, col: number): number | undefined {
    if (editing?.edited.get(i)?.has(col)) return undefined;
    const r = resultRow(i);
    if (r === undefined) return undefined;
    if (view) return localCut.current.get(r * columns.length + col);
    return windows.cut(r, col);
  }

  /** A cell's whole value: from the server when the grid shows it cut. */
  async function wholeValue(i: number, col: number): Promise<Cell | undefined> {
    const shown = valueAt(i, col);
    const r = resultRow(i);
    if (cutAt(i, col) === undefined || !loadValue || r === undefined) return shown;
    return loadValue(r, col);
  }

  const ncols = columns.length;
  const numberWidth = Math.max(44, String(total).length * 8 + 18);
  const lefts: number[] = [];
  let x = numberWidth;
  for (const w of widths) {
    lefts.push(x);
    x += w;
  }
  const totalWidth = x;

  /** The width that shows the column's header and the values of the loaded rows among ROWS. */
  function fittedWidth(col: number, rows: Iterable<number>, cap: number): number {
    const c = columns[col]!;
    const texts: string[] = [];
    for (const i of rows) {
      const v = valueAt(i, col);
      if (v !== undefined) texts.push(shownText(v, c.type));
    }
    // the font of a drawn cell (the shorthand `font` is empty in Chromium's computed style)
    const el = scrollRef.current?.querySelector('.grid-row .grid-cell') ?? scrollRef.current;
    const cs = el ? getComputedStyle(el) : null;
    const font = cs ? `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}` : '13px sans-serif';
    return Math.max(initialWidth(c), Math.min(cap, fitWidth(texts, font)));
  }

  // the first window's values size the columns (bounded): nothing is cut that fits
  useEffect(() => {
    if (sized.current || ncols === 0) return;
    const n = Math.min(total, FIT_ROWS);
    if (n === 0 || rowAt(0) === undefined) return;
    sized.current = true;
    const rows = Array.from({ length: n }, (_, i) => i);
    setWidths(columns.map((_, col) => fittedWidth(col, rows, FIT_MAX)));
  });

  /** Double-click on a header's edge: the column fits the rows on screen and the first window, whatever their width. */
  const fitColumn = (col: number) => {
    const rows = new Set<number>();
    for (let i = 0; i < Math.min(total, FIT_ROWS); i++) rows.add(i);
    for (let i = first; i < last; i++) rows.add(i);
    const w = fittedWidth(col, rows, Math.max(FIT_MAX, Math.round(viewport.width * 0.9)));
    setWidths((ws) => ws.map((v, i) => (i === col ? w : v)));
  };

  function scrollIntoView(pos: Pos): void {
    const el = scrollRef.current!;
    const top = scrollTopFor(geometry, el.scrollTop, pos.row);
    if (top !== el.scrollTop) el.scrollTop = top;
    const left = lefts[pos.col]! - numberWidth;
    const right = lefts[pos.col]! + widths[pos.col]!;
    if (left < el.scrollLeft) el.scrollLeft = left;
    else if (right > el.scrollLeft + el.clientWidth) el.scrollLeft = right - el.clientWidth;
  }

  function moveTo(pos: Pos, extend: boolean): void {
    const next = { row: clamp(pos.row, 0, total - 1), col: clamp(pos.col, 0, ncols - 1) };
    if (total === 0 || ncols === 0) return;
    setCursor(next);
    if (!extend || !anchor) setAnchor(next);
    scrollIntoView(next);
  }

  const range = cursor && anchor
    ? {
        r0: Math.min(cursor.row, anchor.row),
        r1: Math.max(cursor.row, anchor.row),
        c0: Math.min(cursor.col, anchor.col),
        c1: Math.max(cursor.col, anchor.col),
      }
    : null;

  async function copy(withHeaders: boolean): Promise<void> {
    if (!range) return;
    const count = Math.min(range.r1 - range.r0 + 1, LOCAL_LIMIT);
    const lines: string[] = [];
    if (withHeaders) lines.push(columns.slice(range.c0, range.c1 + 1).map((c) => c.name).join('\t'));
    let fetched: RowsPage | null = null;
    if (!view && range.r0 < serverRows) fetched = await load(range.r0, Math.min(count, serverRows - range.r0));
    const fetchedCut = fetched ? cutMap(fetched, ncols) : null;
    const cuts = [...(fetchedCut?.keys() ?? [])].filter((k) => k % ncols >= range.c0 && k % ncols <= range.c1).length;
    if (cuts > 0) setFetching(`Copying ${cuts} long value${cuts === 1 ? '' : 's'}…`);
    try {
      for (let r = range.r0; r < range.r0 + count; r++) {
        const row: string[] = [];
        for (let c = range.c0; c <= range.c1; c++) {
          const override = editing?.edited.get(r);
          let v: Cell | undefined;
          if (override?.has(c)) v = override.get(c)!;
          else if (fetched && r < serverRows) {
            v = fetched.rows[r - range.r0]?.[c];
            if (fetchedCut!.has((r - range.r0) * ncols + c) && loadValue) v = await loadValue(r, c);
          } else v = cutAt(r, c) !== undefined ? await wholeValue(r, c) : rowAt(r)?.[c];
          row.push(v ?? '');
        }
        lines.push(row.join('\t'));
      }
    } finally {
      setFetching(null);
    }
    await writeClipboard(lines.join('\n'));
  }

  const canEdit = (pos: Pos) => !!editing && !editing.readOnly.has(pos.col) && !editing.deleted.has(pos.row);

  async function startEdit(pos: Pos, initial?: string): Promise<void> {
    if (!canEdit(pos)) return;
    let current = valueAt(pos.row, pos.col);
    if (initial === undefined && cutAt(pos.row, pos.col) !== undefined) {
      // edit the whole value, never the part the grid shows
      setFetching('Loading the whole value…');
      try {
        current = await wholeValue(pos.row, pos.col);
      } catch (err) {
        setViewer({ title: 'Could not load the value', text: String((err as Error).message ?? err) });
        return;
      } finally {
        setFetching(null);
      }
    }
    if (current === undefined && initial === undefined) return;
    setEditor({ pos, value: initial ?? current ?? '' });
  }

  async function openViewer(pos: Pos): Promise<void> {
    const v = valueAt(pos.row, pos.col);
    if (v === undefined) return;
    const col = columns[pos.col]!;
    const title = `${col.name} · row ${(resultRow(pos.row) ?? pos.row) + 1}`;
    const bytes = cutAt(pos.row, pos.col);
    if (bytes === undefined) {
      setViewer({ title, text: v === null ? 'NULL' : fullText(v, col.type) });
      return;
    }
    setViewer({ title, text: v ?? '', note: `Loading all ${formatBytes(bytes)}…` });
    try {
      const whole = await wholeValue(pos.row, pos.col);
      setViewer((cur) => (cur?.title === title ? { title, text: whole === null || whole === undefined ? 'NULL' : fullText(whole, col.type), note: formatBytes(bytes) } : cur));
    } catch (err) {
      setViewer((cur) => (cur?.title === title ? { ...cur, note: `Showing the first part only: ${String((err as Error).message ?? err)}` } : cur));
    }
  }

  /** Keeps the edited value, then moves as a spreadsheet does: Enter down, Tab right (and on to the next row), Shift back. */
  function commitEdit(value: Cell, move: EditMove = 'stay'): void {
    if (!editor || !editing) return;
    const { pos } = editor;
    editing.onEdit(pos.row, pos.col, value);
    setEditor(null);
    scrollRef.current?.focus();
    if (move === 'stay') return;
    let next: Pos;
    if (move === 'down' || move === 'up') next = { row: pos.row + (move === 'down' ? 1 : -1), col: pos.col };
    else {
      const flat = pos.row * ncols + pos.col + (move === 'next' ? 1 : -1);
      if (flat < 0 || flat >= total * ncols) return;
      next = { row: Math.floor(flat / ncols), col: flat % ncols };
    }
    if (next.row < 0 || next.row >= total) return;
    moveTo(next, false);
    // Tab goes on editing in the next cell, as pgAdmin's grid does
    if ((move === 'next' || move === 'previous') && canEdit(next)) void startEdit(next);
  }

  const onKeyDown = (e: KeyboardEvent) => {
    if (editor || e.target !== scrollRef.current) return;
    const pos = cursor ?? { row: 0, col: 0 };
    const page = Math.max(1, Math.floor(bodyHeight / ROW_HEIGHT) - 1);
    const ctrl = e.ctrlKey || e.metaKey;
    const moves: Record<string, () => Pos> = {
      ArrowDown: () => ({ row: pos.row + 1, col: pos.col }),
      ArrowUp: () => ({ row: pos.row - 1, col: pos.col }),
      ArrowRight: () => ({ row: pos.row, col: pos.col + 1 }),
      ArrowLeft: () => ({ row: pos.row, col: pos.col - 1 }),
      PageDown: () => ({ row: pos.row + page, col: pos.col }),
      PageUp: () => ({ row: pos.row - page, col: pos.col }),
      Home: () => (ctrl ? { row: 0, col: pos.col } : { row: pos.row, col: 0 }),
      End: () => (ctrl ? { row: total - 1, col: pos.col } : { row: pos.row, col: ncols - 1 }),
    };
    const move = moves[e.key];
    if (move) {
      e.preventDefault();
      moveTo(move(), e.shiftKey);
    } else if (ctrl && e.code === 'KeyC') {
      e.preventDefault();
      void copy(e.shiftKey);
    } else if (ctrl && e.key === '0' && cursor && canEdit(cursor)) {
      e.preventDefault();
      editing!.onEdit(cursor.row, cursor.col, null);
    } else if ((e.key === 'Enter' || e.key === 'F2') && cursor) {
      e.preventDefault();
      if (editing && !e.shiftKey && canEdit(cursor)) void startEdit(cursor);
      else void openViewer(cursor);
    } else if (cursor && editing && e.key.length === 1 && !ctrl && !e.altKey && canEdit(cursor)) {
      e.preventDefault();
      void startEdit(cursor, e.key);
    }
  };

  async function toggleSort(col: number): Promise<void> {
    if (!canLocal) return;
    if (!(await ensureLocal())) return;
    setSort((s) => (s?.col !== col ? { col, desc: false } : s.desc ? null : { col, desc: true }));
  }

  async function ensureLocal(): Promise<boolean> {
    if (local) return true;
    setLocalState('loading');
    try {
      const page = await load(0, LOCAL_LIMIT);
      localCut.current = cutMap(page, columns.length);
      setLocal(page.rows);
      setLocalState('idle');
      return true;
    } catch {
      setLocalState('error');
      return false;
    }
  }

  const onResizeStart = (e: PointerEvent, col: number) => {
    e.preventDefault();
    e.stopPropagation();
    const handle = e.currentTarget as HTMLElement;
    const startX = e.clientX;
    const startWidth = widths[col]!;
    handle.setPointerCapture(e.pointerId);
    const onMove = (ev: PointerEvent) => {
      const w = Math.max(40, Math.round(startWidth + ev.clientX - startX));
      setWidths((ws) => ws.map((v, i) => (i === col ? w : v)));
    };
    const onUp = () => {
      handle.removeEventListener('pointermove', onMove);
      handle.removeEventListener('pointerup', onUp);
    };
    handle.addEventListener('pointermove', onMove);
    handle.addEventListener('pointerup', onUp);
  };

  const onCellPointer = (e: MouseEvent, pos: Pos) => {
    if (e.button !== 0) return;
    if (e.shiftKey && anchor) setCursor(pos);
    else {
      setCursor(pos);
      setAnchor(pos);
    }
    scrollRef.current?.focus({ preventScroll: true });
  };

  const rows: JSX.Element[] = [];
  for (let i = first; i < last; i++) {
    const row = rowAt(i);
    const original = view ? view[i]! : i;
    const deleted = editing?.deleted.has(i);
    const error = editing?.errors.get(i);
    const isNew = !view && i >= serverRows;
    const classes = ['grid-row', deleted ? 'is-deleted' : '', error ? 'has-error' : '', isNew ? 'is-new' : ''].filter(Boolean).join(' ');
    rows.push(
      <div key={i} class={classes} role="row" aria-rowindex={i + 2} style={{ top: `${(i - first) * ROW_HEIGHT}px`, width: `${totalWidth}px` }} title={error}>
        <div
          class="grid-rownum"
          role="rowheader"
          style={{ width: `${numberWidth}px` }}
          onMouseDown={(e) => {
            if (e.button !== 0 || ncols === 0) return;
            setAnchor({ row: e.shiftKey && anchor ? anchor.row : i, col: 0 });
            setCursor({ row: i, col: ncols - 1 });
            scrollRef.current?.focus({ preventScroll: true });
          }}
        >
          {error && <span class="grid-row-error" aria-label={`Error: ${error}`}>!</span>}
          {isNew ? '+' : (original + 1).toLocaleString('en-US').replace(/,/g, '')}
        </div>
        {columns.map((c, col) => {
          const override = editing?.edited.get(i);
          const changed = override?.has(col) ?? false;
          const value = changed ? override!.get(col)! : row?.[col];
          const selected = range && i >= range.r0 && i <= range.r1 && col >= range.c0 && col <= range.c1;
          const isCursor = cursor?.row === i && cursor.col === col;
          const cutBytes = row === undefined ? undefined : cutAt(i, col);
          const cls = [
            'grid-cell',
            cutBytes !== undefined ? 'is-cut' : '',
            isNumeric(c.type) ? 'is-num' : '',
            selected ? 'is-selected' : '',
            isCursor ? 'is-cursor' : '',
            changed ? 'is-changed' : '',
          ]
            .filter(Boolean)
            .join(' ');
          const pos = { row: i, col };
          if (editor && editor.pos.row === i && editor.pos.col === col) {
            return (
              <div key={col} class={`${cls} is-editing`} role="gridcell" style={{ width: `${widths[col]}px` }}>
                <CellEditor
                  value={editor.value}
                  label={`Edit ${c.name}`}
                  onCommit={commitEdit}
                  onCancel={() => {
                    setEditor(null);
                    scrollRef.current?.focus();
                  }}
                />
              </div>
            );
          }
          return (
            <div
              key={col}
              class={cls}
              role="gridcell"
              aria-selected={selected || undefined}
              style={{ width: `${widths[col]}px` }}
              title={cutBytes !== undefined ? `${formatBytes(cutBytes)}: the grid holds the first part; Enter or double-click shows all` : undefined}
              onMouseDown={(e) => onCellPointer(e, pos)}
              onDblClick={() => void (canEdit(pos) ? startEdit(pos) : openViewer(pos))}
            >
              {row === undefined && !changed ? <span class="cell-loading" /> : <CellText value={value ?? null} type={c.type} />}
            </div>
          );
        })}
      </div>,
    );
  }

  const status = localState === 'loading' ? 'Loading all rows…' : localState === 'error' ? 'Could not load the rows.' : null;

  return (
    <div class="grid-wrap">
      {(canLocal || localActive) && (
        <div class="grid-filter">
          <SearchInput class="grid-filter-input" placeholder="Filter rows" value={filter} onValue={(v) => void ensureLocal().then((ok) => ok && setFilter(v))} />
          <span class="muted grid-filter-note">
            {status ?? (view ? `${formatThousands(view.length)} of ${formatThousands(rowCount)} rows` : 'Click a header to sort')}
          </span>
        </div>
      )}
      <div
        ref={scrollRef}
        class="grid"
        role="grid"
        aria-label={label}
        aria-rowcount={total + 1}
        aria-colcount={ncols}
        aria-multiselectable="true"
        tabIndex={0}
        onScroll={(e) => setScroll({ top: e.currentTarget.scrollTop, left: e.currentTarget.scrollLeft })}
        onKeyDown={onKeyDown}
        onFocus={() => !cursor && total > 0 && ncols > 0 && moveTo({ row: Math.min(first, total - 1), col: 0 }, false)}
      >
        <div class="grid-spacer" style={{ height: `${HEADER_HEIGHT + spacerHeight(geometry)}px`, width: `${totalWidth}px` }}>
          <div class="grid-head" role="row" aria-rowindex={1} style={{ height: `${HEADER_HEIGHT}px`, width: `${totalWidth}px` }}>
            <div class="grid-rownum grid-corner" style={{ width: `${numberWidth}px` }} />
            {columns.map((c, col) => (
              <div
                key={col}
                class={canLocal ? 'grid-th is-sortable' : 'grid-th'}
                role="columnheader"
                aria-sort={sort?.col === col ? (sort.desc ? 'descending' : 'ascending') : undefined}
                style={{ width: `${widths[col]}px` }}
                title={canLocal ? `${c.name} (${c.type}) — click to sort` : `${c.name} (${c.type})`}
                onClick={() => void toggleSort(col)}
              >
                <span class="grid-th-name">
                  {c.name}
                  {sort?.col === col && <span class="grid-sort">{sort.desc ? ' ▼' : ' ▲'}</span>}
                </span>
                <span class="grid-th-type">{c.type}</span>
                <span
                  class="grid-resize"
                  title="Drag to resize; double-click to fit"
                  onPointerDown={(e) => onResizeStart(e, col)}
                  onClick={(e) => e.stopPropagation()}
                  onDblClick={(e) => {
                    e.stopPropagation();
                    fitColumn(col);
                  }}
                />
              </div>
            ))}
          </div>
          <div class="grid-rows" style={{ top: `${scroll.top + HEADER_HEIGHT - offset}px`, height: `${(last - first) * ROW_HEIGHT}px` }}>
            {rows}
          </div>
        </div>
      </div>
      {fetching && (
        <div class="grid-busy" role="status">
          {fetching}
        </div>
      )}
      {viewer && (
        <Dialog title={viewer.title} size="large" onClose={() => setViewer(null)}>
          {viewer.note && <p class="muted cell-viewer-note" role="status">{viewer.note}</p>}
          <pre class="cell-viewer">{viewer.text}</pre>
        </Dialog>
      )}
    </div>
  );
}

/** Where the cursor goes once an edit is kept. */
type EditMove = 'stay' | 'down' | 'up' | 'next' | 'previous';

interface CellEditorProps {
  value: Cell;
  label: string;
  onCommit: (value: Cell, move?: EditMove) => void;
  onCancel: () => void;
}

/**
 * The input over a cell being edited: Enter keeps and moves down (Shift up), Tab keeps and
 * edits the next cell (Shift the previous one), Esc drops what was typed, Ctrl+0 writes NULL;
 * leaving it with the mouse keeps.
 */
function CellEditor({ value, label, onCommit, onCancel }: CellEditorProps): JSX.Element {
  const ref = useRef<HTMLInputElement>(null);
  // one ending only: the blur that follows Esc or Enter must not keep the value again
  const ended = useRef(false);
  useEffect(() => {
    const el = ref.current!;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
  }, []);
  const end = (fn: () => void) => {
    if (ended.current) return;
    ended.current = true;
    fn();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    e.stopPropagation();
    if (e.key === 'Enter') {
      e.preventDefault();
      end(() => onCommit(ref.current!.value, e.shiftKey ? 'up' : 'down'));
    } else if (e.key === 'Tab') {
      e.preventDefault();
      end(() => onCommit(ref.current!.value, e.shiftKey ? 'previous' : 'next'));
    } else if (e.key === 'Escape') {
      e.preventDefault();
      end(onCancel);
    } else if ((e.ctrlKey || e.metaKey) && e.key === '0') {
      e.preventDefault();
      end(() => onCommit(null));
    }
  };
  return (
    <input
      ref={ref}
      class="grid-editor"
      aria-label={label}
      defaultValue={value ?? ''}
      placeholder={value === null ? 'NULL' : undefined}
      onKeyDown={onKeyDown}
      onBlur={() => end(() => onCommit(ref.current!.value))}
    />
  );
}
