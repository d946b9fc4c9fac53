// SQL shown read-only in a <pre>, coloured as the editor colours it once the
// grammar has loaded (plain text until then: the text is the same either way).
import type { JSX } from 'preact';
import { useMemo } from 'preact/hooks';
import { lazyModule } from '../lib/lazyModule';

const useTokens = lazyModule(() => import('./sqlTokens'));

/** The SQL's pieces in spans of their token class; nothing else inside the element. */
export function HighlightedSqlText({ sql }: { sql: string }): JSX.Element {
  const mod = useTokens();
  const tokens = useMemo(() => (mod ? mod.sqlTokens(sql) : null), [mod, sql]);
  if (!tokens) return <>{sql}</>;
  return (
    <>
      {tokens.map((t, i) =>
        t.cls ? (
          <span key={i} class={t.cls}>
            {t.text}
          </span>
        ) : (
          t.text
        ),
      )}
    </>
  );
}
