// The schema diagram (its layout engine runs in a worker) loads on first use.
import type { JSX } from 'preact';
import { lazyModule } from '../../lib/lazyModule';

const useErdModule = lazyModule(() => import('./ErdTab'));

export function LazyErdTab({ id }: { id: string }): JSX.Element {
  const mod = useErdModule();
  return mod ? <mod.ErdTab id={id} /> : <p class="empty-state">Loading the schema diagram…</p>;
}
