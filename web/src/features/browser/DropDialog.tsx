// Drop…, Drop Cascade… and a database's Drop (Force)…: asks the server for
// the exact statement first (nothing runs), shows it, and runs it on
// confirmation. PostgreSQL's refusal (a dependent object, say) stays in the
// dialog with its detail and hint; a drop refused for dependents offers the
// cascade, a database that other sessions use offers the force.
import type { JSX } from 'preact';
import { dropObject } from '../../api/objects';
import type { ObjectNode, Server } from '../../api/servers';
import { Button } from '../../components/Button';
import { FormDialog } from '../../components/FormDialog';
import { nameSteps } from '../../lib/objectPath';
import { objectDropped } from '../../state/servers';
import { showToast } from '../../state/toasts';
import { StatementPreview, usePreviewedStatement } from '../dialogs/StatementPreview';
import { isRoleKind } from '../roles/state';
import { forgetObject, kindLabel } from './objectPanel';

interface DropDialogProps {
  server: Server;
  node: ObjectNode;
  cascade: boolean;
  /** A database's WITH (FORCE): its other sessions are ended. */
  force: boolean;
  onCascade: () => void;
  onForce: () => void;
  onClose: () => void;
}

export function DropDialog({ server, node, cascade, force, onCascade, onForce, onClose }: DropDialogProps): JSX.Element {
  const kind = kindLabel(node);
  // its own name, then where it is, each name whole: "a.b" in "x on y" is not a in b, or x on y
  const steps = nameSteps(node.path);
  const name = steps[steps.length - 1] ?? '';
  const within = steps.slice(0, -1).join(' › ');
  const statement = usePreviewedStatement((preview) => dropObject(server.id, node.path, cascade, preview, force));
  const { preview, failure, busy } = statement;

  const submit = () =>
    statement.submit(() => {
      onClose();
      forgetObject(server.id, node.path);
      objectDropped(server.id, node.path, cascade);
      showToast(`Dropped ${kind} ${name}${within ? ` in ${within}` : ''}${cascade ? ' and the objects that depended on it' : ''}.`);
    });

  const dependents = failure?.sqlstate === '2BP01' && !cascade && node.kind !== 'database';
  const inUse = failure?.sqlstate === '55006' && node.kind === 'database' && !force;
  const cascadeButton = dependents ? (
    <Button variant="danger" onClick={onCascade}>
      {isRoleKind(node.kind) ? 'Reassign or Drop Owned…' : 'Drop Cascade…'}
    </Button>
  ) : inUse ? (
    <Button variant="danger" onClick={onForce}>
      Drop (Force)…
    </Button>
  ) : null;

  return (
    <FormDialog
      title={`Drop ${kind}${cascade ? ' (cascade)' : force ? ' (force)' : ''}`}
      size="medium"
      submitLabel={cascade ? 'Drop Cascade' : force ? 'Drop (Force)' : 'Drop'}
      danger
      focus="cancel"
      buttons={cascadeButton}
      busy={busy}
      disabled={preview.status !== 'ready'}
      onSubmit={() => void submit()}
      onClose={onClose}
    >
      <p>
        Drop the {kind} <strong>{name}</strong>
        {within && (
          <>
            {' '}
            in <strong>{within}</strong>
          </>
        )}
        {cascade ? ' and every object that depends on it' : ''}
        {force ? ', ending every session connected to it' : ''}? This cannot be undone. Tusk will run:
      </p>
      <StatementPreview state={statement} />
    </FormDialog>
  );
}
