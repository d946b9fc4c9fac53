// The tabs of a form (General, Connection, ...): every panel stays mounted
// so nothing typed is lost, a tab with an error is marked, arrow keys move.
import type { ComponentChildren, JSX } from 'preact';
import { useId } from 'preact/hooks';
import { TabPanel, TabStrip } from './TabStrip';

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
  const tabId = (id: string) => `${prefix}-tab-${id}`;
  const panelId = (id: string) => `${prefix}-panel-${id}`;

  return (
    <div class="section-tabs">
      <TabStrip label={label} class="section-strip" tabClass="section-tab" tabs={sections} active={active} onActivate={onActivate} tabId={tabId} panelId={panelId} />
      {sections.map((s) => (
        <TabPanel key={s.id} id={panelId(s.id)} tab={tabId(s.id)} class="section-panel" hidden={s.id !== active}>
          {s.content}
        </TabPanel>
      ))}
    </div>
  );
}
