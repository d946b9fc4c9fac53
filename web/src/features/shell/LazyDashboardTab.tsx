// The dashboard (charts, monitoring panels and uPlot) is loaded on first use.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';

type DashboardModule = typeof import('../dashboard/DashboardTab');

let loaded: DashboardModule | null = null;

export function LazyDashboardTab({ id }: { id: string }): JSX.Element {
  const [mod, setMod] = useState<DashboardModule | null>(loaded);
  useEffect(() => {
    if (mod) return;
    void import('../dashboard/DashboardTab').then((m) => {
      loaded = m;
      setMod(m);
    });
  }, []);
  return mod ? <mod.DashboardTab id={id} /> : <p class="empty-state">Loading the dashboard…</p>;
}
