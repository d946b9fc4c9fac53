// The Tusk server itself: its version, and a light heartbeat so the status
// bar notices when the server goes away or comes back.
import { effect, signal } from '@preact/signals';
import { serverReachable } from '../api/client';
import { fetchVersion } from '../api/meta';

const HEARTBEAT_MS = 30_000;

export const serverVersion = signal<string | null>(null);

async function refreshVersion(): Promise<void> {
  try {
    serverVersion.value = (await fetchVersion()).version;
  } catch {
    // The client has already marked the server unreachable; the next beat retries.
  }
}

export function startHeartbeat(): void {
  // Asks at once, and again whenever the server comes back while the version is unknown.
  effect(() => {
    if (serverReachable.value && serverVersion.value === null) void refreshVersion();
  });
  window.setInterval(refreshVersion, HEARTBEAT_MS);
  window.addEventListener('online', refreshVersion);
}
