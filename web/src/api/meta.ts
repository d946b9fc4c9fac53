import { request } from './client';

export interface VersionInfo {
  name: string;
  version: string;
}

export function fetchVersion(): Promise<VersionInfo> {
  return request<VersionInfo>('GET', 'version', { redirectOn401: false });
}
