// The layout worker (built as its own script, see web/build.mjs): ELK's
// layered algorithm for each group of tables joined by foreign keys, with
// orthogonal edges between the rows they join, and the groups packed into a
// rectangle of the viewport's proportions.
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { LayoutAnswer, LayoutEdge, LayoutNode, LayoutRequest, LayoutResult } from './layoutTypes';

interface WorkerScope {
  onmessage: ((e: MessageEvent<LayoutRequest>) => void) | null;
  postMessage(message: LayoutAnswer): void;
}

const scope = self as unknown as WorkerScope;
const elk = new ELK();

const GROUP_OPTIONS = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.layered.spacing.nodeNodeBetweenLayers': '64',
  'elk.layered.spacing.edgeNodeBetweenLayers': '14',
  'elk.layered.spacing.edgeEdgeBetweenLayers': '8',
  'elk.spacing.nodeNode': '28',
  'elk.spacing.edgeEdge': '8',
  'elk.spacing.edgeNode': '14',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.padding': '[top=0,left=0,bottom=0,right=0]',
};

/** Groups this large get a quicker pass: fewer crossing-reduction sweeps, and nodes placed simply (layers stay shorter too). */
const LARGE_GROUP = 120;
const LARGE_OPTIONS = { 'elk.layered.thoroughness': '3', 'elk.layered.nodePlacement.strategy': 'SIMPLE' };

function elkNode(n: LayoutNode): ElkNode {
  return {
    id: n.id,
    width: n.width,
    height: n.height,
    layoutOptions: { 'elk.portConstraints': 'FIXED_POS' },
    ports: n.ports.map((p) => ({
      id: p.id,
      x: p.side === 'WEST' ? 0 : n.width,
      y: p.y,
      width: 0,
      height: 0,
      layoutOptions: { 'elk.port.side': p.side },
    })),
  };
}

/** Groups of nodes joined by edges (union-find), each with its edges. */
function groups(req: LayoutRequest): Array<{ nodes: LayoutNode[]; edges: LayoutEdge[] }> {
  const index = new Map(req.nodes.map((n, i) => [n.id, i]));
  const parent = req.nodes.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  for (const e of req.edges) parent[find(index.get(e.source)!)] = find(index.get(e.target)!);
  const byRoot = new Map<number, { nodes: LayoutNode[]; edges: LayoutEdge[] }>();
  req.nodes.forEach((n, i) => {
    const root = find(i);
    const g = byRoot.get(root) ?? { nodes: [], edges: [] };
    g.nodes.push(n);
    byRoot.set(root, g);
  });
  for (const e of req.edges) byRoot.get(find(index.get(e.source)!))!.edges.push(e);
  return [...byRoot.values()];
}

function graphOf(req: LayoutRequest): ElkNode {
  const children: ElkNode[] = groups(req).map((g, i) => {
    if (g.nodes.length === 1 && g.edges.length === 0) return elkNode(g.nodes[0]!);
    const edges: ElkExtendedEdge[] = g.edges.map((e) => ({ id: e.id, sources: [e.sourcePort], targets: [e.targetPort] }));
    const layoutOptions = g.nodes.length > LARGE_GROUP ? { ...GROUP_OPTIONS, ...LARGE_OPTIONS } : GROUP_OPTIONS;
    return { id: `group:${i}`, layoutOptions, children: g.nodes.map(elkNode), edges };
  });
  return {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'rectpacking',
      'elk.aspectRatio': String(req.aspectRatio),
      'elk.spacing.nodeNode': '56',
      'elk.padding': '[top=0,left=0,bottom=0,right=0]',
    },
    children,
  };
}

/** Absolute positions (ELK gives a group's members and edges relative to the group), and the extent of them all. */
function collect(root: ElkNode, ms: number): LayoutResult {
  const result: LayoutResult = { width: 0, height: 0, nodes: {}, edges: {}, ms };
  let left = 0;
  let top = 0;
  const extend = (x: number, y: number) => {
    result.width = Math.max(result.width, x);
    result.height = Math.max(result.height, y);
    left = Math.min(left, x);
    top = Math.min(top, y);
  };
  const walk = (node: ElkNode, ox: number, oy: number) => {
    for (const child of node.children ?? []) {
      const x = ox + (child.x ?? 0);
      const y = oy + (child.y ?? 0);
      if (child.children?.length) walk(child, x, y);
      else {
        result.nodes[child.id] = [x, y];
        extend(x + (child.width ?? 0), y + (child.height ?? 0));
      }
    }
    for (const edge of (node.edges ?? []) as ElkExtendedEdge[]) {
      const points: number[] = [];
      for (const s of edge.sections ?? []) {
        for (const p of [s.startPoint, ...(s.bendPoints ?? []), s.endPoint]) {
          points.push(ox + p.x, oy + p.y);
          extend(ox + p.x, oy + p.y);
        }
      }
      result.edges[edge.id] = points;
    }
  };
  walk(root, 0, 0);
  // a route may pass above or left of the first table: move everything so the extent starts at 0, 0
  if (left < 0 || top < 0) {
    for (const p of Object.values(result.nodes)) {
      p[0] -= left;
      p[1] -= top;
    }
    for (const points of Object.values(result.edges)) {
      for (let i = 0; i < points.length; i++) points[i] = points[i]! - (i % 2 ? top : left);
    }
    result.width -= left;
    result.height -= top;
  }
  return result;
}

scope.onmessage = (e) => {
  const req = e.data;
  const started = performance.now();
  elk.layout(graphOf(req)).then(
    (out) => scope.postMessage({ id: req.id, ok: true, result: collect(out, performance.now() - started) }),
    (err: unknown) => scope.postMessage({ id: req.id, ok: false, message: err instanceof Error ? err.message : String(err) }),
  );
};
