// The create/alter/maintenance/search dialog in front, if any.
import type { JSX } from 'preact';
import '../../styles/dialogs-ddl.css';
import { AlterDialog } from './AlterDialog';
import { CreateDialog } from './CreateDialog';
import { MaintenanceDialog } from './MaintenanceDialog';
import { SearchDialog } from './SearchDialog';
import { closeDdlDialog, ddlDialog } from './state';

export function DdlDialogs(): JSX.Element | null {
  const d = ddlDialog.value;
  switch (d?.dialog) {
    case 'create':
      return <CreateDialog key={`${d.server.id}:${d.owner}:${d.kind}`} target={d} onClose={closeDdlDialog} />;
    case 'alter':
      return <AlterDialog key={`${d.server.id}:${d.node.path}`} server={d.server} node={d.node} onClose={closeDdlDialog} />;
    case 'maintenance':
      return <MaintenanceDialog key={`${d.server.id}:${d.node.path}:${d.action}`} server={d.server} node={d.node} action={d.action} onClose={closeDdlDialog} />;
    case 'search':
      return <SearchDialog key={`${d.server.id}:${d.database}`} server={d.server} database={d.database} onClose={closeDdlDialog} />;
    default:
      return null;
  }
}
