// The file manager's small dialogs: a name (new folder, rename), a delete
// to confirm, uploads that would replace files.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { FileEntry } from '../../api/files';
import { ConfirmDeleteDialog } from '../../components/ConfirmDeleteDialog';
import { TextField } from '../../components/Field';
import { FormDialog, useSubmit } from '../../components/FormDialog';

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
  const [touched, setTouched] = useState(false);
  const { busy, failure, setFailure, run } = useSubmit();
  const problem = nameProblem(name);

  const submit = () => {
    setTouched(true);
    if (!problem) void run(() => onSubmit(name));
  };

  return (
    <FormDialog title={title} submitLabel={submitLabel} busy={busy} error={failure} onSubmit={submit} onClose={onClose}>
      <TextField
        id="storage-name"
        label={label}
        value={name}
        onValue={(v) => {
          setName(v);
          setFailure(null);
        }}
        required
        error={touched ? problem : null}
      />
    </FormDialog>
  );
}

interface DeleteDialogProps {
  entry: FileEntry;
  onDelete: () => Promise<void>;
  onClose: () => void;
}

export function DeleteDialog({ entry, onDelete, onClose }: DeleteDialogProps): JSX.Element {
  const folder = entry.type === 'dir';
  return (
    <ConfirmDeleteDialog title={folder ? 'Delete folder' : 'Delete file'} onDelete={onDelete} onClose={onClose}>
      {folder ? (
        <>
          Delete the folder <strong>{entry.name}</strong> and everything in it? This cannot be undone.
        </>
      ) : (
        <>
          Delete <strong>{entry.name}</strong>? This cannot be undone.
        </>
      )}
    </ConfirmDeleteDialog>
  );
}

interface ReplaceDialogProps {
  names: string[];
  onReplace: () => void;
  onClose: () => void;
}

export function ReplaceDialog({ names, onReplace, onClose }: ReplaceDialogProps): JSX.Element {
  return (
    <FormDialog title="Replace files" submitLabel="Replace" danger focus="cancel" onSubmit={onReplace} onClose={onClose}>
      <p>{names.length === 1 ? 'This file already exists here:' : 'These files already exist here:'}</p>
      <ul class="storage-names">
        {names.map((n) => (
          <li key={n}>
            <strong>{n}</strong>
          </li>
        ))}
      </ul>
      <p>Replace {names.length === 1 ? 'it' : 'them'} with the uploaded {names.length === 1 ? 'file' : 'files'}?</p>
    </FormDialog>
  );
}
