import { request } from './client';
import type { User } from './types';

export interface SessionInfo {
  user: User;
  csrf_token: string;
  /** The first-start password was shorter than Tusk accepts: it must change before anything else. */
  password_change_required?: boolean;
}

export function fetchMe(): Promise<SessionInfo> {
  return request<SessionInfo>('GET', 'auth/me', { redirectOn401: false });
}

export function login(email: string, password: string): Promise<SessionInfo> {
  return request<SessionInfo>('POST', 'auth/login', { body: { email, password }, redirectOn401: false });
}

export function logout(): Promise<void> {
  return request<void>('POST', 'auth/logout', { redirectOn401: false });
}

export function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  return request<void>('PUT', 'auth/password', {
    body: { current_password: currentPassword, new_password: newPassword },
  });
}

/** Desktop mode: the one-time key from the URL Tusk printed at start. */
export function desktopLogin(key: string): Promise<SessionInfo> {
  return request<SessionInfo>('POST', 'auth/desktop', { body: { key }, redirectOn401: false });
}
