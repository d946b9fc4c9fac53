// A collection's Properties: a dense grid of its members with their main
// catalog facts (owner, estimated rows, size, comment...), fetched from the
// server a page at a time as it scrolls, only the rows in view in the page.
// Headers order by a column on the server. Keyboard: arrows, PageUp/Down,
// Home/End move; Enter (or a double click) opens the member in the tree.
import type { JSX } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { collectionPage, type CollectionPage } from '../../api/objects';
import { Button } from '../../components/Button';
import { Icon } from '../../components/Icon';
import { errorMessage, formatBytes, formatCount } from '../../lib/format';
import { showSystem } from '../../state/servers';
import { showToast } from '../../state/toasts';
import { revealPath } from '../dialogs/tree';
import { humanize } from './labels';
import { gridVersion, objectTitle, type ObjectTarget } from './objectPanel';
import { useElementSize } from '../../components/useElementSize';

type Row = CollectionPage['rows'][number];

/** What the first page says of the whole collection. */
interface Shape {
  total: number;
  columns: string[];
}

interface Order {
  column: string;
  desc: boolean;
}

const ROW_HEIGHT = 22;
const PAGE = 100;
const OVERSCAN = 10;
/** Pages kept: a few screens either side of the view, never the whole of a big collection. */
const MAX_PAGES = 12;

const SIZES = new Set(['size']);
const COUNTS = new Set(['estimated_rows']);
const FLAGS = new Set(['not_null', 'can_login', 'superuser', 'trusted', 'enabled']);
const CODE = new Set(['definition', 'default_value', 'data_type', 'returns']);

/** Column widths: names and free text take the room, numbers and flags are narrow. */
function track(column: string): string {
  if (column === 'name') return 'minmax(180px, 1.6fr)';
  if (column === 'comment' || column === 'definition') return 'minmax(180px, 2fr)';
  if (COUNTS.has(column)) return '130px';
  if (SIZES.has(column)) return '110px';
  if (FLAGS.has(column)) return '90px';
  return 'minmax(100px, 1fr)';
}

function minWidth(columns: string[]): number {
  return columns.reduce((sum, c) => sum + Number(/(\d+)px/.exec(track(c))![1]), 0);
}

function Cell({ column, value }: { column: string; value: string | null }): JSX.Element {
  if (value === null || value === '') return <span class="muted">—</span>;
  if (SIZES.has(column)) return <>{formatBytes(value)}</>;
  if (COUNTS.has(column)) return <>{formatCount(value)}</>;
  if (FLAGS.has(column) && (value === 't' || value === 'f')) return <>{value === 't' ? 'Yes' : 'No'}</>;
  if (CODE.has(column)) return <span class="prop-mono">{value}</span>;
  return <>{value}</>;
}

