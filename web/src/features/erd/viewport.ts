// Pan and zoom of the diagram: a translate and a scale on one SVG group,
// written straight to the DOM so moving around never re-renders the tables.
import { signal } from '@preact/signals';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

const MIN_SCALE = 0.04;
const MAX_SCALE = 3;
/** Below this scale column rows are too small to read and are not drawn (nor is anything else but the boxes and their names). */
export const FAR_SCALE = 0.42;
const FIT_PADDING = 24;
/** Below the diagram: room for the legend and summary drawn over the stage's bottom. */
const FIT_BOTTOM = 44;

function clampScale(k: number): number {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, k));
}

export class Viewport {
  x = 0;
  y = 0;
  k = 1;
  /** The scale, for the zoom readout. */
  readonly scale = signal(1);
  private svg: SVGSVGElement | null = null;
  private group: SVGGElement | null = null;
  private frame = 0;
  private animation = 0;
  private listeners = new Set<() => void>();
  /** A fit asked for while the canvas had no size (its tab hidden): done when it gets one. */
  private pendingFit: Rect | null = null;
  private resizes: ResizeObserver | null = null;

  /** Calls FN after each change has been drawn; returns the unsubscribe. */
  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** The part of the diagram in view, in diagram units. */
  visible(): Rect {
    const { width, height } = this.size();
    return { x: -this.x / this.k, y: -this.y / this.k, width: width / this.k, height: height / this.k };
  }

  attach(svg: SVGSVGElement | null, group: SVGGElement | null): void {
    this.resizes?.disconnect();
    this.svg = svg;
    this.group = group;
    this.resizes = svg && typeof ResizeObserver !== 'undefined' ? new ResizeObserver(() => this.sized()) : null;
    if (svg) this.resizes?.observe(svg);
    this.apply();
  }

  private sized(): void {
    const pending = this.pendingFit;
    if (pending && this.hasSize()) this.fit(pending);
  }

  private hasSize(): boolean {
    const r = this.svg?.getBoundingClientRect();
    return !!r && r.width > 0 && r.height > 0;
  }

  size(): { width: number; height: number } {
    const r = this.svg?.getBoundingClientRect();
    return { width: r?.width || 800, height: r?.height || 600 };
  }

  private apply(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.group?.setAttribute('transform', `translate(${this.x.toFixed(1)},${this.y.toFixed(1)}) scale(${this.k.toFixed(4)})`);
      this.scale.value = this.k;
      this.listeners.forEach((fn) => fn());
    });
  }

  set(x: number, y: number, k: number): void {
    cancelAnimationFrame(this.animation);
    this.x = x;
    this.y = y;
    this.k = clampScale(k);
    this.apply();
  }

  panBy(dx: number, dy: number): void {
    this.set(this.x + dx, this.y + dy, this.k);
  }

  /** Zooms by FACTOR keeping the point (px, py) of the view where it is (default: the middle). */
  zoomBy(factor: number, px?: number, py?: number): void {
    const { width, height } = this.size();
    const cx = px ?? width / 2;
    const cy = py ?? height / 2;
    const k = clampScale(this.k * factor);
    const ratio = k / this.k;
    this.set(cx - (cx - this.x) * ratio, cy - (cy - this.y) * ratio, k);
  }

  /** The scale and offset that show RECT whole (never larger than 1:1). */
  private fitting(rect: Rect, maxScale: number): { x: number; y: number; k: number } {
    const { width, height } = this.size();
    const room = height - FIT_PADDING - FIT_BOTTOM;
    const k = clampScale(Math.min(maxScale, (width - FIT_PADDING * 2) / Math.max(rect.width, 1), room / Math.max(rect.height, 1)));
    return { k, x: (width - rect.width * k) / 2 - rect.x * k, y: FIT_PADDING + (room - rect.height * k) / 2 - rect.y * k };
  }

  fit(rect: Rect): void {
    this.pendingFit = this.hasSize() ? null : rect;
    if (this.pendingFit) return;
    const f = this.fitting(rect, 1);
    this.set(f.x, f.y, f.k);
  }

  /** Moves RECT to the middle, zooming in to at least MIN_SCALE; smoothly unless the user prefers less motion. */
  reveal(rect: Rect, minScale = 0.8): void {
    const { width, height } = this.size();
    const k = Math.max(this.k, Math.min(minScale, this.fitting(rect, MAX_SCALE).k));
    const target = { k, x: width / 2 - (rect.x + rect.width / 2) * k, y: height / 2 - (rect.y + rect.height / 2) * k };
    if (matchMedia('(prefers-reduced-motion: reduce)').matches) {
      this.set(target.x, target.y, target.k);
      return;
    }
    const from = { x: this.x, y: this.y, k: this.k };
    const started = performance.now();
    const step = (now: number) => {
      const t = Math.min(1, (now - started) / 200);
      const ease = 1 - (1 - t) ** 3;
      this.x = from.x + (target.x - from.x) * ease;
      this.y = from.y + (target.y - from.y) * ease;
      this.k = from.k + (target.k - from.k) * ease;
      this.apply();
      if (t < 1) this.animation = requestAnimationFrame(step);
    };
    cancelAnimationFrame(this.animation);
    this.animation = requestAnimationFrame(step);
  }
}

/**
 * Zooms VIEWPORT with the wheel over SVG, about the pointer (Ctrl, a pinch,
 * zooms faster). The listener is not passive, so the page does not scroll
 * instead; returns its removal.
 */
export function zoomOnWheel(svg: SVGSVGElement, viewport: Viewport): () => void {
  const onWheel = (e: WheelEvent) => {
    e.preventDefault();
    const r = svg.getBoundingClientRect();
    const delta = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaY;
    viewport.zoomBy(Math.exp(-delta * (e.ctrlKey ? 0.01 : 0.0015)), e.clientX - r.left, e.clientY - r.top);
  };
  svg.addEventListener('wheel', onWheel, { passive: false });
  return () => svg.removeEventListener('wheel', onWheel);
}

/**
 * Drag to pan: pointer handlers for the diagram's SVG that move VIEWPORT
 * once the pointer has travelled 4 px, and hand a press that did not move to
 * CLICK. Keep one per diagram (useRef); set `click` on each render.
 */
export class PanDrag {
  private drag: { x: number; y: number; moved: boolean; id: number } | null = null;

  constructor(
    private readonly viewport: Viewport,
    private readonly svg: () => SVGSVGElement | null,
    public click: (e: PointerEvent) => void,
  ) {}

  down = (e: PointerEvent): void => {
    if (e.button === 0) this.drag = { x: e.clientX, y: e.clientY, moved: false, id: e.pointerId };
  };

  move = (e: PointerEvent): void => {
    const d = this.drag;
    if (!d || d.id !== e.pointerId) return;
    const dx = e.clientX - d.x;
    const dy = e.clientY - d.y;
    if (!d.moved && Math.hypot(dx, dy) < 4) return;
    if (!d.moved) {
      d.moved = true;
      this.svg()?.setPointerCapture(e.pointerId);
      this.svg()?.style.setProperty('cursor', 'grabbing');
    }
    d.x = e.clientX;
    d.y = e.clientY;
    this.viewport.panBy(dx, dy);
  };

  up = (e: PointerEvent): void => {
    const d = this.drag;
    this.drag = null;
    this.svg()?.style.removeProperty('cursor');
    if (d && !d.moved) this.click(e);
  };

  cancel = (): void => {
    this.drag = null;
  };
}
