// The file manager's small dialogs: a name (new folder, rename), a delete
// to confirm, uploads that would replace files.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { FileEntry } from '../../api/files';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { FormError, TextField } from '../../components/Field';
import { errorMessage } from '../../lib/format';

/** Why NAME cannot name a file or folder, or null when it can. */
export function nameProblem(name: string): string | null {
  if (!name.trim()) return 'Enter a name.';
  if (name.includes('/')) return 'A name cannot contain “/”.';
  if (name === '.' || name === '..') return 'Choose another name.';
  return null;
}

interface NameDialogProps {
  title: string;
  label: string;
  initial: string;
  submitLabel: string;
  /** Does the work; a thrown error is shown in the dialog. */
  onSubmit: (name: string) => Promise<void>;
  onClose: () => void;
}

export function NameDialog({ title, label, initial, submitLabel, onSubmit, onClose }: NameDialogProps): JSX.Element {
  const [name, setName] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [touched, setTouched] = useState(false);
  const problem = nameProblem(name);

  const submit = async () => {
    setTouched(true);
    if (busy || problem) return;
    setBusy(true);
    setError(null);
    try {
      await onSubmit(name);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  const footer = (
    <>
      <Button onClick={onClose}>Cancel</Button>
      <Button type="submit" variant="primary" busy={busy}>
        {submitLabel}
      </Button>
    </>
  );
  return (
    <Dialog title={title} size="small" onClose={onClose} onSubmit={submit} footer={footer}>
      <TextField
        id="storage-name"
        label={label}
        value={name}
        onValue={(v) => {
          setName(v);
          setError(null);
        }}
        required
        error={touched ? problem : null}
      />
      <FormError message={error} />
    </Dialog>
  );
}

interface DeleteDialogProps {
  entry: FileEntry;
  onDelete: () => Promise<void>;
  onClose: () => void;
}

export function DeleteDialog({ entry, onDelete, onClose }: DeleteDialogProps): JSX.Element {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const folder = entry.type === 'dir';

  const submit = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await onDelete();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  const footer = (
    <>
      <Button onClick={onClose} data-autofocus>
        Cancel
      </Button>
      <Button type="submit" variant="danger" busy={busy}>
        {folder ? 'Delete folder' : 'Delete file'}
      </Button>
    </>
  );
  return (
    <Dialog title={folder ? 'Delete folder' : 'Delete file'} size="small" onClose={onClose} onSubmit={submit} footer={footer}>
      <p>
        {folder ? (
          <>
            Delete the folder <strong>{entry.name}</strong> and everything in it? This cannot be undone.
          </>
        ) : (
          <>
            Delete <strong>{entry.name}</strong>? This cannot be undone.
          </>
        )}
      </p>
      <FormError message={error} />
    </Dialog>
  );
}

interface ReplaceDialogProps {
  names: string[];
  onReplace: () => void;
  onClose: () => void;
}

export function ReplaceDialog({ names, onReplace, onClose }: ReplaceDialogProps): JSX.Element {
  const footer = (
    <>
      <Button onClick={onClose} data-autofocus>
        Cancel
      </Button>
      <Button type="submit" variant="danger">
        Replace
      </Button>
    </>
  );
  return (
    <Dialog title="Replace files" size="small" onClose={onClose} onSubmit={onReplace} footer={footer}>
      <p>{names.length === 1 ? 'This file already exists here:' : 'These files already exist here:'}</p>
      <ul class="storage-names">
        {names.map((n) => (
          <li key={n}>
            <strong>{n}</strong>
          </li>
        ))}
      </ul>
      <p>Replace {names.length === 1 ? 'it' : 'them'} with the uploaded {names.length === 1 ? 'file' : 'files'}?</p>
    </Dialog>
  );
}
