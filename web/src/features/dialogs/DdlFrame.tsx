// What every create and alter dialog shares: the form's tabs plus an SQL tab
// with the server's preview of the statement (asked again a moment after the
// form changes), Save that runs it, and the refusal shown in place:
// the spec's problem, or PostgreSQL's SQLSTATE, message, detail and hint
// with the position marked in the SQL tab. Under the SQL, what each
// statement costs on the server (the lock, a rewrite or scan, the table's
// size) and the safer way, with a switch to it where the form can build it.
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { failureOf, type DdlAnnotation, type DdlAnswer, type Failure } from '../../api/ddl';
import { HighlightedSqlText } from '../../components/HighlightedSql';
import { FormDialog, useSubmit } from '../../components/FormDialog';
import { PgErrorFields } from '../../components/PgErrorFields';
import { SectionTabs, type Section } from '../../components/SectionTabs';
import { Costs, type CostsProps, type SaferOf } from './Costs';

const PREVIEW_DELAY_MS = 250;

type Preview =
  | { status: 'loading'; sql: string | null; annotations: DdlAnnotation[] }
  | { status: 'ready'; sql: string; annotations: DdlAnnotation[] }
  | { status: 'failed'; failure: Failure };

/** What the dialog adds to the form's spec or changes when it sends them: the lock_timeout preamble. */
export interface SendExtra {
  lock_timeout?: boolean;
}


/**
 * The server's statement for the form as it is now. KEY changes whenever the
 * form does; answers to older forms are dropped.
 */
function usePreview(key: string, ask: (preview: boolean) => Promise<DdlAnswer>, idle: boolean): Preview {
  const [preview, setPreview] = useState<Preview>({ status: 'loading', sql: null, annotations: [] });
  const askRef = useRef(ask);
  askRef.current = ask;
  useEffect(() => {
    if (idle) return undefined;
    let live = true;
    setPreview((p) => (p.status === 'failed' ? { status: 'loading', sql: null, annotations: [] } : { ...p, status: 'loading' }));
    const timer = window.setTimeout(() => {
      askRef.current(true).then(
        (answer) => live && setPreview({ status: 'ready', sql: answer.sql, annotations: answer.annotations ?? [] }),
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

function SqlPanel({ preview, failure, idle, costs }: { preview: Preview; failure: Failure | null; idle?: string; costs: Omit<CostsProps, 'annotations'> }): JSX.Element {
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
    <>
      <pre class={preview.status === 'loading' ? 'ddl-sql is-stale' : 'ddl-sql'} aria-label="SQL preview" aria-busy={preview.status === 'loading'}>
        <HighlightedSqlText sql={preview.sql} />
      </pre>
      <Costs annotations={preview.annotations} {...costs} />
    </>
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
  /** Sends the form to the server, to preview or to run, with what the dialog adds (EXTRA: the lock_timeout preamble). */
  send: (preview: boolean, extra: SendExtra) => Promise<DdlAnswer>;
  /** The switch to a statement's safer form where the form can build it (CONCURRENTLY, NOT VALID then VALIDATE). */
  safer?: SaferOf;
  /** Called with what ran; the dialog closes. */
  onDone: (answer: DdlAnswer) => void;
  onClose: () => void;
  size?: 'medium' | 'large';
  saveLabel?: string;
  /** When set, there is nothing to send yet and this says why (shown instead of the SQL). */
  idle?: string;
}

export function DdlFrame(props: DdlFrameProps): JSX.Element {
  const { title, sections, formKey, send: sendForm, safer, onDone, onClose, size = 'medium', saveLabel = 'Save', idle } = props;
  const [tab, setTab] = useState(sections[0]!.id);
  const [lockTimeout, setLockTimeout] = useState(false);
  const { busy, failure, setFailure, run } = useSubmit(failureOf);
  const send = (preview: boolean) => sendForm(preview, lockTimeout ? { lock_timeout: true } : {});
  const preview = usePreview(`${formKey}|${lockTimeout}`, send, Boolean(idle));

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
    { id: 'sql', title: 'SQL', invalid: Boolean(failure?.position), content: <SqlPanel preview={preview} failure={failure} idle={idle} costs={{ lockTimeout, onLockTimeout: setLockTimeout, safer }} /> },
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
