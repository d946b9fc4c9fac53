// Document tabs: arrow keys move between tabs, Delete closes the focused
// one, middle-click closes. Inactive panels stay mounted (hidden) so a tab
// keeps its state when the user looks elsewhere. Past the width of the pane
// the strip scrolls (the wheel scrolls it sideways, the active tab is kept
// in view) and a menu at its end lists every open tab.
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';
import { Icon, type IconName } from './Icon';
import { Menu } from './Menu';
import { TabPanel } from './TabStrip';

export interface TabItem {
  id: string;
  title: string;
  icon?: IconName;
}

interface TabsProps<T extends TabItem> {
  label: string;
  items: T[];
  activeId: string | null;
  onActivate: (id: string) => void;
  onClose: (id: string) => void;
  renderPanel: (item: T) => ComponentChildren;
  empty: ComponentChildren;
}

export function Tabs<T extends TabItem>(props: TabsProps<T>): JSX.Element {
  const { label, items, activeId, onActivate, onClose, renderPanel, empty } = props;
  const prefix = useId();
  const listRef = useRef<HTMLDivElement>(null);
  const tabId = (id: string) => `${prefix}-tab-${id}`;
  const panelId = (id: string) => `${prefix}-panel-${id}`;

  const focusTab = (index: number) => {
    const item = items[(index + items.length) % items.length];
    if (!item) return;
    onActivate(item.id);
    listRef.current?.querySelector<HTMLElement>(`[id="${tabId(item.id)}"]`)?.focus();
  };

  // the active tab is brought into view, wherever the strip was scrolled
  useEffect(() => {
    if (!activeId) return;
    listRef.current?.querySelector<HTMLElement>(`[id="${tabId(activeId)}"]`)?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [activeId, items.length, items.find((item) => item.id === activeId)?.title]);

  const onWheel = (e: WheelEvent) => {
    const strip = listRef.current;
    if (!strip || e.deltaX !== 0 || strip.scrollWidth <= strip.clientWidth) return;
    strip.scrollLeft += e.deltaY;
    e.preventDefault();
  };

  const onKeyDown = (e: KeyboardEvent, index: number, item: T) => {
    const keys: Record<string, () => void> = {
      ArrowRight: () => focusTab(index + 1),
      ArrowLeft: () => focusTab(index - 1),
      Home: () => focusTab(0),
      End: () => focusTab(items.length - 1),
      Delete: () => onClose(item.id),
    };
    const action = keys[e.key];
    if (!action) return;
    e.preventDefault();
    action();
  };

  return (
    <div class="tabs">
      <div class="tab-row">
      <div class="tab-strip" role="tablist" aria-label={label} ref={listRef} onWheel={onWheel}>
        {items.map((item, index) => {
          const active = item.id === activeId;
          return (
            <div
              key={item.id}
              id={tabId(item.id)}
              role="tab"
              class={active ? 'tab is-active' : 'tab'}
              aria-selected={active}
              aria-controls={panelId(item.id)}
              tabIndex={active ? 0 : -1}
              title={item.title}
              onClick={() => onActivate(item.id)}
              onAuxClick={(e) => e.button === 1 && onClose(item.id)}
              onKeyDown={(e) => onKeyDown(e, index, item)}
            >
              {item.icon && <Icon name={item.icon} size={14} />}
              <span class="tab-title">{item.title}</span>
              <span
                class="tab-close"
                role="button"
                aria-label={`Close ${item.title}`}
                title="Close (Delete)"
                onClick={(e) => {
                  e.stopPropagation();
                  onClose(item.id);
                }}
              >
                <Icon name="close" size={12} />
              </span>
            </div>
          );
        })}
      </div>
      {items.length > 1 && (
        <Menu
          label={<span class="tab-count">{items.length}</span>}
          ariaLabel="All open tabs"
          entries={items.map((item) => ({
            kind: 'item' as const,
            label: item.title,
            checked: item.id === activeId,
            onSelect: () => onActivate(item.id),
          }))}
        />
      )}
      </div>
      {items.length === 0 && <div class="tabs-empty">{empty}</div>}
      {items.map((item) => (
        <TabPanel key={item.id} id={panelId(item.id)} tab={tabId(item.id)} class="tab-panel" hidden={item.id !== activeId}>
          {renderPanel(item)}
        </TabPanel>
      ))}
    </div>
  );
}
