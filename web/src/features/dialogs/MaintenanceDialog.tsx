// Vacuum, analyze, truncate, refresh: the server's statement first (nothing
// runs), then on confirmation the statement; PostgreSQL's refusal in place.
import type { JSX } from 'preact';
import { maintainObject, type MaintenanceAction } from '../../api/ddl';
import type { ObjectNode, Server } from '../../api/servers';
import { FormDialog } from '../../components/FormDialog';
import { qualifiedName } from '../../lib/objectPath';
import { reloadObjects } from '../../state/servers';
import { showToast } from '../../state/toasts';
import { kindLabel, refreshObjectAt } from '../browser/objectPanel';
import { StatementPreview, usePreviewedStatement } from './StatementPreview';

const MAINTENANCE_LABELS: Record<MaintenanceAction, string> = {
  vacuum: 'Vacuum',
  vacuum_full: 'Vacuum Full',
  vacuum_analyze: 'Vacuum Analyze',
  analyze: 'Analyze',
  truncate: 'Truncate',
  truncate_cascade: 'Truncate Cascade',
  refresh: 'Refresh Materialized View',
};

/** What each action does, in a line, for the confirmation. */
const WHAT: Record<MaintenanceAction, string> = {
  vacuum: 'reclaims the space of dead rows',
  vacuum_full: 'rewrites the table into a compact copy; it is locked exclusively meanwhile',
  vacuum_analyze: 'reclaims the space of dead rows and updates the planner statistics',
  analyze: 'updates the planner statistics',
  truncate: 'removes every row; this cannot be undone',
  truncate_cascade: 'removes every row, and those of the tables that reference it; this cannot be undone',
  refresh: 'runs its query again and replaces its rows',
};

const DESTRUCTIVE = new Set<MaintenanceAction>(['truncate', 'truncate_cascade']);

interface MaintenanceDialogProps {
  server: Server;
  node: ObjectNode;
  action: MaintenanceAction;
  onClose: () => void;
}

export function MaintenanceDialog({ server, node, action, onClose }: MaintenanceDialogProps): JSX.Element {
  const label = MAINTENANCE_LABELS[action];
  const name = qualifiedName(node.path);
  const statement = usePreviewedStatement((preview) => maintainObject(server.id, node.path, action, preview));
  const { preview, busy } = statement;

  const submit = () =>
    statement.submit(() => {
      onClose();
      showToast(`${label}: done on ${name}.`);
      refreshObjectAt(server.id, node.path);
      reloadObjects(server.id, node.path);
    });

  const destructive = DESTRUCTIVE.has(action);
  return (
    <FormDialog
      title={`${label} ${kindLabel(node)}`}
      size="medium"
      submitLabel={label}
      danger={destructive}
      focus={destructive ? 'cancel' : 'submit'}
      busy={busy}
      disabled={preview.status !== 'ready'}
      onSubmit={() => void submit()}
      onClose={onClose}
    >
      <p>
        {label} <strong>{name}</strong>: {WHAT[action]}. Tusk will run:
      </p>
      <StatementPreview state={statement} />
    </FormDialog>
  );
}
