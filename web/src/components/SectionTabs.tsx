// The tabs of a form (General, Connection, ...): every panel stays mounted
// so nothing typed is lost, a tab with an error is marked, arrow keys move.
import type { ComponentChildren, JSX } from 'preact';
import { useId, useRef } from 'preact/hooks';

export interface Section {
  id: string;
  title: string;
  /** Marks the tab when a field on it is wrong. */
  invalid?: boolean;
  content: ComponentChildren;
}

interface SectionTabsProps {
  label: string;
  sections: Section[];
  active: string;
  onActivate: (id: string) => void;
}

export function SectionTabs({ label, sections, active, onActivate }: SectionTabsProps): JSX.Element {
  const prefix = useId();
  const listRef = useRef<HTMLDivElement>(null);
  const tabId = (id: string) => `${prefix}-tab-${id}`;
  const panelId = (id: string) => `${prefix}-panel-${id}`;

  const onKeyDown = (e: KeyboardEvent, index: number) => {
    const moves: Record<string, number> = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: sections.length - 1 };
    const target = moves[e.key];
    if (target === undefined) return;
    e.preventDefault();
    const section = sections[(target + sections.length) % sections.length]!;
    onActivate(section.id);
    listRef.current?.querySelector<HTMLElement>(`[id="${tabId(section.id)}"]`)?.focus();
  };

  return (
    <div class="section-tabs">
      <div class="section-strip" role="tablist" aria-label={label} ref={listRef}>
        {sections.map((s, index) => {
          const selected = s.id === active;
          const classes = ['section-tab', selected ? 'is-active' : '', s.invalid ? 'is-invalid' : ''].filter(Boolean);
          return (
            <button
              key={s.id}
              type="button"
              id={tabId(s.id)}
              role="tab"
              class={classes.join(' ')}
              aria-selected={selected}
              aria-controls={panelId(s.id)}
              tabIndex={selected ? 0 : -1}
              onClick={() => onActivate(s.id)}
              onKeyDown={(e) => onKeyDown(e, index)}
            >
              {s.title}
            </button>
          );
        })}
      </div>
      {sections.map((s) => (
        <div
          key={s.id}
          id={panelId(s.id)}
          role="tabpanel"
          class="section-panel"
          aria-labelledby={tabId(s.id)}
          hidden={s.id !== active}
        >
          {s.content}
        </div>
      ))}
    </div>
  );
}
