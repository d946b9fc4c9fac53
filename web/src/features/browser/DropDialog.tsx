// Drop… and Drop Cascade…: asks the server for the exact statement first
// (nothing runs), shows it, and runs it on confirmation. PostgreSQL's
// refusal (a dependent object, say) stays in the dialog with its detail and
// hint; a refused plain drop offers the cascade.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../../api/client';
import { dropObject } from '../../api/objects';
import type { ObjectNode, Server } from '../../api/servers';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { errorMessage } from '../../lib/format';
import { qualifiedName } from '../../lib/objectPath';
import { objectDropped } from '../../state/servers';
import { showToast } from '../../state/toasts';
import { forgetObject, kindLabel } from './objectPanel';

interface DropDialogProps {
  server: Server;
  node: ObjectNode;
  cascade: boolean;
  onCascade: () => void;
  onClose: () => void;
}

interface Failure {
  message: string;
  sqlstate?: string;
  detail?: string;
  hint?: string;
}

type Preview = { status: 'loading' } | { status: 'ready'; sql: string } | { status: 'failed'; failure: Failure };

function failureOf(err: unknown): Failure {
  if (!(err instanceof ApiError)) return { message: errorMessage(err) };
  const text = (key: string) => {
    const v = err.details[key];
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  return { message: err.message, sqlstate: text('sqlstate'), detail: text('detail'), hint: text('hint') };
}

function FailureBox({ failure }: { failure: Failure }): JSX.Element {
  return (
    <div class="pg-error drop-error" role="alert">
      <div class="pg-error-head">
        {failure.sqlstate && <span class="pg-error-code">{failure.sqlstate}</span>}
        <strong>{failure.message}</strong>
      </div>
      {(failure.detail || failure.hint) && (
        <dl class="pg-error-fields">
          {failure.detail && (
            <>
              <dt>Detail</dt>
              <dd>{failure.detail}</dd>
            </>
          )}
          {failure.hint && (
            <>
              <dt>Hint</dt>
              <dd>{failure.hint}</dd>
            </>
          )}
        </dl>
      )}
    </div>
  );
}

export function DropDialog({ server, node, cascade, onCascade, onClose }: DropDialogProps): JSX.Element {
  const [preview, setPreview] = useState<Preview>({ status: 'loading' });
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);
  const kind = kindLabel(node);
  const name = qualifiedName(node.path);

  useEffect(() => {
    let live = true;
    dropObject(server.id, node.path, cascade, true).then(
      (answer) => live && setPreview({ status: 'ready', sql: answer.sql }),
      (err: unknown) => live && setPreview({ status: 'failed', failure: failureOf(err) }),
    );
    return () => {
      live = false;
    };
  }, []);

  const submit = async () => {
    if (busy || preview.status !== 'ready') return;
    setBusy(true);
    setFailure(null);
    try {
      await dropObject(server.id, node.path, cascade, false);
      onClose();
      forgetObject(server.id, node.path);
      objectDropped(server.id, node.path, cascade);
      showToast(`Dropped ${kind} ${name}${cascade ? ' and the objects that depended on it' : ''}.`);
    } catch (err) {
      setFailure(failureOf(err));
      setBusy(false);
    }
  };

  const dependents = failure?.sqlstate === '2BP01' && !cascade;
  const footer = (
    <>
      <Button onClick={onClose} data-autofocus>
        Cancel
      </Button>
      {dependents && (
        <Button variant="danger" onClick={onCascade}>
          Drop Cascade…
        </Button>
      )}
      <Button type="submit" variant="danger" busy={busy} disabled={preview.status !== 'ready'}>
        {cascade ? 'Drop Cascade' : 'Drop'}
      </Button>
    </>
  );

  return (
    <Dialog title={`Drop ${kind}${cascade ? ' (cascade)' : ''}`} size="medium" onClose={onClose} onSubmit={() => void submit()} footer={footer}>
      <p>
        Drop the {kind} <strong>{name}</strong>
        {cascade ? ' and every object that depends on it' : ''}? This cannot be undone. Tusk will run:
      </p>
      {preview.status === 'loading' && (
        <p class="muted">
          <span class="spinner" aria-hidden="true" /> Preparing the statement…
        </p>
      )}
      {preview.status === 'ready' && (
        <pre class="drop-sql" aria-label="SQL to run">
          {preview.sql}
        </pre>
      )}
      {preview.status === 'failed' && <FailureBox failure={preview.failure} />}
      {failure && <FailureBox failure={failure} />}
    </Dialog>
  );
}
