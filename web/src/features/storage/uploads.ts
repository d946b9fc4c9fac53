// Uploads in flight, kept outside the tab so they go on (and are shown
// again) when the Storage tab closes and reopens. A new user starts clean:
// the previous user's uploads are cancelled.
import { signal } from '@preact/signals';
import { ApiError } from '../../api/client';
import { joinPath, uploadFile } from '../../api/files';
import { errorMessage } from '../../lib/format';
import { onWorkspaceReset } from '../../state/workspace';

export interface Upload {
  id: number;
  /** The target path in the storage area. */
  path: string;
  name: string;
  size: number;
  sent: number;
  state: 'sending' | 'done' | 'failed';
  error?: string;
  cancel: () => void;
}

export const uploads = signal<Upload[]>([]);
/** Counts finished uploads; the file manager refreshes when it changes. */
export const uploadsFinished = signal(0);

let nextId = 1;
/** How long a finished upload stays in the list. */
const DONE_MS = 4000;

function update(id: number, changes: Partial<Upload>): void {
  uploads.value = uploads.value.map((u) => (u.id === id ? { ...u, ...changes } : u));
}

export function dismissUpload(id: number): void {
  uploads.value = uploads.value.filter((u) => u.id !== id);
}

/** Sends FILE into FOLDER; OVERWRITE replaces a file of the same name. */
export function startUpload(folder: string, file: File, overwrite: boolean): void {
  const id = nextId++;
  const controller = new AbortController();
  const path = joinPath(folder, file.name);
  const entry: Upload = { id, path, name: file.name, size: file.size, sent: 0, state: 'sending', cancel: () => controller.abort() };
  uploads.value = [...uploads.value, entry];
  uploadFile(path, file, {
    overwrite,
    signal: controller.signal,
    onProgress: (sent) => update(id, { sent }),
  }).then(
    () => {
      update(id, { state: 'done', sent: file.size });
      uploadsFinished.value++;
      window.setTimeout(() => dismissUpload(id), DONE_MS);
    },
    (err: unknown) => {
      if (err instanceof ApiError && err.code === 'aborted') dismissUpload(id);
      else update(id, { state: 'failed', error: errorMessage(err) });
      uploadsFinished.value++;
    },
  );
}

onWorkspaceReset(() => {
  uploads.value.forEach((u) => u.state === 'sending' && u.cancel());
  uploads.value = [];
});
