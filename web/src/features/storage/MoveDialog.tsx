// Move (or rename) a file or folder to any path in the storage area, chosen
// with the storage picker.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { FileEntry } from '../../api/files';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { FormError } from '../../components/Field';
import { errorMessage } from '../../lib/format';
import { StoragePicker } from './StoragePicker';

interface MoveDialogProps {
  entry: FileEntry;
  /** The entry's path in the area. */
  from: string;
  /** Does the move; a thrown error is shown in the dialog. */
  onMove: (to: string) => Promise<void>;
  onClose: () => void;
}

export function MoveDialog({ entry, from, onMove, onClose }: MoveDialogProps): JSX.Element {
  const [to, setTo] = useState(from);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async () => {
    const target = to.trim().replace(/\/+$/, '');
    if (busy) return;
    if (!target || target === from) {
      setError('Choose where to move it.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onMove(target);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  const footer = (
    <>
      <Button onClick={onClose}>Cancel</Button>
      <Button type="submit" variant="primary" busy={busy}>
        Move
      </Button>
    </>
  );
  return (
    <Dialog title={entry.type === 'dir' ? 'Move folder' : 'Move file'} size="medium" onClose={onClose} onSubmit={submit} footer={footer}>
      <p>
        Move <strong>{entry.name}</strong> to:
      </p>
      <StoragePicker
        id="storage-move-to"
        mode="save"
        value={to}
        onValue={(v) => {
          setTo(v);
          setError(null);
        }}
      />
      <FormError message={error} />
    </Dialog>
  );
}
