// A drop-down menu button: arrow keys move, Enter/Space choose, Esc closes
// and returns focus to the button, a click elsewhere closes.
import type { ComponentChildren, CSSProperties, JSX } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { Icon } from './Icon';

export type MenuEntry =
  | { kind: 'item'; label: string; onSelect: () => void; checked?: boolean; hint?: string }
  | { kind: 'separator' }
  | { kind: 'heading'; label: string };

interface MenuProps {
  label: ComponentChildren;
  ariaLabel: string;
  entries: MenuEntry[];
}

function menuItems(root: HTMLElement | null): HTMLElement[] {
  return root ? Array.from(root.querySelectorAll<HTMLElement>('[role^="menuitem"]')) : [];
}

function moveFocus(root: HTMLElement | null, delta: number | 'first' | 'last'): void {
  const items = menuItems(root);
  if (items.length === 0) return;
  const current = items.indexOf(document.activeElement as HTMLElement);
  let next: number;
  if (delta === 'first') next = 0;
  else if (delta === 'last') next = items.length - 1;
  else next = (current + delta + items.length) % items.length;
  items[next]!.focus();
}

function MenuRow({ entry, onChosen }: { entry: MenuEntry; onChosen: (run: () => void) => void }) {
  if (entry.kind === 'separator') return <li role="separator" class="menu-separator" />;
  if (entry.kind === 'heading') {
    return (
      <li role="presentation" class="menu-heading">
        {entry.label}
      </li>
    );
  }
  const radio = entry.checked !== undefined;
  return (
    <li
      role={radio ? 'menuitemradio' : 'menuitem'}
      aria-checked={radio ? entry.checked : undefined}
      tabIndex={-1}
      class="menu-item"
      onClick={() => onChosen(entry.onSelect)}
    >
      <span class="menu-check">{entry.checked && <Icon name="check" size={14} />}</span>
      <span class="menu-label">{entry.label}</span>
      {entry.hint && <kbd class="menu-hint">{entry.hint}</kbd>}
    </li>
  );
}

interface MenuListProps {
  id?: string;
  ariaLabel: string;
  entries: MenuEntry[];
  /** Closes the list; refocus says whether focus goes back where it came from. */
  onClose: (refocus: boolean) => void;
  class?: string;
  style?: CSSProperties;
}

/** The list of a menu, focused on its first item; shared by drop-down and context menus. */
export function MenuList({ id, ariaLabel, entries, onClose, class: extra, style }: MenuListProps): JSX.Element {
  const listRef = useRef<HTMLUListElement>(null);

  useEffect(() => moveFocus(listRef.current, 'first'), []);

  const choose = (run: () => void) => {
    onClose(true);
    run();
  };

  const onMenuKey = (e: KeyboardEvent) => {
    const keys: Record<string, () => void> = {
      ArrowDown: () => moveFocus(listRef.current, 1),
      ArrowUp: () => moveFocus(listRef.current, -1),
      Home: () => moveFocus(listRef.current, 'first'),
      End: () => moveFocus(listRef.current, 'last'),
      Escape: () => onClose(true),
      Tab: () => onClose(false),
      Enter: () => (document.activeElement as HTMLElement | null)?.click(),
      ' ': () => (document.activeElement as HTMLElement | null)?.click(),
    };
    const action = keys[e.key];
    if (!action) return;
    if (e.key !== 'Tab') e.preventDefault();
    e.stopPropagation();
    action();
  };

  return (
    <ul
      id={id}
      ref={listRef}
      role="menu"
      aria-label={ariaLabel}
      class={extra ? `menu ${extra}` : 'menu'}
      style={style}
      onKeyDown={onMenuKey}
    >
      {entries.map((entry, i) => (
        <MenuRow key={i} entry={entry} onChosen={choose} />
      ))}
    </ul>
  );
}

export function Menu({ label, ariaLabel, entries }: MenuProps): JSX.Element {
  const [open, setOpen] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const wrapRef = useRef<HTMLDivElement>(null);
  const menuId = useId();

  useEffect(() => {
    if (!open) return undefined;
    const onPointer = (e: PointerEvent) => {
      if (!wrapRef.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer);
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [open]);

  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) buttonRef.current?.focus();
  };

  const onButtonKey = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setOpen(true);
    }
  };

  return (
    <div class="menu-wrap" ref={wrapRef}>
      <button
        ref={buttonRef}
        type="button"
        class="menu-button"
        aria-label={ariaLabel}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onClick={() => setOpen(!open)}
        onKeyDown={onButtonKey}
      >
        {label}
        <Icon name="chevronDown" size={14} />
      </button>
      {open && <MenuList id={menuId} ariaLabel={ariaLabel} entries={entries} onClose={close} />}
    </div>
  );
}
