// A row of tabs over panels the caller draws (a form's sections, an object's
// Properties/SQL/Statistics, the dashboard's panels): one tab in the Tab
// order, arrows and Home/End move between them and select as they go.
import type { ComponentChildren, JSX } from 'preact';
import { useRef } from 'preact/hooks';

export interface StripTab<Id extends string> {
  id: Id;
  title: ComponentChildren;
  /** Marks the tab when a field on it is wrong. */
  invalid?: boolean;
}

interface TabStripProps<Id extends string> {
  label: string;
  /** The strip's class, and its tabs'. */
  class: string;
  tabClass: string;
  tabs: ReadonlyArray<StripTab<Id>>;
  active: Id;
  onActivate: (id: Id) => void;
  /** The element ids of a tab and of the panel it controls. */
  tabId: (id: Id) => string;
  panelId: (id: Id) => string;
}

export function TabStrip<Id extends string>(props: TabStripProps<Id>): JSX.Element {
  const { label, class: cls, tabClass, tabs, active, onActivate, tabId, panelId } = props;
  const listRef = useRef<HTMLDivElement>(null);

  const onKeyDown = (e: KeyboardEvent, index: number) => {
    const moves: Record<string, number> = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 };
    const to = moves[e.key];
    if (to === undefined) return;
    e.preventDefault();
    const tab = tabs[(to + tabs.length) % tabs.length]!;
    onActivate(tab.id);
    listRef.current?.querySelector<HTMLElement>(`[id="${tabId(tab.id)}"]`)?.focus();
  };

  return (
    <div class={cls} role="tablist" aria-label={label} ref={listRef}>
      {tabs.map((t, index) => {
        const selected = t.id === active;
        return (
          <button
            key={t.id}
            type="button"
            id={tabId(t.id)}
            role="tab"
            class={[tabClass, selected ? 'is-active' : '', t.invalid ? 'is-invalid' : ''].filter(Boolean).join(' ')}
            aria-selected={selected}
            aria-controls={panelId(t.id)}
            tabIndex={selected ? 0 : -1}
            onClick={() => onActivate(t.id)}
            onKeyDown={(e) => onKeyDown(e, index)}
          >
            {t.title}
          </button>
        );
      })}
    </div>
  );
}

interface TabPanelProps {
  id: string;
  /** The element id of its tab. */
  tab: string;
  class: string;
  hidden?: boolean;
  children: ComponentChildren;
}

/** The panel a tab controls, named by the tab. */
export function TabPanel({ id, tab, class: cls, hidden, children }: TabPanelProps): JSX.Element {
  return (
    <div id={id} role="tabpanel" class={cls} aria-labelledby={tab} hidden={hidden}>
      {children}
    </div>
  );
}
