// Two-factor sign-in (TOTP): the second step of a login, the signed-in user's enrolment, and an
// administrator's require / reset.
import { request } from './client';
import type { SessionInfo } from './auth';
import type { ManagedUser, SecondStep } from './types';

/** What a login answers when the password was right and a code must follow (no session yet). */
export type { SecondStep } from './types';

export function isSecondStep(r: SessionInfo | SecondStep): r is SecondStep {
  return (r as SecondStep).second_step !== undefined;
}

export function secondStep(pendingToken: string, code: string): Promise<SessionInfo> {
  return request<SessionInfo>('POST', 'auth/login/two-factor', { body: { pending_token: pendingToken, code }, redirectOn401: false });
}

export interface TwoFactorStatus {
  available: boolean;
  enabled: boolean;
  required: boolean;
  setup_required: boolean;
  recovery_codes_left: number;
}

export function fetchTwoFactor(): Promise<TwoFactorStatus> {
  return request<TwoFactorStatus>('GET', 'auth/two-factor');
}

export interface TwoFactorSetup {
  secret: string;
  otpauth_uri: string;
  setup_token: string;
  qr_svg: string | null;
  expires_in: number;
}

export function beginTwoFactor(): Promise<TwoFactorSetup> {
  return request<TwoFactorSetup>('POST', 'auth/two-factor/setup', { body: {} });
}

/** What proves the holder of a session holds the current second factor too (replacing or turning
 * it off): a code of the current authenticator or a recovery code, or the password (internal users). */
export type TwoFactorProof = { current_code: string } | { password: string } | Record<string, never>;

export function confirmTwoFactor(setupToken: string, code: string, proof: TwoFactorProof = {}): Promise<{ recovery_codes: string[] }> {
  return request<{ recovery_codes: string[] }>('POST', 'auth/two-factor/confirm', {
    body: { setup_token: setupToken, code, ...proof },
    redirectOn401: false,
  });
}

export function disableTwoFactor(proof: { code: string } | { password: string }): Promise<void> {
  return request<void>('DELETE', 'auth/two-factor', { body: proof, redirectOn401: false });
}

export function requireTwoFactor(userId: number, required: boolean): Promise<ManagedUser> {
  return request<{ user: ManagedUser }>('PUT', `users/${userId}/two-factor`, { body: { required } }).then((r) => r.user);
}

export function resetTwoFactor(userId: number): Promise<ManagedUser> {
  return request<{ user: ManagedUser }>('DELETE', `users/${userId}/two-factor`).then((r) => r.user);
}
