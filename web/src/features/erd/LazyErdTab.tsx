// The schema diagram (its layout engine runs in a worker) loads on first use.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';

type ErdModule = typeof import('./ErdTab');

let loaded: ErdModule | null = null;

export function LazyErdTab({ id }: { id: string }): JSX.Element {
  const [mod, setMod] = useState<ErdModule | null>(loaded);
  useEffect(() => {
    if (mod) return;
    void import('./ErdTab').then((m) => {
      loaded = m;
      setMod(m);
    });
  }, []);
  return mod ? <mod.ErdTab id={id} /> : <p class="empty-state">Loading the schema diagram…</p>;
}
