// Two panes side by side with a draggable (and keyboard-movable) divider.
// The width of the first pane is remembered per browser.
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
}

const KEY_STEP = 16;

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, value));
}

function storedWidth(key: string, fallback: number): number {
  const value = Number(localStorage.getItem(key));
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

export function SplitPane({ storageKey, initial, min, max, label, first, second }: SplitPaneProps): JSX.Element {
  const [width, setWidth] = useState(() => clamp(storedWidth(storageKey, initial), min, max));
  const rootRef = useRef<HTMLDivElement>(null);

  const commit = (value: number) => {
    const next = clamp(Math.round(value), min, max);
    setWidth(next);
    localStorage.setItem(storageKey, String(next));
  };

  const onPointerDown = (e: PointerEvent) => {
    const handle = e.currentTarget as HTMLElement;
    const left = rootRef.current!.getBoundingClientRect().left;
    handle.setPointerCapture(e.pointerId);
    const onMove = (ev: PointerEvent) => commit(ev.clientX - left);
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
    const moves: Record<string, number> = { ArrowLeft: width - KEY_STEP, ArrowRight: width + KEY_STEP, Home: min, End: max };
    const next = moves[e.key];
    if (next === undefined) return;
    e.preventDefault();
    commit(next);
  };

  return (
    <div class="split" ref={rootRef}>
      <div class="split-first" style={{ width: `${width}px` }}>
        {first}
      </div>
      <div
        class="split-handle"
        role="separator"
        aria-orientation="vertical"
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
