// The graphical plan: the tree drawn left (root) to right (scans), each node
// a box with its type, what it reads, its time (or cost) with its share of
// the query's, its rows, and a bar sized by that share; edges thicker by the
// rows they carry. Drag pans, the wheel zooms (the ERD's viewport), arrows
// move between nodes, and the chosen node's details show beside the diagram.
import type { JSX } from 'preact';
import { useEffect, useLayoutEffect, useMemo, useRef } from 'preact/hooks';
import { formatThousands } from '../../../lib/format';
import { PanDrag, Viewport, zoomOnWheel } from '../../erd/viewport';
import type { Plan } from '../explain';
import { BOX_H, BOX_W, layoutPlan, moveSelection, type Box, type PlanLayout } from './layout';
import { ms, NodeDetails, pct } from './NodeDetails';

/** Smallest scale the first view uses: below it the boxes cannot be read, so the plan starts at its root instead. */
const READABLE = 0.9;
const PAD = 16;

const misText = (f: number) => (f >= 1 ? `↑${Math.round(f).toLocaleString('en-US')}×` : `↓${Math.round(1 / f).toLocaleString('en-US')}×`);

function NodeBox({ box, plan, selected }: { box: Box; plan: Plan; selected: boolean }): JSX.Element {
  const n = box.node;
  const cls = ['pg-node', n.slow ? `pg-slow-${n.slow}` : '', n.neverExecuted ? 'pg-never' : '', selected ? 'is-selected' : ''].filter(Boolean).join(' ');
  const amount = plan.analyzed ? (n.neverExecuted ? 'never executed' : `${ms(n.exclusiveTime)} ms`) : `cost ${n.exclusiveCost.toFixed(1)}`;
  const rows = n.actualRows !== null ? `${formatThousands(n.actualRows)} rows · est ${formatThousands(n.planRows)}` : `${formatThousands(n.planRows)} rows est`;
  const label = `${n.subplan ? `${n.subplan}: ` : ''}${n.type}${n.target ? ` ${n.target}` : ''}, ${amount}, ${pct(n.share)}${n.slow ? ', slow' : ''}${n.misestimateFlag ? ', misestimated rows' : ''}`;
  return (
    <g id={`pg-${plan.root.path}-${n.path}`} class={cls} role="treeitem" aria-level={n.depth + 1} aria-selected={selected} aria-label={label} data-node={n.path} transform={`translate(${box.x},${box.y})`}>
      <foreignObject width={BOX_W} height={BOX_H}>
        <div class="pg-box">
          <div class="pg-line pg-head">
            <span class="pg-type">{n.type}</span>
            {n.slow > 0 && <span class={`plan-badge slow-badge-${n.slow}`}>slow</span>}
          </div>
          <div class="pg-line pg-target">{n.subplan ? `${n.subplan} ` : ''}{n.target || n.relationship || '\u00a0'}</div>
          <div class="pg-line">
            <span>{amount}</span>
            <span class="pg-share">{pct(n.share)}</span>
            {n.loops !== null && n.loops > 1 && <span class="pg-loops">×{formatThousands(n.loops)} loops</span>}
          </div>
          <div class="pg-line pg-rows">
            <span>{rows}</span>
            {n.misestimateFlag > 0 && n.misestimate !== null && <span class={`plan-badge mis-${n.misestimateFlag}`}>{misText(n.misestimate)}</span>}
          </div>
          <span class="pg-bar" style={{ width: `${Math.max(n.share * 100, 0.5)}%` }} />
        </div>
      </foreignObject>
    </g>
  );
}

function firstView(viewport: Viewport, layout: PlanLayout): void {
  const { width, height } = viewport.size();
  const k = Math.min(1, (width - PAD * 2) / layout.width, (height - PAD * 2 - 28) / layout.height);
  if (k >= READABLE) viewport.set((width - layout.width * k) / 2, PAD + (height - PAD * 2 - 28 - layout.height * k) / 2, k);
  else {
    const root = layout.boxes[0]!;
    const y = Math.min(PAD, Math.max(height / 2 - (root.y + BOX_H / 2) * READABLE, height - PAD - 28 - layout.height * READABLE));
    viewport.set(PAD, y, READABLE);
  }
}

/** Keeps the chosen box in view: moves only when part of it is out of sight. */
function keepInView(viewport: Viewport, box: Box): void {
  const v = viewport.visible();
  const inside = box.x >= v.x && box.y >= v.y && box.x + BOX_W <= v.x + v.width && box.y + BOX_H <= v.y + v.height;
  if (!inside) viewport.reveal({ x: box.x, y: box.y, width: BOX_W, height: BOX_H }, READABLE);
}

