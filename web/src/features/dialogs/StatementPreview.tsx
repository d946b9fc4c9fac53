// A statement the server writes first (nothing runs) and runs on
// confirmation: Drop…, Vacuum, Truncate and the like. The hook keeps the
// preview, the run's failure and busy state; the component shows the SQL (or
// why there is none) and PostgreSQL's refusal in place.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { failureOf, type DdlAnnotation, type Failure } from '../../api/ddl';
import { useSubmit } from '../../components/FormDialog';
import { HighlightedSqlText } from '../../components/HighlightedSql';
import { Costs } from './Costs';
import { FailureBox } from './DdlFrame';

type Preview = { status: 'loading' } | { status: 'ready'; sql: string; annotations: DdlAnnotation[] } | { status: 'failed'; failure: Failure };

export interface PreviewedStatement {
  preview: Preview;
  failure: Failure | null;
  busy: boolean;
  /** Runs the statement; ON_DONE follows a success, a failure stays in place. */
  submit: (onDone: () => void) => Promise<void>;
}

/** RUN(true) answers the statement without running it; RUN(false) runs it. */
export function usePreviewedStatement(run: (preview: boolean) => Promise<{ sql: string; annotations?: DdlAnnotation[] }>): PreviewedStatement {
  const [preview, setPreview] = useState<Preview>({ status: 'loading' });
  const { busy, failure, run: submitting } = useSubmit(failureOf);

  useEffect(() => {
    let live = true;
    run(true).then(
      (answer) => live && setPreview({ status: 'ready', sql: answer.sql, annotations: answer.annotations ?? [] }),
      (err: unknown) => live && setPreview({ status: 'failed', failure: failureOf(err) }),
    );
    return () => {
      live = false;
    };
  }, []);

  const submit = async (onDone: () => void) => {
    if (preview.status !== 'ready') return;
    await submitting(async () => {
      await run(false);
      onDone();
    });
  };

  return { preview, failure, busy, submit };
}

export function StatementPreview({ state }: { state: PreviewedStatement }): JSX.Element {
  const { preview, failure } = state;
  return (
    <>
      {preview.status === 'loading' && (
        <p class="muted">
          <span class="spinner" aria-hidden="true" /> Preparing the statement…
        </p>
      )}
      {preview.status === 'ready' && (
        <>
          <pre class="statement-sql" aria-label="SQL to run">
            <HighlightedSqlText sql={preview.sql} />
          </pre>
          <Costs annotations={preview.annotations} />
        </>
      )}
      {preview.status === 'failed' && <FailureBox failure={preview.failure} />}
      {failure && <FailureBox failure={failure} />}
    </>
  );
}
