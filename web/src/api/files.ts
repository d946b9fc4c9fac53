// The user's storage area (/api/v1/files): paths are relative to it, "" is
// the area itself, "/" separates folders.
import { apiUrl, request, uploadBody } from './client';

export interface FileEntry {
  name: string;
  type: 'file' | 'dir';
  size: number;
  mtime: string | null;
}

export interface FolderListing {
  path: string;
  entries: FileEntry[];
  /** More than 10,000 entries: only some are listed. */
  truncated: boolean;
  usage_bytes: number;
  /** 0 when unlimited. */
  quota_bytes: number;
}

export function listFolder(path: string): Promise<FolderListing> {
  return request<FolderListing>('GET', 'files', { query: { path } });
}

export function createFolder(path: string): Promise<{ path: string }> {
  return request('POST', 'files/folders', { body: { path } });
}

/** Renames or moves; never replaces (409 exists). */
export function moveFile(from: string, to: string): Promise<{ path: string }> {
  return request('POST', 'files/move', { body: { from, to } });
}

/** Deletes a file, or a folder with everything in it. */
export function deleteFile(path: string): Promise<void> {
  return request('DELETE', 'files', { query: { path, recursive: 'true' } });
}

export function downloadUrl(path: string): string {
  const url = new URL(apiUrl('files/download'));
  url.searchParams.set('path', path);
  return url.toString();
}

export interface UploadProgress {
  onProgress?: (sent: number, total: number) => void;
  signal?: AbortSignal;
  overwrite?: boolean;
}

export function uploadFile(path: string, file: Blob, options: UploadProgress = {}): Promise<{ path: string; size: number }> {
  const { overwrite, ...rest } = options;
  return uploadBody('files/upload', file, { ...rest, query: { path, overwrite: overwrite ? 'true' : undefined } });
}

export function joinPath(folder: string, name: string): string {
  return folder ? `${folder}/${name}` : name;
}

export function parentPath(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
