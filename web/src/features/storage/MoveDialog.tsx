// Move (or rename) a file or folder to any path in the storage area, chosen
// with the storage picker.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { FileEntry } from '../../api/files';
import { FormDialog, useSubmit } from '../../components/FormDialog';
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
  const { busy, failure, setFailure, run } = useSubmit();
  const target = to.trim().replace(/\/+$/, '');

  return (
    <FormDialog
      title={entry.type === 'dir' ? 'Move folder' : 'Move file'}
      size="medium"
      submitLabel="Move"
      busy={busy}
      error={failure}
      onSubmit={() => void run(() => onMove(target), () => (!target || target === from ? 'Choose where to move it.' : null))}
      onClose={onClose}
    >
      <p>
        Move <strong>{entry.name}</strong> to:
      </p>
      <StoragePicker
        id="storage-move-to"
        mode="save"
        value={to}
        onValue={(v) => {
          setTo(v);
          setFailure(null);
        }}
      />
    </FormDialog>
  );
}
