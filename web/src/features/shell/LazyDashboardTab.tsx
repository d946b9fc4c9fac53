// The dashboard (charts, monitoring panels and uPlot) is loaded on first use.
import type { JSX } from 'preact';
import { lazyModule } from '../../lib/lazyModule';

const useDashboardModule = lazyModule(() => import('../dashboard/DashboardTab'));

export function LazyDashboardTab({ id }: { id: string }): JSX.Element {
  const mod = useDashboardModule();
  return mod ? <mod.DashboardTab id={id} /> : <p class="empty-state">Loading the dashboard…</p>;
}
