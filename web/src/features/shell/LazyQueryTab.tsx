// The query tool is loaded on first use: its editor and grid are most of
// the app's code.
import type { JSX } from 'preact';
import { lazyModule } from '../../lib/lazyModule';

const useQueryModule = lazyModule(() => import('../query/QueryTab'));

export function LazyQueryTab({ id }: { id: string }): JSX.Element {
  const mod = useQueryModule();
  return mod ? <mod.QueryTabView id={id} /> : <p class="empty-state">Loading the query tool…</p>;
}
