// The dashboard tab of a server or one database: live charts fed by the
// sample stream above monitoring panels (activity, locks, prepared
// transactions, configuration, replication, progress, top statements,
// table health) in sub-tabs. Loaded on first use with uPlot.
import 'uplot/dist/uPlot.min.css';
import '../../styles/dashboard.css';
import type { JSX } from 'preact';
import { useId, useState } from 'preact/hooks';
import { Icon } from '../../components/Icon';
import { SplitPane } from '../../components/SplitPane';
import { TabPanel, TabStrip } from '../../components/TabStrip';
import { activeTabId } from '../../state/workspace';
import { ActivityPanel } from './ActivityPanel';
import { Chart } from './Chart';
import { CHARTS } from './charts';
import { LocksPanel, PreparedPanel, ProgressPanel } from './LocksPanel';
import { dashboardTarget, type DashboardTarget } from './open';
import { ReplicationPanel } from './ReplicationPanel';
import { SettingsPanel } from './SettingsPanel';
import { HealthPanel, StatementsPanel } from './StatementsPanel';
import { pageVisible, useSampleFeed, type SampleFeed, type StreamState } from './stream';

type PanelId = 'activity' | 'locks' | 'prepared' | 'settings' | 'replication' | 'progress' | 'statements' | 'health';

const PANELS: Array<{ id: PanelId; title: string; databaseOnly?: boolean }> = [
  { id: 'activity', title: 'Activity' },
  { id: 'locks', title: 'Locks' },
  { id: 'prepared', title: 'Prepared transactions' },
  { id: 'settings', title: 'Configuration' },
  { id: 'replication', title: 'Replication' },
  { id: 'progress', title: 'Progress' },
  { id: 'statements', title: 'Top statements' },
  { id: 'health', title: 'Table health', databaseOnly: true },
];

export function DashboardTab({ id }: { id: string }): JSX.Element {
  const target = dashboardTarget(id);
  if (!target) return <p class="empty-state">This dashboard is closed.</p>;
  return <Dashboard id={id} target={target} />;
}

function Dashboard({ id, target }: { id: string; target: DashboardTarget }): JSX.Element {
  const feed = useSampleFeed(target.serverId, target.database);
  const shown = activeTabId.value === id && pageVisible.value;
  return (
    <div class="dashboard">
      <header class="tab-head">
        <Icon name="activity" class="tab-head-icon" />
        <strong>{target.database ?? target.serverName}</strong>
        <span class="muted">{target.database !== null ? `database on ${target.serverName}` : 'server'}</span>
        <span class="toolbar-fill" />
        <StreamStatus state={feed.state.value} />
      </header>
      <SplitPane
        vertical
        storageKey="tusk.dashboardCharts"
        initial={392}
        min={120}
        max={720}
        label="Resize charts"
        first={<Charts feed={feed} />}
        second={<Panels target={target} shown={shown} />}
      />
    </div>
  );
}

function StreamStatus({ state }: { state: StreamState }): JSX.Element {
  const labels: Record<StreamState['kind'], string> = {
    connecting: 'Connecting…',
    live: 'Live, every second',
    hidden: 'Paused while the page is hidden',
    'sampling-error': 'Cannot sample',
    lost: 'Reconnecting…',
  };
  return (
    <span class={`dash-stream is-${state.kind}`} role="status">
      <span class="dash-stream-dot" aria-hidden="true" />
      {labels[state.kind]}
    </span>
  );
}

function Charts({ feed }: { feed: SampleFeed }): JSX.Element {
  const state = feed.state.value;
  const points = feed.points.value;
  const problem = state.kind === 'sampling-error' || state.kind === 'lost' ? state.message : null;
  return (
    <div class="dash-charts-area">
      {problem !== null && (
        <div class="dash-error dash-stream-error" role="alert">
          <Icon name="alert" />
          <span>{problem}</span>
        </div>
      )}
      <div class="dash-charts" aria-label="Live charts">
        {CHARTS.map((def) => (
          <Chart key={def.id} def={def} points={points} />
        ))}
      </div>
    </div>
  );
}

function Panels({ target, shown }: { target: DashboardTarget; shown: boolean }): JSX.Element {
  const prefix = useId();
  const list = PANELS.filter((p) => !p.databaseOnly || target.database !== null);
  const [active, setActive] = useState<PanelId>('activity');
  const [visited, setVisited] = useState<ReadonlySet<PanelId>>(new Set(['activity']));

  const select = (panel: PanelId) => {
    setActive(panel);
    if (!visited.has(panel)) setVisited(new Set([...visited, panel]));
  };

  const content = (panel: PanelId, visible: boolean): JSX.Element => {
    const props = { serverId: target.serverId, database: target.database, visible };
    switch (panel) {
      case 'activity':
        return <ActivityPanel {...props} />;
      case 'locks':
        return <LocksPanel {...props} />;
      case 'prepared':
        return <PreparedPanel {...props} />;
      case 'settings':
        return <SettingsPanel {...props} />;
      case 'replication':
        return <ReplicationPanel {...props} />;
      case 'progress':
        return <ProgressPanel {...props} />;
      case 'statements':
        return <StatementsPanel {...props} />;
      case 'health':
        return target.database !== null ? <HealthPanel {...props} database={target.database} /> : <></>;
    }
  };

  return (
    <div class="dash-panels">
      <TabStrip
        label="Monitoring panels"
        class="dash-strip"
        tabClass="dash-tab"
        tabs={list}
        active={active}
        onActivate={select}
        tabId={(id) => `${prefix}-${id}`}
        panelId={(id) => `${prefix}-${id}-panel`}
      />
      {list
        .filter((p) => visited.has(p.id))
        .map((p) => (
          <TabPanel key={p.id} id={`${prefix}-${p.id}-panel`} tab={`${prefix}-${p.id}`} class="dash-panel-host" hidden={p.id !== active}>
            {content(p.id, shown && p.id === active)}
          </TabPanel>
        ))}
    </div>
  );
}
