// Two panes side by side (or one above the other) with a draggable and
// keyboard-movable divider. The size of the first pane is remembered per browser.
import type { ComponentChildren, JSX } from 'preact';
import { useRef, useState } from 'preact/hooks';

interface SplitPaneProps {
  storageKey: string;
  initial: number;
  min: number;
  max: number;
  label: string;
  first: ComponentChildren;
  second: ComponentChildren;
  /** One above the other; the first pane's height is what moves. */
  vertical?: boolean;
}

const KEY_STEP = 16;

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, value));
}

function storedWidth(key: string, fallback: number): number {
  const value = Number(localStorage.getItem(key));
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

export function SplitPane({ storageKey, initial, min, max, label, first, second, vertical }: SplitPaneProps): JSX.Element {
  const [width, setWidth] = useState(() => clamp(storedWidth(storageKey, initial), min, max));
  const rootRef = useRef<HTMLDivElement>(null);

  const commit = (value: number) => {
    const next = clamp(Math.round(value), min, max);
    setWidth(next);
    localStorage.setItem(storageKey, String(next));
  };

  const onPointerDown = (e: PointerEvent) => {
    const handle = e.currentTarget as HTMLElement;
    const box = rootRef.current!.getBoundingClientRect();
    handle.setPointerCapture(e.pointerId);
    const onMove = (ev: PointerEvent) => commit(vertical ? ev.clientY - box.top : ev.clientX - box.left);
    const onUp = () => {
      handle.removeEventListener('pointermove', onMove);
      handle.removeEventListener('pointerup', onUp);
      rootRef.current?.classList.remove('is-dragging');
    };
    handle.addEventListener('pointermove', onMove);
    handle.addEventListener('pointerup', onUp);
    rootRef.current!.classList.add('is-dragging');
    e.preventDefault();
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const [less, more] = vertical ? ['ArrowUp', 'ArrowDown'] : ['ArrowLeft', 'ArrowRight'];
    const moves: Record<string, number> = { [less]: width - KEY_STEP, [more]: width + KEY_STEP, Home: min, End: max };
    const next = moves[e.key];
    if (next === undefined) return;
    e.preventDefault();
    commit(next);
  };

  return (
    <div class={vertical ? 'split is-vertical' : 'split'} ref={rootRef}>
      <div class="split-first" style={vertical ? { height: `${width}px` } : { width: `${width}px` }}>
        {first}
      </div>
      <div
        class="split-handle"
        role="separator"
        aria-orientation={vertical ? 'horizontal' : 'vertical'}
        aria-label={label}
        aria-valuenow={width}
        aria-valuemin={min}
        aria-valuemax={max}
        tabIndex={0}
        onPointerDown={onPointerDown}
        onKeyDown={onKeyDown}
      />
      <div class="split-second">{second}</div>
    </div>
  );
}
