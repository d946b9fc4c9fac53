// Code loaded on first use (the query tool, the dashboard, the schema
// diagram, CodeMirror): esbuild puts each dynamic import in a chunk of its own.
import { useEffect, useState } from 'preact/hooks';

/**
 * A hook that answers the module LOAD gives, null until it has arrived. The first
 * component to use it loads it; the module is kept, so later ones have it at once.
 */
export function lazyModule<M>(load: () => Promise<M>): () => M | null {
  let loaded: M | null = null;
  return function useModule(): M | null {
    const [mod, setMod] = useState<M | null>(loaded);
    useEffect(() => {
      if (mod) return;
      void load().then((m) => {
        loaded = m;
        setMod(m);
      });
    }, []);
    return mod;
  };
}
