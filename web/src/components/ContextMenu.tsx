// A menu at a point (right-click, or the context-menu key on a row): kept
// inside the window, closed by Esc, Tab, a choice or a click elsewhere.
import { createPortal, type JSX } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { MenuList, type MenuEntry } from './Menu';

interface ContextMenuProps {
  ariaLabel: string;
  x: number;
  y: number;
  entries: MenuEntry[];
  /** refocus: give focus back to what had it before the menu opened. */
  onClose: (refocus: boolean) => void;
}

const MARGIN = 4;

export function ContextMenu({ ariaLabel, x, y, entries, onClose }: ContextMenuProps): JSX.Element {
  const wrapRef = useRef<HTMLDivElement>(null);
  const [place, setPlace] = useState({ left: x, top: y });

  // Flip left/up when the menu would leave the window.
  useLayoutEffect(() => {
    const menu = wrapRef.current?.firstElementChild as HTMLElement | null;
    if (!menu) return;
    const { width, height } = menu.getBoundingClientRect();
    const left = x + width + MARGIN > window.innerWidth ? Math.max(MARGIN, x - width) : x;
    const top = y + height + MARGIN > window.innerHeight ? Math.max(MARGIN, y - height) : y;
    setPlace({ left, top });
  }, [x, y]);

  useEffect(() => {
    const onPointer = (e: PointerEvent) => {
      if (!wrapRef.current?.contains(e.target as Node)) onClose(false);
    };
    const onBlur = () => onClose(false);
    document.addEventListener('pointerdown', onPointer);
    window.addEventListener('blur', onBlur);
    window.addEventListener('resize', onBlur);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      window.removeEventListener('blur', onBlur);
      window.removeEventListener('resize', onBlur);
    };
  }, [onClose]);

  return createPortal(
    <div ref={wrapRef} class="context-menu-wrap" onContextMenu={(e) => e.preventDefault()}>
      <MenuList
        ariaLabel={ariaLabel}
        entries={entries}
        onClose={onClose}
        class="context-menu"
        style={{ left: `${place.left}px`, top: `${place.top}px` }}
      />
    </div>,
    document.body,
  );
}
