// The migration script of the objects chosen: each statement with the lock it
// takes, whether it rewrites, scans or builds, and the safer way where there is
// one; opened in a query tab on the target or downloaded.
import type { JSX } from 'preact';
import type { DiffScript, DiffStatement } from '../../api/schemaDiff';
import { formatBytes } from '../../lib/format';

const EFFECTS: Record<DiffStatement['effect'], string> = { none: '', scan: 'scans the table', rewrite: 'rewrites the table', build: 'builds an index' };

function Statement({ s, n }: { s: DiffStatement; n: number }): JSX.Element {
  const cost = [s.lock ? `${s.lock} lock` : null, EFFECTS[s.effect] || null, s.table ? `${s.table.schema}.${s.table.name}, ${formatBytes(s.table.size)}` : null].filter(Boolean);
  return (
    <li class="sd-stmt" data-effect={s.effect}>
      <div class="sd-stmt-head">
        <span class="sd-stmt-n">{n}</span>
        {cost.length > 0 && <span class={`sd-cost${s.effect === 'rewrite' || s.lock === 'ACCESS EXCLUSIVE' ? ' sd-cost-heavy' : ''}`}>{cost.join(' · ')}</span>}
        {s.note && <span class="sd-note">{s.note}</span>}
      </div>
      {s.comment && <p class="sd-comment">{s.comment}</p>}
      <pre class="sd-sql">{s.sql}</pre>
      {s.safer && (
        <div class="sd-safer">
          <span>Safer:</span>
          <pre class="sd-sql">{s.safer}</pre>
        </div>
      )}
    </li>
  );
}

interface ScriptProps {
  diff: DiffScript;
  busy: boolean;
  onOpen: () => void;
  onDownload: () => void;
}

export function Script({ diff, busy, onOpen, onDownload }: ScriptProps): JSX.Element {
  const empty = diff.statements.length === 0;
  return (
    <section class="sd-script" aria-label="Migration script" aria-busy={busy}>
      <header class="sd-bar">
        <strong>Script</strong>
        <span class="sd-muted">{busy ? 'Writing the script…' : `${diff.statements.length} statement${diff.statements.length === 1 ? '' : 's'}`}</span>
        <span class="sd-grow" />
        <button type="button" class="btn" disabled={empty || busy} onClick={onOpen}>Open in Query Tool</button>
        <button type="button" class="btn" disabled={empty || busy} onClick={onDownload}>Download .sql</button>
      </header>
      {diff.warnings.length > 0 && (
        <ul class="sd-warnings" role="note">
          {diff.warnings.map((w) => <li key={w}>{w}</li>)}
        </ul>
      )}
      {empty ? <p class="empty-state">Nothing to change for the objects chosen.</p> : (
        <ol class="sd-stmts">{diff.statements.map((s, i) => <Statement key={i} s={s} n={i + 1} />)}</ol>
      )}
    </section>
  );
}
