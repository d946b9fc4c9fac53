// What every create and alter dialog shares: the form's tabs plus an SQL tab
// with the server's preview of the statement (asked again a moment after the
// form changes), Save that runs it, and the refusal shown in place:
// the spec's problem, or PostgreSQL's SQLSTATE, message, detail and hint
// with the position marked in the SQL tab.
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { failureOf, type DdlAnswer, type Failure } from '../../api/ddl';
import { HighlightedSqlText } from '../../components/HighlightedSql';
import { FormDialog, useSubmit } from '../../components/FormDialog';
import { PgErrorFields } from '../../components/PgErrorFields';
import { SectionTabs, type Section } from '../../components/SectionTabs';

const PREVIEW_DELAY_MS = 250;

type Preview = { status: 'loading'; sql: string | null } | { status: 'ready'; sql: string } | { status: 'failed'; failure: Failure };

/**
 * The server's statement for the form as it is now. KEY changes whenever the
 * form does; answers to older forms are dropped.
 */
function usePreview(key: string, ask: (preview: boolean) => Promise<DdlAnswer>, idle: boolean): Preview {
  const [preview, setPreview] = useState<Preview>({ status: 'loading', sql: null });
  const askRef = useRef(ask);
  askRef.current = ask;
  useEffect(() => {
    if (idle) return undefined;
    let live = true;
    setPreview((p) => ({ status: 'loading', sql: p.status === 'ready' ? p.sql : p.status === 'loading' ? p.sql : null }));
    const timer = window.setTimeout(() => {
      askRef.current(true).then(
        (answer) => live && setPreview({ status: 'ready', sql: answer.sql }),
        (err: unknown) => live && setPreview({ status: 'failed', failure: failureOf(err) }),
      );
    }, PREVIEW_DELAY_MS);
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [key, idle]);
  return preview;
}

/** SQL with the character at POSITION (from 1) and the rest of its word marked. */
function MarkedSql({ sql, position }: { sql: string; position?: number }): JSX.Element {
  if (!position || position > sql.length) return <>{sql}</>;
  const from = position - 1;
  const word = /^[\w$."]+/.exec(sql.slice(from))?.[0].length ?? 1;
  return (
    <>
      {sql.slice(0, from)}
      <mark class="ddl-sql-error" title="PostgreSQL stopped here">
        {sql.slice(from, from + word)}
      </mark>
      {sql.slice(from + word)}
    </>
  );
}

function SqlPanel({ preview, failure, idle }: { preview: Preview; failure: Failure | null; idle?: string }): JSX.Element {
  if (idle) {
    return (
      <p class="ddl-sql-note" role="status">
        {idle}
      </p>
    );
  }
  if (failure?.sql) {
    return (
      <pre class="ddl-sql" aria-label="SQL preview">
        <MarkedSql sql={failure.sql} position={failure.position} />
      </pre>
    );
  }
  if (preview.status === 'failed') {
    return (
      <p class={preview.failure.invalid ? 'ddl-sql-note' : 'ddl-sql-note is-error'} role="status">
        {preview.failure.invalid ? `Not complete yet: ${preview.failure.message}` : preview.failure.message}
      </p>
    );
  }
  if (preview.sql === null) {
    return (
      <p class="ddl-sql-note" role="status">
        <span class="spinner" aria-hidden="true" /> Asking the server for the statement…
      </p>
    );
  }
  return (
    <pre class={preview.status === 'loading' ? 'ddl-sql is-stale' : 'ddl-sql'} aria-label="SQL preview" aria-busy={preview.status === 'loading'}>
      <HighlightedSqlText sql={preview.sql} />
    </pre>
  );
}

export function FailureBox({ failure, onShowSql }: { failure: Failure; onShowSql?: () => void }): JSX.Element {
  if (failure.invalid) {
    return (
      <p class="form-error" role="alert">
        {failure.message}
      </p>
    );
  }
  return (
    <div class="pg-error ddl-error" role="alert">
      <div class="pg-error-head">
        {failure.sqlstate && <span class="pg-error-code">{failure.sqlstate}</span>}
        <strong>{failure.message}</strong>
        {failure.position && onShowSql && (
          <button type="button" class="link-btn ddl-error-where" onClick={onShowSql}>
            Show in SQL
          </button>
        )}
      </div>
      {(failure.detail || failure.hint) && (
        <PgErrorFields
          fields={[
            ['Detail', failure.detail],
            ['Hint', failure.hint],
          ]}
        />
      )}
    </div>
  );
}

interface DdlFrameProps {
  title: string;
  /** The form's own tabs; the SQL tab comes last. */
  sections: Section[];
  /** Identifies the form's current content: the preview is asked again when it changes. */
  formKey: string;
  /** Sends the form to the server, to preview or to run. */
  send: (preview: boolean) => Promise<DdlAnswer>;
  /** Called with what ran; the dialog closes. */
  onDone: (answer: DdlAnswer) => void;
  onClose: () => void;
  size?: 'medium' | 'large';
  saveLabel?: string;
  /** When set, there is nothing to send yet and this says why (shown instead of the SQL). */
  idle?: string;
}

export function DdlFrame(props: DdlFrameProps): JSX.Element {
  const { title, sections, formKey, send, onDone, onClose, size = 'medium', saveLabel = 'Save', idle } = props;
  const [tab, setTab] = useState(sections[0]!.id);
  const { busy, failure, setFailure, run } = useSubmit(failureOf);
  const preview = usePreview(formKey, send, Boolean(idle));

  // A change to the form makes the last refusal stale.
  const shownKey = useRef(formKey);
  useEffect(() => {
    if (shownKey.current !== formKey) setFailure(null);
    shownKey.current = formKey;
  }, [formKey]);

  const save = () =>
    run(
      async () => {
        const answer = await send(false);
        onClose();
        onDone(answer);
      },
      () => (idle ? { invalid: true, message: idle } : null),
    );

  const all: Section[] = [
    ...sections,
    { id: 'sql', title: 'SQL', invalid: Boolean(failure?.position), content: <SqlPanel preview={preview} failure={failure} idle={idle} /> },
  ];
  return (
    <FormDialog title={title} size={size} submitLabel={saveLabel} busy={busy} onSubmit={() => void save()} onClose={onClose}>
      <div class="ddl-dialog">
        <SectionTabs label={`${title} sections`} sections={all} active={tab} onActivate={setTab} />
        {failure && <FailureBox failure={failure} onShowSql={tab === 'sql' ? undefined : () => setTab('sql')} />}
      </div>
    </FormDialog>
  );
}
