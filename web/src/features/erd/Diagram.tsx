// The diagram as SVG: table boxes (a header, then a row per column with its
// key marker, name and type), foreign keys as orthogonal edges with
// crow's-foot ends, under one group that pans and zooms. Tables and edges
// are memoized: selecting a table re-renders only what changes class.
import type { JSX } from 'preact';
import { memo } from 'preact/compat';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { LayoutResult } from './layoutTypes';
import { edgePath } from './paths';
import { GUTTER, HEADER, PAD_X, ROW, isView, type Column, type Diagram, type Edge, type Node } from './model';
import { FAR_SCALE, PanDrag, zoomOnWheel, type Rect, type Viewport } from './viewport';

export type NodeState = '' | 'is-selected' | 'is-near';

interface DiagramProps {
  diagram: Diagram;
  layout: LayoutResult;
  viewport: Viewport;
  /** The selected tables (empty: none). */
  selected: ReadonlySet<string>;
  matches: ReadonlySet<string>;
  label: string;
  /** A click on a table (null: on the background); ADD with Ctrl, Cmd or Shift held. */
  onSelect: (id: string | null, add: boolean) => void;
  /** Keys the canvas does not handle itself ([ and ] step through tables). */
  onKey: (e: KeyboardEvent) => void;
  /** Every table with its rows, in view or not (for an export); onFull runs once they are drawn. */
  full: boolean;
  onFull: () => void;
}

function Markers({ uid }: { uid: string }): JSX.Element {
  const ends = (hot: string) => (
    <>
      <marker id={`${uid}-many${hot}`} class={`erd-marker${hot ? ' is-hot' : ''}`} viewBox="0 0 14 12" refX="14" refY="6" markerWidth="14" markerHeight="12" markerUnits="userSpaceOnUse" orient="auto-start-reverse">
        <path d="M14 1L3 6L14 11M3 6H14" />
      </marker>
      <marker id={`${uid}-one${hot}`} class={`erd-marker${hot ? ' is-hot' : ''}`} viewBox="0 0 14 12" refX="14" refY="6" markerWidth="14" markerHeight="12" markerUnits="userSpaceOnUse" orient="auto-start-reverse">
        <path d="M7 1V11M10.5 1V11M0 6H14" />
      </marker>
      <marker id={`${uid}-zero-one${hot}`} class={`erd-marker${hot ? ' is-hot' : ''}`} viewBox="0 0 14 12" refX="14" refY="6" markerWidth="14" markerHeight="12" markerUnits="userSpaceOnUse" orient="auto-start-reverse">
        <path d="M7 6H14M10.5 1V11" />
        <circle class="erd-marker-hole" cx="4" cy="6" r="2.6" />
      </marker>
      <marker id={`${uid}-one-end${hot}`} class={`erd-marker${hot ? ' is-hot' : ''}`} viewBox="0 0 14 12" refX="14" refY="6" markerWidth="14" markerHeight="12" markerUnits="userSpaceOnUse" orient="auto-start-reverse">
        <path d="M9 1V11M0 6H14" />
      </marker>
    </>
  );
  return (
    <defs>
      {ends('')}
      {ends('-hot')}
      <symbol id={`${uid}-i-key`} viewBox="0 0 12 12">
        <circle cx="3.6" cy="6" r="2.3" fill="none" stroke="currentColor" stroke-width="1.3" />
        <path d="M5.9 6H11M9 6V8.2M10.9 6V7.8" fill="none" stroke="currentColor" stroke-width="1.3" stroke-linecap="round" />
      </symbol>
      <symbol id={`${uid}-i-fk`} viewBox="0 0 12 12">
        <path d="M1.5 6H9.5M7 3.4L9.6 6L7 8.6" fill="none" stroke="currentColor" stroke-width="1.3" stroke-linecap="round" stroke-linejoin="round" />
      </symbol>
      <symbol id={`${uid}-i-dot`} viewBox="0 0 12 12">
        <path d="M6 3.2L8.8 6L6 8.8L3.2 6Z" fill="currentColor" stroke="currentColor" stroke-width="1" stroke-linejoin="round" />
      </symbol>
      <symbol id={`${uid}-i-ring`} viewBox="0 0 12 12">
        <path d="M6 3.2L8.8 6L6 8.8L3.2 6Z" fill="none" stroke="currentColor" stroke-width="1" stroke-linejoin="round" />
      </symbol>
      <symbol id={`${uid}-i-table`} viewBox="0 0 12 12">
        <path d="M1.5 2h9v8h-9zM1.5 4.8h9M1.5 7.4h9M4.8 2v8" fill="none" stroke="currentColor" stroke-width="1" />
      </symbol>
      <symbol id={`${uid}-i-view`} viewBox="0 0 12 12">
        <path d="M1 6c1.2-2.2 2.9-3.3 5-3.3s3.8 1.1 5 3.3c-1.2 2.2-2.9 3.3-5 3.3S2.2 8.2 1 6z" fill="none" stroke="currentColor" stroke-width="1" />
        <circle cx="6" cy="6" r="1.4" fill="currentColor" />
      </symbol>
      <symbol id={`${uid}-i-parts`} viewBox="0 0 12 12">
        <path d="M1.5 2h9v8h-9zM1.5 4.8h9M6 4.8v5.2" fill="none" stroke="currentColor" stroke-width="1" />
      </symbol>
      <symbol id={`${uid}-i-far`} viewBox="0 0 12 12">
        <path d="M1.5 3.5h6.5v6.5h-6.5zM7 1.5h3.5V5M10.5 1.5L6.5 5.5" fill="none" stroke="currentColor" stroke-width="1" />
      </symbol>
    </defs>
  );
}

