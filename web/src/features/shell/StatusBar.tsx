import type { JSX } from 'preact';
import { serverReachable } from '../../api/client';
import { serverVersion } from '../../state/server';
import { currentUser } from '../../state/session';
import { Icon } from '../../components/Icon';
import { openJobsTab, runningCount } from '../jobs/state';

export function StatusBar(): JSX.Element {
  const user = currentUser.value;
  const online = serverReachable.value;
  return (
    <footer class="status-bar" aria-label="Status bar">
      <span class={online ? 'status-conn is-online' : 'status-conn is-offline'}>
        <span class="status-dot" aria-hidden="true" />
        {online ? 'Connected' : 'Server unreachable'}
      </span>
      <span class="status-sep" aria-hidden="true" />
      <span class="status-user">{user?.email}</span>
      <span class="status-role">{user?.role === 'admin' ? 'Administrator' : 'User'}</span>
      <span class="status-fill" />
      <button type="button" class={runningCount.value ? 'status-jobs is-busy' : 'status-jobs'} onClick={() => openJobsTab()} title="Backups, restores and other jobs (Jobs tab)">
        {runningCount.value ? <span class="spinner" aria-hidden="true" /> : <Icon name="clock" size={12} />}
        {runningCount.value ? `${runningCount.value} ${runningCount.value === 1 ? 'job' : 'jobs'} running` : 'Jobs'}
      </button>
      <span class="status-sep" aria-hidden="true" />
      <span class="status-version">Tusk {serverVersion.value ?? '…'}</span>
    </footer>
  );
}