export function CollectionGrid({ target }: { target: ObjectTarget }): JSX.Element {
  const { server, node } = target;
  const system = showSystem.value;
  const version = gridVersion.value;
  const scrollRef = useRef<HTMLDivElement>(null);
  const pages = useRef(new Map<number, Row[] | 'loading'>());
  const generation = useRef(0);
  const [, setTick] = useState(0);
  const [shape, setShape] = useState<Shape | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [order, setOrder] = useState<Order | null>(null);
  const [cursor, setCursor] = useState(0);
  const [scrollTop, setScrollTop] = useState(0);
  const height = useElementSize(scrollRef).height;
  const idPrefix = useId();

  const total = shape?.total ?? 0;
  const bodyHeight = Math.max(0, height - ROW_HEIGHT);
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(total, Math.ceil((scrollTop + bodyHeight) / ROW_HEIGHT) + OVERSCAN);

  function fetchPage(index: number): void {
    if (pages.current.has(index)) return;
    pages.current.set(index, 'loading');
    const mine = generation.current;
    const query = { offset: index * PAGE, limit: PAGE, order: order?.column, desc: order?.desc, system };
    collectionPage(server.id, node.path, query).then(
      (page) => {
        if (mine !== generation.current) return;
        pages.current.set(index, page.rows);
        setShape((s) => (s && s.total === page.total && s.columns.join() === page.columns.join() ? s : { total: page.total, columns: page.columns }));
        setError(null);
        setTick((t) => t + 1);
      },
      (err) => {
        if (mine !== generation.current) return;
        pages.current.delete(index);
        setError(errorMessage(err));
      },
    );
  }

  // Everything fetched so far is stale when the collection, its order or the system-object setting changes.
  useEffect(() => {
    generation.current++;
    pages.current = new Map();
    setError(null);
    setCursor(0);
    if (scrollRef.current) scrollRef.current.scrollTop = 0;
    setScrollTop(0);
    fetchPage(0);
  }, [server.id, node.path, system, order?.column, order?.desc, version]);

  // The pages in view (and the overscan), keeping only the nearest MAX_PAGES.
  useEffect(() => {
    if (!shape || total === 0) return;
    const from = Math.floor(first / PAGE);
    const to = Math.floor(Math.max(first, last - 1) / PAGE);
    for (let p = from; p <= to; p++) fetchPage(p);
    if (pages.current.size > MAX_PAGES) {
      const far = [...pages.current.keys()].sort((a, b) => Math.abs(b - from) - Math.abs(a - from));
      for (const p of far.slice(0, pages.current.size - MAX_PAGES)) pages.current.delete(p);
    }
  });

  const rowAt = (i: number): Row | undefined => {
    const page = pages.current.get(Math.floor(i / PAGE));
    return page === undefined || page === 'loading' ? undefined : page[i % PAGE];
  };

  const rowId = (i: number) => `${idPrefix}-row-${i}`;

  function moveTo(i: number): void {
    if (total === 0) return;
    const next = Math.max(0, Math.min(total - 1, i));
    setCursor(next);
    const el = scrollRef.current!;
    const top = next * ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + bodyHeight) el.scrollTop = top + ROW_HEIGHT - bodyHeight;
  }

  async function open(i: number): Promise<void> {
    const row = rowAt(i);
    if (!row) return;
    if (await revealPath(server, row.path)) document.querySelector<HTMLElement>('.explorer .tree')?.focus();
    else {
      showToast(`${row.values[0] ?? 'The object'} is not there any more.`, 'error');
      gridVersion.value++;
    }
  }

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.target !== scrollRef.current || e.altKey) return;
    const page = Math.max(1, Math.floor(bodyHeight / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowDown: cursor + 1,
      ArrowUp: cursor - 1,
      PageDown: cursor + page,
      PageUp: cursor - page,
      Home: 0,
      End: total - 1,
    };
    if (e.key in moves) {
      e.preventDefault();
      moveTo(moves[e.key]!);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      void open(cursor);
    }
  };

  /** Name first goes by name; a column ascending, then descending, then back to the tree's order. */
  const toggleOrder = (column: string) => {
    setOrder((o) => (o?.column !== column ? { column, desc: false } : o.desc ? null : { column, desc: true }));
  };

  const columns = shape?.columns ?? ['name'];
  const template = columns.map(track).join(' ');
  const width = `max(100%, ${minWidth(columns)}px)`;
  const noun = node.label.toLowerCase();

  const rows: JSX.Element[] = [];
  for (let i = first; i < last; i++) {
    const row = rowAt(i);
    const selected = i === cursor;
    rows.push(
      <div
        key={i}
        id={rowId(i)}
        class={selected ? 'coll-row is-cursor' : 'coll-row'}
        role="row"
        aria-rowindex={i + 2}
        aria-selected={selected}
        style={{ top: `${i * ROW_HEIGHT}px` }}
        onMouseDown={(e) => {
          if (e.button !== 0) return;
          setCursor(i);
          scrollRef.current?.focus({ preventScroll: true });
        }}
        onDblClick={() => void open(i)}
      >
        {columns.map((c, col) => (
          <div key={c} class={SIZES.has(c) || COUNTS.has(c) ? 'coll-cell is-num' : 'coll-cell'} role="gridcell">
            {row ? col === 0 ? <strong class="coll-name">{row.values[0]}</strong> : <Cell column={c} value={row.values[col] ?? null} /> : <span class="cell-loading" />}
          </div>
        ))}
      </div>,
    );
  }

  return (
    <div class="coll-view" style={{ '--coll-cols': template, '--coll-width': width }}>
      <div class="coll-bar">
        <span>
          {shape ? `${total.toLocaleString('en-US')} ${noun}` : 'Loading…'}
          {order && <span class="muted"> · by {humanize(order.column).toLowerCase()}{order.desc ? ', descending' : ''}</span>}
        </span>
        <span class="toolbar-fill" />
        {error && (
          <span class="coll-error" role="alert">
            <Icon name="alert" size={14} /> {error}
            <Button small onClick={() => gridVersion.value++}>
              Retry
            </Button>
          </span>
        )}
      </div>
      <div
        ref={scrollRef}
        class="coll-grid"
        role="grid"
        aria-label={objectTitle(node)}
        aria-rowcount={total + 1}
        aria-colcount={columns.length}
        aria-activedescendant={total > 0 && cursor >= first && cursor < last ? rowId(cursor) : undefined}
        tabIndex={0}
        onKeyDown={onKeyDown}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      >
        <div class="coll-head" role="row" aria-rowindex={1}>
          {columns.map((c) => (
            <div
              key={c}
              class="coll-th"
              role="columnheader"
              aria-sort={order?.column === c ? (order.desc ? 'descending' : 'ascending') : undefined}
            >
              <button type="button" class="coll-sort" title={`Order by ${humanize(c).toLowerCase()}`} onClick={() => toggleOrder(c)}>
                {humanize(c)}
                {order?.column === c && <span aria-hidden="true">{order.desc ? ' ▼' : ' ▲'}</span>}
              </button>
            </div>
          ))}
        </div>
        <div class="coll-rows" style={{ height: `${total * ROW_HEIGHT}px` }}>
          {rows}
        </div>
        {shape && total === 0 && <p class="object-note">No {noun}.</p>}
      </div>
    </div>
  );
}
