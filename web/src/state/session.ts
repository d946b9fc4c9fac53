// Who is logged in. The app shows the login screen, the shell, or a
// "server unreachable" message from this one signal.
import { computed, signal } from '@preact/signals';
import { ApiError, setCsrfToken, setUnauthorizedHandler } from '../api/client';
import { fetchMe, logout, type SessionInfo } from '../api/auth';
import type { User } from '../api/types';
import { resetWorkspace } from './workspace';

export type Session =
  | { phase: 'loading' }
  | { phase: 'offline'; message: string }
  | { phase: 'anonymous'; notice?: string }
  | { phase: 'authenticated'; user: User };

export const session = signal<Session>({ phase: 'loading' });

export const currentUser = computed<User | null>(() =>
  session.value.phase === 'authenticated' ? session.value.user : null,
);

export const isAdmin = computed(() => currentUser.value?.role === 'admin');

function becomeAnonymous(notice?: string): void {
  setCsrfToken('');
  resetWorkspace();
  session.value = notice ? { phase: 'anonymous', notice } : { phase: 'anonymous' };
}

export function signIn(info: SessionInfo): void {
  setCsrfToken(info.csrf_token);
  resetWorkspace();
  session.value = { phase: 'authenticated', user: info.user };
}

/** Asks the server who we are; used at start and by "Retry". */
export async function restoreSession(): Promise<void> {
  try {
    signIn(await fetchMe());
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      becomeAnonymous();
    } else {
      session.value = { phase: 'offline', message: err instanceof Error ? err.message : String(err) };
    }
  }
}

export async function signOut(): Promise<void> {
  try {
    await logout();
  } finally {
    becomeAnonymous();
  }
}

setUnauthorizedHandler(() => {
  if (session.value.phase === 'authenticated') {
    becomeAnonymous('Your session has ended. Please log in again.');
  }
});
