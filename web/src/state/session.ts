// Who is logged in. The app shows the login screen, the shell, or a
// "server unreachable" message from this one signal.
import { computed, signal } from '@preact/signals';
import { ApiError, setCsrfToken, setUnauthorizedHandler } from '../api/client';
import { desktopLogin, fetchMe, logout, type SessionInfo } from '../api/auth';
import type { User } from '../api/types';
import { resetExplorer, setTreeOwner } from './servers';
import { clearToasts } from './toasts';
import { resetWorkspace } from './workspace';

export type Session =
  | { phase: 'loading' }
  | { phase: 'offline'; message: string }
  | { phase: 'anonymous'; notice?: string }
  | { phase: 'authenticated'; user: User; passwordChangeRequired?: boolean; twoFactorSetupRequired?: boolean };

export const session = signal<Session>({ phase: 'loading' });

export const currentUser = computed<User | null>(() =>
  session.value.phase === 'authenticated' ? session.value.user : null,
);

export const isAdmin = computed(() => currentUser.value?.role === 'admin');

function becomeAnonymous(notice?: string): void {
  setCsrfToken('');
  resetWorkspace();
  resetExplorer();
  setTreeOwner(null);
  clearToasts();
  session.value = notice ? { phase: 'anonymous', notice } : { phase: 'anonymous' };
}

export function signIn(info: SessionInfo): void {
  setCsrfToken(info.csrf_token);
  resetWorkspace();
  resetExplorer();
  setTreeOwner(String(info.user.id));
  session.value = {
    phase: 'authenticated',
    user: info.user,
    passwordChangeRequired: info.password_change_required === true,
    twoFactorSetupRequired: info.two_factor_setup_required === true,
  };
}

/** The required enrolment went through: the app opens. */
export function twoFactorEnrolled(): void {
  const s = session.value;
  if (s.phase === 'authenticated') session.value = { ...s, twoFactorSetupRequired: false };
}

/** The forced change went through: the app opens. */
export function passwordChanged(): void {
  const s = session.value;
  if (s.phase === 'authenticated') session.value = { ...s, passwordChangeRequired: false };
}

/**
 * Desktop mode prints a URL with a one-time key in its fragment (#key=...).
 * Take it out of the address bar at once so it is neither kept nor reused.
 */
function takeDesktopKey(): string | null {
  const key = new URLSearchParams(window.location.hash.slice(1)).get('key');
  if (key !== null) window.history.replaceState(null, '', window.location.pathname + window.location.search);
  return key;
}

const isUnauthorized = (err: unknown): err is ApiError => err instanceof ApiError && err.status === 401;

/** Signs in with a desktop key; a used key still leaves an existing session to find. */
async function identify(key: string | null): Promise<SessionInfo> {
  if (key === null) return fetchMe();
  try {
    return await desktopLogin(key);
  } catch (err) {
    if (!isUnauthorized(err)) throw err;
    return fetchMe().catch((meErr: unknown) => {
      throw isUnauthorized(meErr) ? err : meErr;
    });
  }
}

/** Asks the server who we are; used at start and by "Retry". */
export async function restoreSession(): Promise<void> {
  const key = takeDesktopKey();
  try {
    signIn(await identify(key));
  } catch (err) {
    if (isUnauthorized(err)) {
      becomeAnonymous(err.code === 'unauthenticated' ? undefined : err.message);
    } else {
      session.value = { phase: 'offline', message: err instanceof Error ? err.message : String(err) };
    }
  }
}

export async function signOut(): Promise<void> {
  let notice: string | undefined;
  try {
    notice = (await logout())?.message;
  } finally {
    becomeAnonymous(notice);
  }
}

setUnauthorizedHandler(() => {
  if (session.value.phase === 'authenticated') {
    becomeAnonymous('Your session has ended. Please log in again.');
  }
});