const KIND_ICON: Record<Node['kind'], string> = {
  table: 'table',
  partitioned_table: 'parts',
  view: 'view',
  materialized_view: 'view',
  foreign_table: 'far',
  external: 'far',
};

const KIND_NAME: Record<Node['kind'], string> = {
  table: 'table',
  partitioned_table: 'partitioned table',
  view: 'view',
  materialized_view: 'materialized view',
  foreign_table: 'foreign table',
  external: 'table outside this diagram',
};

function nodeTitle(n: Node): string {
  const t = n.table;
  const facts = [KIND_NAME[n.kind], t?.rows_estimate != null ? `about ${t.rows_estimate.toLocaleString()} rows` : ''].filter(Boolean).join(', ');
  return `${n.schema}.${n.name}\n${facts}${t?.comment ? `\n${t.comment}` : ''}`;
}

/** The marker of a column's row: a key, a foreign-key arrow, or a diamond (filled: not null). */
function rowIcon(c: Column): { icon: string; cls: string } {
  if (c.pk) return { icon: 'key', cls: c.fk ? 'erd-i-pk is-fk' : 'erd-i-pk' };
  if (c.fk) return { icon: 'fk', cls: 'erd-i-fk' };
  return { icon: c.notNull ? 'dot' : 'ring', cls: c.unique ? 'erd-i-col is-unique' : 'erd-i-col' };
}

interface TableProps {
  uid: string;
  node: Node;
  x: number;
  y: number;
  state: NodeState;
  match: boolean;
  /** Draw the column rows: the table is in view, near enough to read. */
  rows: boolean;
}

