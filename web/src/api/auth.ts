import { request } from './client';
import type { AuthSource, SecondStep, User } from './types';

export interface SessionInfo {
  user: User;
  csrf_token: string;
  /** The first-start password was shorter than Tusk accepts: it must change before anything else. */
  password_change_required?: boolean;
  /** Two-factor is required and not enrolled: enrolment comes before anything else. */
  two_factor_setup_required?: boolean;
}

export function fetchMe(): Promise<SessionInfo> {
  return request<SessionInfo>('GET', 'auth/me', { redirectOn401: false });
}

/** A session, or (two-factor enrolled) the pending second step: see api/twofactor.ts. */
export function login(email: string, password: string): Promise<SessionInfo | SecondStep> {
  return request<SessionInfo | SecondStep>('POST', 'auth/login', { body: { email, password }, redirectOn401: false });
}

/** What a logout says: behind the webserver source, that the proxy signs the user in again. */
export interface LogoutInfo {
  webserver?: boolean;
  message?: string;
}

export function logout(): Promise<LogoutInfo | undefined> {
  return request<LogoutInfo | undefined>('POST', 'auth/logout', { redirectOn401: false });
}

/** An identity provider of the oauth2 source: one button on the login page. */
export interface OAuth2Provider {
  name: string;
  display_name: string;
  icon: string;
  button_color: string;
}

export interface Sources {
  sources: AuthSource[];
  oauth2_providers?: OAuth2Provider[];
}

/** The sign-in sources in their order (public: the login page asks before anyone signs in). */
export function fetchSources(): Promise<Sources> {
  return request<Sources>('GET', 'auth/sources', { redirectOn401: false });
}

/** Why this browser's last oauth2 sign-in was refused ("" when there is nothing to tell). */
export function fetchOAuth2Error(): Promise<{ message: string }> {
  return request<{ message: string }>('GET', 'auth/oauth2/error', { redirectOn401: false });
}

/** The webserver source: the proxy in front names the user; Tusk makes a session of it. */
export function webserverLogin(): Promise<SessionInfo> {
  return request<SessionInfo>('POST', 'auth/webserver', { body: {}, redirectOn401: false });
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
