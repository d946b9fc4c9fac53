// Modal dialog: rendered over everything, the rest of the page inert while
// it is open, Tab kept inside, Esc closes, Enter submits when it is a form.
import { createPortal, type ComponentChildren, type JSX } from 'preact';
import { useId, useLayoutEffect, useRef } from 'preact/hooks';
import { Icon } from './Icon';

interface DialogProps {
  title: string;
  onClose: () => void;
  /** When given, the dialog is a form and Enter submits it. */
  onSubmit?: () => void;
  size?: 'small' | 'medium' | 'large';
  footer?: ComponentChildren;
  children: ComponentChildren;
}

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

function focusables(root: HTMLElement): HTMLElement[] {
  return Array.from(root.querySelectorAll<HTMLElement>(FOCUSABLE)).filter((el) => el.offsetParent !== null);
}

function focusInitial(root: HTMLElement): void {
  const preferred = root.querySelector<HTMLElement>('[data-autofocus]');
  const field = root.querySelector<HTMLElement>('.dialog-body input:not([disabled]), .dialog-body select');
  (preferred ?? field ?? focusables(root)[0] ?? root).focus();
}

/** Open dialogs, innermost last: only that one answers Esc and Tab. */
const openStack: HTMLElement[] = [];

/** Makes every other child of <body> inert; returns the undo. */
function isolate(overlay: HTMLElement): () => void {
  const others = Array.from(document.body.children).filter(
    (el): el is HTMLElement => el !== overlay && el instanceof HTMLElement && !el.inert,
  );
  others.forEach((el) => (el.inert = true));
  return () => others.forEach((el) => (el.inert = false));
}

function trapTab(e: KeyboardEvent, root: HTMLElement): void {
  const items = focusables(root);
  if (items.length === 0) {
    e.preventDefault();
    return;
  }
  const first = items[0]!;
  const last = items[items.length - 1]!;
  const active = document.activeElement;
  if (e.shiftKey && (active === first || !root.contains(active))) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && (active === last || !root.contains(active))) {
    e.preventDefault();
    first.focus();
  }
}

export function Dialog({ title, onClose, onSubmit, size = 'medium', footer, children }: DialogProps): JSX.Element {
  const overlayRef = useRef<HTMLDivElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const closeRef = useRef(onClose);
  closeRef.current = onClose;

  useLayoutEffect(() => {
    const overlay = overlayRef.current!;
    const panel = panelRef.current!;
    const previous = document.activeElement as HTMLElement | null;
    const undo = isolate(overlay);
    openStack.push(panel);
    focusInitial(panel);
    // On the document, so the keys work even when focus has left the dialog
    // (after the element that had it was removed, say).
    const onKeyDown = (e: KeyboardEvent) => {
      if (openStack[openStack.length - 1] !== panel) return;
      if (e.key === 'Escape') {
        e.preventDefault();
        closeRef.current();
      } else if (e.key === 'Tab') {
        trapTab(e, panel);
      }
    };
    document.addEventListener('keydown', onKeyDown);
    return () => {
      document.removeEventListener('keydown', onKeyDown);
      openStack.splice(openStack.indexOf(panel), 1);
      undo();
      previous?.focus();
    };
  }, []);

  const submit = (e: Event) => {
    e.preventDefault();
    onSubmit?.();
  };

  const body = (
    <>
      <header class="dialog-header">
        <h2 id={titleId}>{title}</h2>
        <button type="button" class="icon-btn" aria-label="Close" title="Close (Esc)" onClick={onClose}>
          <Icon name="close" />
        </button>
      </header>
      <div class="dialog-body">{children}</div>
      {footer && <footer class="dialog-footer">{footer}</footer>}
    </>
  );

  return createPortal(
    <div class="dialog-overlay" ref={overlayRef}>
      <div
        class={`dialog dialog-${size}`}
        ref={panelRef}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        tabIndex={-1}
      >
        {onSubmit ? (
          <form class="dialog-form" onSubmit={submit} noValidate>
            {body}
          </form>
        ) : (
          body
        )}
      </div>
    </div>,
    document.body,
  );
}
