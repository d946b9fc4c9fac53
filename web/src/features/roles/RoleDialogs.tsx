// The role or Grant Wizard dialog in front, if any.
import type { JSX } from 'preact';
import { GrantWizard } from './GrantWizard';
import { DefaultPrivilegesDialog } from './DefaultPrivilegesDialog';
import { EffectiveDialog } from './EffectiveDialog';
import { MembershipGraph } from './MembershipGraph';
import { RoleDialog } from './RoleDialog';
import { RoleDropDialog } from './RoleDropDialog';
import { ReplicationDialog } from '../replication/ReplicationDialog';
import { closeRoleDialog, roleDialog } from './state';

export function RoleDialogs(): JSX.Element | null {
  const d = roleDialog.value;
  if (d?.dialog === 'role') return <RoleDialog key={`${d.server.id}:${d.role ?? ''}`} server={d.server} role={d.role} onClose={closeRoleDialog} />;
  if (d?.dialog === 'grant')
    return (
      <GrantWizard
        key={`${d.server.id}:${d.databasePath}:${d.schemaPath ?? ''}`}
        server={d.server}
        database={d.database}
        databasePath={d.databasePath}
        schema={d.schema}
        schemaPath={d.schemaPath}
        preselect={d.preselect}
        onClose={closeRoleDialog}
      />
    );
  if (d?.dialog === 'defaults') return <DefaultPrivilegesDialog key={`${d.server.id}:${d.database}:${d.schema ?? ''}`} server={d.server} database={d.database} schema={d.schema} onClose={closeRoleDialog} />;
  if (d?.dialog === 'drop') return <RoleDropDialog key={`${d.server.id}:${d.node.path}`} server={d.server} node={d.node} onClose={closeRoleDialog} />;
  if (d?.dialog === 'graph') return <MembershipGraph key={d.server.id} server={d.server} onClose={closeRoleDialog} />;
  if (d?.dialog === 'effective') return <EffectiveDialog key={`${d.server.id}:${d.path}`} server={d.server} path={d.path} label={d.label} onClose={closeRoleDialog} />;
  if (d?.dialog === 'replication') return <ReplicationDialog key={`${d.server.id}:${d.database}`} server={d.server} database={d.database} onClose={closeRoleDialog} />;
  return null;
}
