// The rows of a result as the grid holds them: windows of WINDOW rows around
// what is in view, fetched through `load` once the grid has drawn, at most
// MAX_WINDOWS kept (the longest out of view go first).
import { useEffect, useRef, useState } from 'preact/hooks';

export type Cell = string | null;

/** Rows as the server gives them: big values cut, listed in `cut` as [row in the page, column, whole size in bytes]. */
export interface RowsPage {
  rows: Cell[][];
  cut: ReadonlyArray<readonly [number, number, number]>;
}

const WINDOW = 200;
const MAX_WINDOWS = 5;
/** Rows fetched beyond each edge of the view. */
const MARGIN = 50;

interface WindowEntry {
  rows: Cell[][] | null;
  /** Whole sizes of the values shown cut, by row in the window * ncols + column. */
  cut: Map<number, number>;
  /** Whether the result was complete when this window was asked for. */
  complete: boolean;
  /** To be asked for again; its rows stay shown until the new ones arrive. */
  stale: boolean;
}

/** Cut values by (row - offset) * ncols + column. */
export function cutMap(page: RowsPage, ncols: number): Map<number, number> {
  return new Map(page.cut.map(([r, c, bytes]) => [r * ncols + c, bytes]));
}

export interface RowWindowsOptions {
  load: (offset: number, limit: number) => Promise<RowsPage>;
  ncols: number;
  /** Rows on the server so far; grows while rows arrive. */
  rowCount: number;
  complete: boolean;
  /** The rows in view, first to last (exclusive); null when none are wanted from the server. */
  view: { first: number; last: number } | null;
}

export interface RowWindows {
  /** A row of the result by its position; undefined while it loads. */
  row(i: number): Cell[] | undefined;
  /** The whole size of a value shown cut; undefined when it is shown whole (or not loaded). */
  cut(i: number, col: number): number | undefined;
}

export function useRowWindows({ load, ncols, rowCount, complete, view }: RowWindowsOptions): RowWindows {
  const cache = useRef(new Map<number, WindowEntry>());
  const [, setArrived] = useState(0);
  const from = view && rowCount > 0 ? Math.floor(Math.max(0, view.first - MARGIN) / WINDOW) : -1;
  const to = view && rowCount > 0 ? Math.floor(Math.min(rowCount - 1, view.last + MARGIN) / WINDOW) : -1;

  // Windows cut short while rows were still arriving, or asked for before the
  // result was complete, are fetched again (showing what they had meanwhile).
  useEffect(() => {
    for (const [w, entry] of cache.current) {
      const short = entry.rows && entry.rows.length < WINDOW && w * WINDOW + entry.rows.length < rowCount;
      if (short || (complete && !entry.complete)) entry.stale = true;
    }
  }, [rowCount, complete]);

  // Fetch the windows around the view that are missing or stale; keep the others in order of use.
  useEffect(() => {
    if (from < 0) return;
    const windows = cache.current;
    for (let w = from; w <= to; w++) {
      const entry = windows.get(w);
      if (!entry || entry.stale) fetchWindow(w);
      else {
        windows.delete(w);
        windows.set(w, entry);
      }
    }
    while (windows.size > MAX_WINDOWS) windows.delete(windows.keys().next().value!);
  }, [from, to, rowCount, complete, load]);

  function fetchWindow(w: number): void {
    const prev = cache.current.get(w);
    const entry: WindowEntry = { rows: prev?.rows ?? null, cut: prev?.cut ?? new Map(), complete, stale: false };
    cache.current.set(w, entry);
    load(w * WINDOW, WINDOW).then(
      (page) => {
        if (cache.current.get(w) !== entry) return;
        entry.rows = page.rows;
        entry.cut = cutMap(page, ncols);
        setArrived((n) => n + 1);
      },
      () => {
        if (cache.current.get(w) !== entry) return;
        if (entry.rows) entry.stale = true;
        else cache.current.delete(w);
      },
    );
  }

  return {
    row: (i) => cache.current.get(Math.floor(i / WINDOW))?.rows?.[i % WINDOW],
    cut: (i, col) => cache.current.get(Math.floor(i / WINDOW))?.cut.get((i % WINDOW) * ncols + col),
  };
}
