// One folder of the storage area, loaded and kept fresh: what the file
// manager and the picker browse.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../../api/client';
import { listFolder, type FolderListing } from '../../api/files';
import { errorMessage } from '../../lib/format';

export interface Folder {
  path: string;
  listing: FolderListing | null;
  error: string | null;
  loading: boolean;
  open: (path: string) => void;
  refresh: () => Promise<void>;
}

/** Starts at START; a START that is gone falls back to the area itself. */
export function useFolder(start: string): Folder {
  const [path, setPath] = useState(start);
  const [listing, setListing] = useState<FolderListing | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const latest = useRef(0);

  const load = useCallback(async (target: string) => {
    const call = ++latest.current;
    setLoading(true);
    try {
      const result = await listFolder(target);
      if (call !== latest.current) return;
      setListing(result);
      setError(null);
    } catch (err) {
      if (call !== latest.current) return;
      if (target !== '' && err instanceof ApiError && err.status === 404 && target === start) {
        setPath('');
        return;
      }
      setError(errorMessage(err));
    } finally {
      if (call === latest.current) setLoading(false);
    }
  }, [start]);

  useEffect(() => {
    void load(path);
  }, [path, load]);

  return { path, listing, error, loading, open: setPath, refresh: () => load(path) };
}
