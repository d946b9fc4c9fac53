// Runs layouts in the worker: one at a time per page; a new request while one
// runs ends that worker (ELK cannot be interrupted) and starts a fresh one.
import { HEADER, PAD_BOTTOM, ROW, type Diagram } from './model';
import type { LayoutAnswer, LayoutNode, LayoutRequest, LayoutResult } from './layoutTypes';

let worker: Worker | null = null;
let running: { id: number; resolve: (r: LayoutResult) => void; reject: (e: Error) => void } | null = null;
let seq = 0;

function rowY(row: number): number {
  return row < 0 ? HEADER / 2 : HEADER + row * ROW + ROW / 2;
}

/** The worker's request for DIAGRAM: a port at each row an edge meets, on the left for the referencing end, on the right for the referenced. */
export function layoutRequest(d: Diagram, aspectRatio: number): Omit<LayoutRequest, 'id'> {
  const nodes = new Map<string, LayoutNode>(d.nodes.map((n) => [n.id, { id: n.id, width: n.width, height: n.height, ports: [] }]));
  const edges = d.edges.map((e) => {
    const parent = nodes.get(e.parent)!;
    const child = nodes.get(e.child)!;
    const sourcePort = `${e.parent}:r${e.parentRow}`;
    if (!parent.ports.some((p) => p.id === sourcePort)) parent.ports.push({ id: sourcePort, side: 'EAST', y: rowY(e.parentRow) });
    const targetPort = `${e.id}:in`;
    child.ports.push({ id: targetPort, side: 'WEST', y: Math.min(rowY(e.childRow), child.height - PAD_BOTTOM) });
    return { id: e.id, source: e.parent, sourcePort, target: e.child, targetPort };
  });
  return { nodes: [...nodes.values()], edges, aspectRatio };
}

function startWorker(): Worker {
  const w = new Worker(new URL(__ERD_LAYOUT_WORKER__, document.baseURI));
  w.onmessage = (e: MessageEvent<LayoutAnswer>) => {
    const answer = e.data;
    if (!running || running.id !== answer.id) return;
    const { resolve, reject } = running;
    running = null;
    if (answer.ok) resolve(answer.result);
    else reject(new Error(`The layout failed: ${answer.message}`));
  };
  w.onerror = (e) => {
    e.preventDefault();
    running?.reject(new Error(`The layout worker failed: ${e.message || 'it could not start'}.`));
    running = null;
    w.terminate();
    if (worker === w) worker = null;
  };
  return w;
}

/** Lays out REQUEST in the worker; a later call supersedes it (its promise never settles). */
export function runLayout(request: Omit<LayoutRequest, 'id'>): Promise<LayoutResult> {
  if (running && worker) {
    worker.terminate();
    worker = null;
  }
  worker ??= startWorker();
  const id = ++seq;
  const w = worker;
  return new Promise<LayoutResult>((resolve, reject) => {
    running = { id, resolve, reject };
    w.postMessage({ ...request, id });
  });
}
