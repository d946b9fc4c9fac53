// What the page sends the layout worker and what it answers: plain data, so
// it crosses postMessage as it is.

export interface LayoutPort {
  id: string;
  /** WEST: the node's left side; EAST: its right. */
  side: 'WEST' | 'EAST';
  /** From the node's top. */
  y: number;
}

export interface LayoutNode {
  id: string;
  width: number;
  height: number;
  ports: LayoutPort[];
}

export interface LayoutEdge {
  id: string;
  source: string;
  sourcePort: string;
  target: string;
  targetPort: string;
}

export interface LayoutRequest {
  id: number;
  nodes: LayoutNode[];
  edges: LayoutEdge[];
  /** Width over height of the space to fill, for packing the separate groups of tables. */
  aspectRatio: number;
}

export interface LayoutResult {
  width: number;
  height: number;
  /** Top-left corner of each node. */
  nodes: Record<string, [number, number]>;
  /** Each edge's route: x0, y0, x1, y1, ... */
  edges: Record<string, number[]>;
  /** Time spent in the layout engine. */
  ms: number;
}

export type LayoutAnswer = { id: number; ok: true; result: LayoutResult } | { id: number; ok: false; message: string };
