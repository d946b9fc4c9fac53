// The PSQL tool's terminal (xterm.js) is loaded on first use.
import type { JSX } from 'preact';
import { lazyModule } from '../../lib/lazyModule';

const usePsqlModule = lazyModule(() => import('../psql/PsqlTab'));

export function LazyPsqlTab({ id }: { id: string }): JSX.Element {
  const mod = usePsqlModule();
  return mod ? <mod.PsqlTab id={id} /> : <p class="empty-state">Loading the PSQL tool…</p>;
}
