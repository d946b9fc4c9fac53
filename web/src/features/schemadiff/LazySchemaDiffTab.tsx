// Schema Diff (with CodeMirror's merge view) loads on first use.
import type { JSX } from 'preact';
import { lazyModule } from '../../lib/lazyModule';

const useDiffModule = lazyModule(() => import('./SchemaDiffTab'));

export function LazySchemaDiffTab({ id }: { id: string }): JSX.Element {
  const mod = useDiffModule();
  return mod ? <mod.SchemaDiffTab id={id} /> : <p class="empty-state">Loading Schema Diff…</p>;
}
