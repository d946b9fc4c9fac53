// Scroll scaling for grids taller than a browser lets an element be
// (about 16.7 million px in Chromium): the spacer is capped and scrollTop
// maps proportionally onto the rows, so the last row stays reachable.

export const MAX_SCROLL_PX = 10_000_000;

export interface ScrollGeometry {
  rows: number;
  rowHeight: number;
  /** The height of the visible body (without the header). */
  viewport: number;
}

/** The height of the element that makes the scrollbar. */
export function spacerHeight(g: ScrollGeometry): number {
  return Math.min(g.rows * g.rowHeight, MAX_SCROLL_PX);
}

/** How far scrollTop maps into the rows' real (unscaled) height. */
function scale(g: ScrollGeometry): number {
  const spacerRange = spacerHeight(g) - g.viewport;
  const contentRange = g.rows * g.rowHeight - g.viewport;
  return spacerRange > 0 && contentRange > 0 ? contentRange / spacerRange : 1;
}

/** The first visible row and how many pixels of it are above the top edge. */
export function firstVisible(g: ScrollGeometry, scrollTop: number): { row: number; offset: number } {
  const virtualTop = Math.max(0, scrollTop) * scale(g);
  const row = Math.min(Math.max(0, g.rows - 1), Math.floor(virtualTop / g.rowHeight));
  return { row: Math.max(0, row), offset: virtualTop - row * g.rowHeight };
}

/** The scrollTop that shows ROW: unchanged when it is in view, else the least move that brings it in. */
export function scrollTopFor(g: ScrollGeometry, scrollTop: number, row: number): number {
  const s = scale(g);
  const virtualTop = scrollTop * s;
  const top = row * g.rowHeight;
  let target = virtualTop;
  if (top < virtualTop) target = top;
  else if (top + g.rowHeight > virtualTop + g.viewport) target = top + g.rowHeight - g.viewport;
  else return scrollTop;
  return Math.max(0, Math.min(spacerHeight(g) - g.viewport, target / s));
}