const TableBox = memo(function TableBox({ uid, node, x, y, state, match, rows }: TableProps): JSX.Element {
  const w = node.width;
  const kind = node.kind === 'external' ? 'is-external' : isView(node.kind) ? 'is-view' : '';
  const cls = ['erd-table', kind, state, match ? 'is-match' : ''].filter(Boolean).join(' ');
  const head = node.kind === 'external' ? `M0 4a4 4 0 0 1 4-4h${w - 8}a4 4 0 0 1 4 4v${HEADER - 8}a4 4 0 0 1-4 4h${8 - w}a4 4 0 0 1-4-4z` : `M0 4a4 4 0 0 1 4-4h${w - 8}a4 4 0 0 1 4 4v${HEADER - 4}h${-w}z`;
  return (
    <g class={cls} transform={`translate(${x},${y})`} data-node={node.id} data-name={node.title}>
      <title>{nodeTitle(node)}</title>
      <rect class="erd-box" width={w} height={node.height} rx="4" />
      <path class="erd-head" d={head} />
      {node.kind !== 'external' && <line class="erd-rule" x1="0" y1={HEADER} x2={w} y2={HEADER} />}
      <use class="erd-kind" href={`#${uid}-i-${KIND_ICON[node.kind]}`} x="6" y="8" width="12" height="12" />
      <text class="erd-title" x={GUTTER} y="18">
        {node.titleLabel}
      </text>
      {rows && node.columns.map((c, i) => {
        const top = HEADER + i * ROW;
        const icon = rowIcon(c);
        return (
          <g class="erd-row" key={c.name}>
            <title>{c.title}</title>
            <use class={icon.cls} href={`#${uid}-i-${icon.icon}`} x="6" y={top + 4} width="12" height="12" />
            {c.pk && c.fk && <circle class="erd-i-fkdot" cx="17" cy={top + 14} r="1.8" />}
            <text class="erd-name" x={GUTTER} y={top + 14}>
              {c.label}
            </text>
            <text class="erd-type" x={w - PAD_X} y={top + 14} text-anchor="end">
              {c.typeLabel}
            </text>
          </g>
        );
      })}
    </g>
  );
});

interface EdgeProps {
  uid: string;
  edge: Edge;
  d: string;
  hot: boolean;
}

const EdgePath = memo(function EdgePath({ uid, edge, d, hot }: EdgeProps): JSX.Element {
  const suffix = hot ? '-hot' : '';
  const fk = edge.fk;
  const rule = [fk.on_delete !== 'no action' ? `on delete ${fk.on_delete}` : '', fk.on_update !== 'no action' ? `on update ${fk.on_update}` : '', fk.deferrable ? 'deferrable' : '', fk.validated ? '' : 'not valid']
    .filter(Boolean)
    .join(', ');
  return (
    <path
      class={hot ? 'erd-edge is-hot' : 'erd-edge'}
      d={d}
      data-edge={edge.id}
      marker-start={`url(#${uid}-${edge.optional ? 'zero-one' : 'one'}${suffix})`}
      marker-end={`url(#${uid}-${edge.oneToOne ? 'one-end' : 'many'}${suffix})`}
    >
      <title>{`${fk.name}: ${fk.schema}.${fk.table} (${fk.columns.join(', ')}) → ${fk.ref_schema}.${fk.ref_table} (${fk.ref_columns.join(', ')})${rule ? `\n${rule}` : ''}`}</title>
    </path>
  );
});

const PAN_STEP = 60;
/** Tables this far outside the view (in pixels) already get their rows, so a short pan shows them at once. */
const ROWS_MARGIN = 300;
const ROWS_DELAY = 60;
let diagrams = 0;

function intersects(a: Rect, x: number, y: number, width: number, height: number): boolean {
  return x < a.x + a.width && x + width > a.x && y < a.y + a.height && y + height > a.y;
}

/**
 * The tables whose rows are drawn: those in view (and a margin) when near
 * enough to read, recomputed shortly after the view moves. The cost of the
 * drawing follows what is seen, not the size of the schema.
 */
function useRowsShown(diagram: Diagram, layout: LayoutResult, viewport: Viewport, full: boolean): ReadonlySet<string> {
  const compute = (): Set<string> => {
    if (full) return new Set(diagram.nodes.map((n) => n.id));
    if (viewport.k < FAR_SCALE) return new Set();
    const v = viewport.visible();
    const m = ROWS_MARGIN / viewport.k;
    const area = { x: v.x - m, y: v.y - m, width: v.width + 2 * m, height: v.height + 2 * m };
    const out = new Set<string>();
    for (const n of diagram.nodes) {
      const p = layout.nodes[n.id];
      if (p && intersects(area, p[0], p[1], n.width, n.height)) out.add(n.id);
    }
    return out;
  };
  const [shown, setShown] = useState<Set<string>>(compute);
  useEffect(() => {
    let timer = 0;
    const update = () => {
      timer = 0;
      const next = compute();
      setShown((prev) => (prev.size === next.size && [...next].every((id) => prev.has(id)) ? prev : next));
    };
    update();
    const off = viewport.subscribe(() => {
      if (!timer) timer = window.setTimeout(update, ROWS_DELAY);
    });
    return () => {
      off();
      clearTimeout(timer);
    };
  }, [diagram, layout, viewport, full]);
  return shown;
}

