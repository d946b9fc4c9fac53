import type { JSX } from 'preact';
import { useEffect } from 'preact/hooks';
import { loadWorkspace } from '../../api/query';
import { SplitPane } from '../../components/SplitPane';
import { Tabs } from '../../components/Tabs';
import { currentUser } from '../../state/session';
import { activeTabId, requestCloseTab, tabs, type TabInfo } from '../../state/workspace';
import { ObjectExplorer } from '../browser/ObjectExplorer';
import { ObjectTab } from '../browser/ObjectTab';
import { LazyErdTab } from '../erd/LazyErdTab';
import { LazySchemaDiffTab } from '../schemadiff/LazySchemaDiffTab';
import { JobsTab } from '../jobs/JobsTab';
import { StorageTab } from '../storage/StorageTab';
import { Dialogs } from './Dialogs';
import { LazyDashboardTab } from './LazyDashboardTab';
import { LazyPsqlTab } from './LazyPsqlTab';
import { LazyQueryTab } from './LazyQueryTab';
import { keepPanels } from './panels';
import { useGlobalShortcuts } from './shortcuts';
import { StatusBar } from './StatusBar';
import { TopBar } from './TopBar';
import { WelcomeTab } from './WelcomeTab';

function renderTab(tab: TabInfo): JSX.Element {
  switch (tab.kind) {
    case 'welcome':
      return <WelcomeTab />;
    case 'query':
      return <LazyQueryTab id={tab.id} />;
    case 'object':
      return <ObjectTab />;
    case 'dashboard':
      return <LazyDashboardTab id={tab.id} />;
    case 'jobs':
      return <JobsTab />;
    case 'storage':
      return <StorageTab />;
    case 'erd':
      return <LazyErdTab id={tab.id} />;
    case 'psql':
      return <LazyPsqlTab id={tab.id} />;
    case 'schemadiff':
      return <LazySchemaDiffTab id={tab.id} />;
  }
}

function TabArea(): JSX.Element {
  return (
    <section class="panel tab-area" aria-label="Tabs">
      <Tabs
        label="Open tabs"
        items={tabs.value}
        activeId={activeTabId.value}
        onActivate={(id) => (activeTabId.value = id)}
        onClose={requestCloseTab}
        renderPanel={renderTab}
        empty={<p class="empty-state">No open tabs. The home button in the toolbar brings back the Welcome tab.</p>}
      />
    </section>
  );
}

/** Reopens the query tabs of the last visit; the query tool loads only when there are some. */
function useRestoredTabs(): void {
  useEffect(() => {
    loadWorkspace().then(
      (workspace) => {
        if (workspace.tabs?.length) void import('../query/tabs').then((m) => m.restoreWorkspace(workspace));
      },
      () => undefined,
    );
  }, []);
}

/** Dashboards and diagrams open at the last visit come back, the user's own. */
function useRestoredPanels(): void {
  const owner = currentUser.value?.id;
  useEffect(() => (owner === undefined ? undefined : keepPanels(String(owner))), [owner]);
}

export function Shell(): JSX.Element {
  useGlobalShortcuts();
  useRestoredTabs();
  useRestoredPanels();
  return (
    <div class="shell">
      <TopBar />
      <SplitPane
        storageKey="tusk.explorerWidth"
        initial={320}
        min={180}
        max={640}
        label="Resize object explorer"
        first={<ObjectExplorer />}
        second={<TabArea />}
      />
      <StatusBar />
      <Dialogs />
    </div>
  );
}
