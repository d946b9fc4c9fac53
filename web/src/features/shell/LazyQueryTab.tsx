// The query tool is loaded on first use: its editor and grid are most of
// the app's code.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';

type QueryModule = typeof import('../query/QueryTab');

let loaded: QueryModule | null = null;

export function LazyQueryTab({ id }: { id: string }): JSX.Element {
  const [mod, setMod] = useState<QueryModule | null>(loaded);
  useEffect(() => {
    if (mod) return;
    void import('../query/QueryTab').then((m) => {
      loaded = m;
      setMod(m);
    });
  }, []);
  return mod ? <mod.QueryTabView id={id} /> : <p class="empty-state">Loading the query tool…</p>;
}