interface GraphProps {
  plan: Plan;
  selected: string | null;
  onSelect: (path: string | null) => void;
}

/** The diagram alone: boxes, edges, pan, zoom and keyboard. */
function Diagram({ plan, selected, onSelect }: GraphProps): JSX.Element {
  const layout = useMemo(() => layoutPlan(plan), [plan]);
  const viewport = useMemo(() => new Viewport(), [plan]);
  const svgRef = useRef<SVGSVGElement>(null);
  const groupRef = useRef<SVGGElement>(null);
  const pan = useMemo(() => new PanDrag(viewport, () => svgRef.current, () => {}), [viewport]);
  pan.click = (e) => {
    const hit = (e.target as Element).closest('[data-node]');
    onSelect(hit ? hit.getAttribute('data-node') : null);
  };
  useLayoutEffect(() => {
    viewport.attach(svgRef.current, groupRef.current);
    firstView(viewport, layout);
    return () => viewport.attach(null, null);
  }, [viewport, layout]);
  useEffect(() => zoomOnWheel(svgRef.current!, viewport), [viewport]);
  useEffect(() => {
    const box = layout.boxes.find((b) => b.node.path === selected);
    if (box) keepInView(viewport, box);
  }, [selected, layout]);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const zoom: Record<string, () => void> = { '+': () => viewport.zoomBy(1.25), '=': () => viewport.zoomBy(1.25), '-': () => viewport.zoomBy(0.8), '0': () => firstView(viewport, layout), f: () => viewport.fit({ x: 0, y: 0, width: layout.width, height: layout.height }) };
    const next = e.key === 'Escape' ? null : moveSelection(plan, selected, e.key);
    if (zoom[e.key]) zoom[e.key]!();
    else if (next !== null || (e.key === 'Escape' && selected !== null)) onSelect(next);
    else return;
    e.preventDefault();
  };
  const parentOf = (path: string) => path.slice(0, path.lastIndexOf('.'));
  return (
    <div class="pg-stage">
      <svg
        ref={svgRef}
        class="pg-canvas"
        tabindex={0}
        role="tree"
        aria-label="Plan diagram"
        aria-activedescendant={selected === null ? undefined : `pg-${plan.root.path}-${selected}`}
        onPointerDown={pan.down}
        onPointerMove={pan.move}
        onPointerUp={pan.up}
        onPointerCancel={pan.cancel}
        onKeyDown={onKeyDown}
      >
        <g ref={groupRef}>
          <g class="pg-edges">
            {layout.edges.map((e) => (
              <path key={e.id} class={e.id === selected || parentOf(e.id) === selected ? 'pg-edge is-hot' : 'pg-edge'} d={e.d} stroke-width={e.width}>
                <title>{`${formatThousands(e.rows)} rows`}</title>
              </path>
            ))}
          </g>
          {layout.boxes.map((b) => (
            <NodeBox key={b.node.path} box={b} plan={plan} selected={b.node.path === selected} />
          ))}
        </g>
      </svg>
      <div class="pg-tools" role="group" aria-label="Zoom">
        <button type="button" title="Zoom out (-)" aria-label="Zoom out" onClick={() => viewport.zoomBy(0.8)}>−</button>
        <button type="button" title="Zoom in (+)" aria-label="Zoom in" onClick={() => viewport.zoomBy(1.25)}>+</button>
        <button type="button" title="Show the whole plan (F)" onClick={() => viewport.fit({ x: 0, y: 0, width: layout.width, height: layout.height })}>
          Fit
        </button>
      </div>
      <p class="pg-legend muted">
        {plan.analyzed ? 'Bar: share of the query’s time' : 'Bar: share of the cost'} · edges: rows · ↑↓←→ move · +/− zoom · F fit · drag to pan
      </p>
    </div>
  );
}

export function PlanGraph({ plan, selected, onSelect }: GraphProps): JSX.Element {
  const node = plan.nodes.find((n) => n.path === selected) ?? null;
  return (
    <div class="pg">
      <Diagram plan={plan} selected={selected} onSelect={onSelect} />
      <aside class="pg-side" aria-label="Node details">
        {node ? (
          <NodeDetails node={node} plan={plan} />
        ) : (
          <p class="muted pg-hint">Click a node, or focus the diagram and use the arrow keys, to see its conditions, keys, rows and buffers here.</p>
        )}
      </aside>
    </div>
  );
}
