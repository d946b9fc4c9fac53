// A row of icon buttons; Left/Right also move between them.
import type { ComponentChildren, JSX } from 'preact';
import { Icon, type IconName } from './Icon';

interface ToolbarProps {
  label: string;
  children: ComponentChildren;
}

function moveFocus(e: KeyboardEvent): void {
  const delta = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
  if (!delta) return;
  const bar = e.currentTarget as HTMLElement;
  const buttons = Array.from(bar.querySelectorAll<HTMLElement>('button:not([disabled])'));
  const index = buttons.indexOf(document.activeElement as HTMLElement);
  buttons[(index + delta + buttons.length) % buttons.length]?.focus();
  e.preventDefault();
}

export function Toolbar({ label, children }: ToolbarProps): JSX.Element {
  return (
    <div class="toolbar" role="toolbar" aria-label={label} onKeyDown={moveFocus}>
      {children}
    </div>
  );
}

interface ToolButtonProps {
  icon: IconName;
  label: string;
  shortcut?: string;
  disabled?: boolean;
  /** Makes it a toggle: on or off. */
  pressed?: boolean;
  onClick: () => void;
}

export function ToolButton({ icon, label, shortcut, disabled, pressed, onClick }: ToolButtonProps): JSX.Element {
  return (
    <button
      type="button"
      class={pressed ? 'tool-btn is-pressed' : 'tool-btn'}
      title={shortcut ? `${label} (${shortcut})` : label}
      aria-label={label}
      aria-pressed={pressed}
      disabled={disabled}
      onClick={onClick}
    >
      <Icon name={icon} />
    </button>
  );
}

export function ToolSeparator(): JSX.Element {
  return <span class="tool-sep" role="separator" aria-orientation="vertical" />;
}
