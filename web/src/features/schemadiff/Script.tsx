// The migration script of the objects chosen: each statement with the lock it
// takes, whether it rewrites, scans or builds, and the safer way where there is
// one; opened in a query tab on the target or downloaded.
import type { JSX } from 'preact';
import type { DiffScript } from '../../api/schemaDiff';
import { CostedStatement } from '../../components/StatementCost';

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
        <ol class="sd-stmts">{diff.statements.map((s, i) => <CostedStatement key={i} s={s} n={i + 1} />)}</ol>
      )}
    </section>
  );
}
