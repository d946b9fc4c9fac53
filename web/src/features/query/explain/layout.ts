// Where the graphical plan draws each node: a tidy tree from left (the root)
// to right (the scans), each leaf on its own row, a parent level with the
// middle of its children; how thick each edge is, by the rows it carries;
// and where the arrow keys move the chosen node.
import type { Plan, PlanNode } from '../explain';

export const BOX_W = 216;
export const BOX_H = 74;
export const GAP_X = 56;
export const GAP_Y = 16;

export interface Box {
  node: PlanNode;
  x: number;
  y: number;
}

export interface Edge {
  /** The child's path: the edge runs from the child (right) into its parent (left). */
  id: string;
  d: string;
  width: number;
  rows: number;
}

export interface PlanLayout {
  boxes: Box[];
  edges: Edge[];
  width: number;
  height: number;
}

/** Rows a node hands its parent: actual rows over all loops with ANALYZE, else the estimate. */
export function rowsOut(n: PlanNode): number {
  return n.actualRows !== null ? n.actualRows * Math.max(n.loops ?? 1, 1) : n.planRows;
}

/** Edge stroke width, 1.5 to 10 px, by the logarithm of ROWS against the plan's largest flow. */
export function edgeWidth(rows: number, maxRows: number): number {
  if (maxRows <= 0 || rows <= 0) return 1.5;
  return 1.5 + (8.5 * Math.log10(rows + 1)) / Math.log10(maxRows + 1);
}

function edgePath(parent: Box, child: Box): string {
  const x1 = parent.x + BOX_W;
  const y1 = parent.y + BOX_H / 2;
  const x2 = child.x;
  const y2 = child.y + BOX_H / 2;
  const mid = (x1 + x2) / 2;
  return `M${x2},${y2} C${mid},${y2} ${mid},${y1} ${x1},${y1}`;
}

export function layoutPlan(plan: Plan): PlanLayout {
  const boxes: Box[] = [];
  const byPath = new Map<string, Box>();
  let slot = 0;
  const place = (n: PlanNode): number => {
    let y: number;
    if (n.children.length === 0) y = slot++ * (BOX_H + GAP_Y);
    else {
      const ys = n.children.map(place);
      y = (ys[0]! + ys[ys.length - 1]!) / 2;
    }
    const box = { node: n, x: n.depth * (BOX_W + GAP_X), y };
    boxes.push(box);
    byPath.set(n.path, box);
    return y;
  };
  place(plan.root);
  boxes.sort((a, b) => plan.nodes.indexOf(a.node) - plan.nodes.indexOf(b.node));
  const maxRows = Math.max(0, ...plan.nodes.map(rowsOut));
  const edges: Edge[] = [];
  for (const box of boxes) {
    for (const c of box.node.children) {
      const child = byPath.get(c.path)!;
      const rows = rowsOut(c);
      edges.push({ id: c.path, d: edgePath(box, child), width: edgeWidth(rows, maxRows), rows });
    }
  }
  const depth = Math.max(...plan.nodes.map((n) => n.depth));
  return { boxes, edges, width: (depth + 1) * (BOX_W + GAP_X) - GAP_X, height: slot * (BOX_H + GAP_Y) - GAP_Y };
}

/** The node an arrow key moves to: Up/Down the previous/next in plan order, Left the parent, Right the first child. */
export function moveSelection(plan: Plan, path: string | null, key: string): string | null {
  const order = plan.nodes.map((n) => n.path);
  const i = path === null ? -1 : order.indexOf(path);
  if (i < 0) return key.startsWith('Arrow') || key === 'Home' || key === 'End' ? order[0]! : null;
  const node = plan.nodes[i]!;
  const moves: Record<string, () => string | undefined> = {
    ArrowDown: () => order[Math.min(i + 1, order.length - 1)],
    ArrowUp: () => order[Math.max(i - 1, 0)],
    ArrowLeft: () => (node.depth > 0 ? path!.slice(0, path!.lastIndexOf('.')) : path!),
    ArrowRight: () => node.children[0]?.path ?? path!,
    Home: () => order[0],
    End: () => order[order.length - 1],
  };
  return moves[key]?.() ?? null;
}
