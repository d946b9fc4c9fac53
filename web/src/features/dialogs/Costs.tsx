// What each statement of a previewed change costs on the server, under its
// SQL: the lock on its table, whether it rewrites, scans or builds, the
// table's live size, and the safer way, with a one-click switch to it where
// the form can build it (docs/api.md, "annotations"). The statements that
// lock no existing table and have no safer way are not listed.
import type { JSX } from 'preact';
import type { DdlAnnotation } from '../../api/ddl';
import { Button } from '../../components/Button';
import { CostedStatement } from '../../components/StatementCost';

/** The switch to a statement's safer form, where the form can build it (null: it cannot). */
export type SaferOf = (a: DdlAnnotation) => (() => void) | null;

const SWITCH_LABELS: Record<string, string> = {
  concurrently: 'Use CONCURRENTLY',
  validate_later: 'Use NOT VALID, then VALIDATE',
  lock_timeout: 'Add lock_timeout',
};

export interface CostsProps {
  annotations: DdlAnnotation[];
  /** Whether the lock_timeout preamble is asked for; absent where the preview cannot add it. */
  lockTimeout?: boolean;
  onLockTimeout?: (on: boolean) => void;
  safer?: SaferOf;
}

/** The statements that lock an existing table or have a safer way, each with its cost; the rest are not listed. */
export function Costs({ annotations, lockTimeout, onLockTimeout, safer }: CostsProps): JSX.Element | null {
  const costly = annotations.map((a, i) => ({ a, n: i + 1 })).filter(({ a }) => a.lock || a.safer);
  const offersTimeout = Boolean(onLockTimeout) && annotations.some((a) => a.switch === 'lock_timeout');
  if (costly.length === 0 && !lockTimeout) return null;
  const action = (a: DdlAnnotation) => {
    if (!a.switch) return null;
    const go = a.switch === 'lock_timeout' ? onLockTimeout && (() => onLockTimeout(true)) : safer?.(a);
    if (!go) return null;
    return (
      <Button small onClick={go}>
        {SWITCH_LABELS[a.switch]}
      </Button>
    );
  };
  return (
    <section aria-label="What each statement costs">
      <div class="stmt-costs-bar">
        <strong>Cost on the server</strong>
        {lockTimeout && (
          <span>
            lock_timeout is set: a statement that waits longer for its lock fails instead of queueing the table’s queries behind it.{' '}
            <button type="button" class="link-btn" onClick={() => onLockTimeout?.(false)}>
              Remove
            </button>
          </span>
        )}
        {!lockTimeout && offersTimeout && <span>Each lock is waited for as long as it takes.</span>}
      </div>
      <ol class="stmt-costs">
        {costly.map(({ a, n }) => (
          <CostedStatement key={n} s={a} n={n} compact action={action(a)} tag={a.alone ? <span class="stmt-cost-tag">after COMMIT, on its own</span> : undefined} />
        ))}
      </ol>
    </section>
  );
}
