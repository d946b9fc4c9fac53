// How the dialogs and menus name the kinds they create.
import type { CreateKind } from '../../api/ddl';

export const KIND_LABELS: Record<CreateKind, string> = {
  database: 'Database',
  schema: 'Schema',
  table: 'Table',
  view: 'View',
  materialized_view: 'Materialized View',
  sequence: 'Sequence',
  extension: 'Extension',
  column: 'Column',
  index: 'Index',
  function: 'Function',
  procedure: 'Procedure',
  trigger_function: 'Trigger Function',
  type: 'Type',
  domain: 'Domain',
  trigger: 'Trigger',
  policy: 'RLS Policy',
};
