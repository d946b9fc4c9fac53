// What the object panels show of one object of a connected server: its
// properties, DDL, statistics and dependencies, and dropping it.
import { request, requestText } from './client';

export interface NamedValue {
  name: string;
  value: string | null;
}

export interface Dependency {
  object: string;
  type: string;
}

export interface Dependencies {
  dependencies: Dependency[];
  dependents: Dependency[];
}

export interface DropAnswer {
  sql: string;
  done: boolean;
}

export async function objectProperties(serverId: number, path: string): Promise<NamedValue[]> {
  return (await request<{ properties: NamedValue[] }>('GET', `servers/${serverId}/objects/properties`, { query: { path } })).properties;
}

export async function objectStatistics(serverId: number, path: string): Promise<NamedValue[]> {
  return (await request<{ statistics: NamedValue[] }>('GET', `servers/${serverId}/objects/statistics`, { query: { path } })).statistics;
}

export function objectDdl(serverId: number, path: string): Promise<string> {
  return requestText(`servers/${serverId}/objects/ddl`, { query: { path } });
}

export function objectDependencies(serverId: number, path: string): Promise<Dependencies> {
  return request<Dependencies>('GET', `servers/${serverId}/objects/dependencies`, { query: { path } });
}

/** The DROP statement for PATH; it runs only when PREVIEW is false. */
export function dropObject(serverId: number, path: string, cascade: boolean, preview: boolean): Promise<DropAnswer> {
  return request<DropAnswer>('POST', `servers/${serverId}/objects/drop`, { body: { path, cascade, preview } });
}