export function DiagramView({ diagram, layout, viewport, selected, matches, label, onSelect, onKey, full, onFull }: DiagramProps): JSX.Element {
  const uid = useMemo(() => `erd${++diagrams}`, []);
  const svgRef = useRef<SVGSVGElement>(null);
  const groupRef = useRef<SVGGElement>(null);
  const pan = useMemo(() => new PanDrag(viewport, () => svgRef.current, () => {}), [viewport]);
  pan.click = (e) => {
    const hit = (e.target as Element).closest('[data-node]');
    onSelect(hit ? hit.getAttribute('data-node') : null, e.ctrlKey || e.metaKey || e.shiftKey);
  };

  useEffect(() => {
    viewport.attach(svgRef.current, groupRef.current);
    return () => viewport.attach(null, null);
  }, [viewport]);

  useEffect(() => zoomOnWheel(svgRef.current!, viewport), [viewport]);

  const rowsShown = useRowsShown(diagram, layout, viewport, full);
  useEffect(() => {
    if (full && rowsShown.size === diagram.nodes.length) onFull();
  }, [full, rowsShown]);

  const paths = useMemo(() => new Map(diagram.edges.map((e) => [e.id, edgePath(layout.edges[e.id] ?? [])])), [diagram, layout]);
  const { near, hot } = useMemo(() => {
    const nearIds = new Set<string>();
    const hotEdges = new Map<string, Edge>();
    for (const id of selected) {
      diagram.neighbours.get(id)?.forEach((n) => nearIds.add(n));
      diagram.edgesOf.get(id)?.forEach((e) => hotEdges.set(e.id, e));
    }
    return { near: nearIds, hot: [...hotEdges.values()] };
  }, [diagram, selected]);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const step = e.shiftKey ? PAN_STEP * 4 : PAN_STEP;
    const actions: Record<string, () => void> = {
      ArrowLeft: () => viewport.panBy(step, 0),
      ArrowRight: () => viewport.panBy(-step, 0),
      ArrowUp: () => viewport.panBy(0, step),
      ArrowDown: () => viewport.panBy(0, -step),
      '+': () => viewport.zoomBy(1.25),
      '=': () => viewport.zoomBy(1.25),
      '-': () => viewport.zoomBy(0.8),
    };
    const action = actions[e.key];
    if (action) {
      e.preventDefault();
      action();
    } else {
      onKey(e);
    }
  };

  const classes = ['erd-canvas', selected.size ? 'has-selection' : ''].filter(Boolean).join(' ');
  return (
    <svg
      ref={svgRef}
      class={classes}
      tabindex={0}
      role="application"
      aria-roledescription="diagram"
      aria-label={label}
      onPointerDown={pan.down}
      onPointerMove={pan.move}
      onPointerUp={pan.up}
      onPointerCancel={pan.cancel}
      onKeyDown={onKeyDown}
    >
      <Markers uid={uid} />
      <g ref={groupRef} class="erd-world">
        <g class="erd-edges">
          {diagram.edges.map((e) => (
            <EdgePath key={e.id} uid={uid} edge={e} d={paths.get(e.id)!} hot={false} />
          ))}
        </g>
        <g class="erd-nodes">
          {diagram.nodes.map((n) => {
            const pos = layout.nodes[n.id] ?? [0, 0];
            const state: NodeState = selected.has(n.id) ? 'is-selected' : near.has(n.id) ? 'is-near' : '';
            return <TableBox key={n.id} uid={uid} node={n} x={pos[0]} y={pos[1]} state={state} match={matches.has(n.id)} rows={rowsShown.has(n.id)} />;
          })}
        </g>
        <g class="erd-edges-hot">
          {hot.map((e) => (
            <EdgePath key={e.id} uid={uid} edge={e} d={paths.get(e.id)!} hot />
          ))}
        </g>
      </g>
    </svg>
  );
}
