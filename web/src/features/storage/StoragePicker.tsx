// A path in the user's storage area for other dialogs (backup: where to
// write; restore, import: what to read): a text field plus "Browse…", which
// opens a small file browser. 'open' picks an existing file; 'save' picks a
// folder and a file name (an existing file may be chosen to replace it).
import '../../styles/storage.css';
import type { JSX } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { baseName, createFolder, joinPath, parentPath, type FileEntry } from '../../api/files';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { FormError } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { Breadcrumb } from './Breadcrumb';
import { NameDialog, nameProblem } from './dialogs';
import { FileTable } from './FileTable';
import { useFolder } from './useFolder';

export interface StoragePickerProps {
  mode: 'open' | 'save';
  /** A path relative to the storage area ("backups/app.dump"), or "". */
  value: string;
  onValue: (path: string) => void;
  /** The text field's id, for a label outside; one is made up otherwise. */
  id?: string;
  /** A label drawn above the field. */
  label?: string;
  /** The text field's accessible name when no label is drawn. */
  ariaLabel?: string;
  placeholder?: string;
}

export function StoragePicker({ mode, value, onValue, id, label, ariaLabel, placeholder }: StoragePickerProps): JSX.Element {
  const fallbackId = useId();
  const inputId = id ?? `storage-picker-${fallbackId}`;
  const [browsing, setBrowsing] = useState(false);
  return (
    <div class="field storage-picker">
      {label && <label for={inputId}>{label}</label>}
      <div class="storage-picker-row">
        <input
          id={inputId}
          type="text"
          value={value}
          spellcheck={false}
          autocomplete="off"
          aria-label={label ? undefined : ariaLabel}
          placeholder={placeholder ?? (mode === 'open' ? 'backups/app.dump' : 'backups/new.dump')}
          onInput={(e) => onValue(e.currentTarget.value)}
        />
        <Button onClick={() => setBrowsing(true)}>
          <Icon name="folder" />
          Browse…
        </Button>
      </div>
      {browsing && (
        <PickerDialog
          mode={mode}
          value={value}
          onPick={(path) => {
            onValue(path);
            setBrowsing(false);
          }}
          onClose={() => setBrowsing(false)}
        />
      )}
    </div>
  );
}

interface PickerDialogProps {
  mode: 'open' | 'save';
  value: string;
  onPick: (path: string) => void;
  onClose: () => void;
}

function PickerDialog({ mode, value, onPick, onClose }: PickerDialogProps): JSX.Element {
  const folder = useFolder(parentPath(value));
  const [selected, setSelected] = useState<string | null>(mode === 'open' && value ? baseName(value) : null);
  const [name, setName] = useState(mode === 'save' ? baseName(value) : '');
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const listing = folder.listing?.path === folder.path ? folder.listing : null;
  const entries = listing?.entries ?? [];
  const current = entries.find((e) => e.name === selected) ?? null;
  const existing = mode === 'save' ? entries.find((e) => e.name === name.trim()) : undefined;

  const body = useRef<HTMLDivElement>(null);

  // Opening a file starts in the table, once its rows are there (saving starts in the name).
  useEffect(() => {
    if (mode === 'open' && listing) body.current?.querySelector<HTMLElement>('tbody [tabindex="0"]')?.focus();
  }, [listing === null, folder.path]);

  const open = (path: string) => {
    setSelected(null);
    setError(null);
    folder.open(path);
  };

  const select = (entryName: string | null) => {
    setSelected(entryName);
    const entry = entries.find((e) => e.name === entryName);
    if (mode === 'save' && entry?.type === 'file') setName(entry.name);
  };

  const take = (entry: FileEntry) => {
    if (entry.type === 'dir') open(joinPath(folder.path, entry.name));
    else onPick(joinPath(folder.path, entry.name));
  };

  const submit = () => {
    if (mode === 'open') {
      if (current) take(current);
      else setError('Choose a file.');
      return;
    }
    const trimmed = name.trim();
    const problem = nameProblem(trimmed);
    if (problem) setError(problem);
    else if (existing?.type === 'dir') open(joinPath(folder.path, trimmed));
    else onPick(joinPath(folder.path, trimmed));
  };

  const mkdir = async (folderName: string) => {
    await createFolder(joinPath(folder.path, folderName));
    setCreating(false);
    open(joinPath(folder.path, folderName));
  };

  const footer = (
    <>
      {mode === 'save' && (
        <Button onClick={() => setCreating(true)}>
          <Icon name="folderPlus" />
          New folder
        </Button>
      )}
      <span class="toolbar-fill" />
      <Button onClick={onClose}>Cancel</Button>
      <Button type="submit" variant="primary" disabled={mode === 'open' ? current?.type !== 'file' : !name.trim()}>
        {mode === 'open' ? 'Open' : 'Select'}
      </Button>
    </>
  );

  return (
    <Dialog title={mode === 'open' ? 'Choose a file' : 'Save to'} size="medium" onClose={onClose} onSubmit={submit} footer={footer}>
      <div class="storage-picker-head">
        <Button small disabled={!folder.path} onClick={() => open(parentPath(folder.path))} aria-label="Up one folder" title="Up one folder">
          <Icon name="arrowUp" />
        </Button>
        <Breadcrumb path={folder.path} onOpen={open} />
      </div>
      <div ref={body}>
        <FileTable
          label="Files"
          compact
          entries={entries}
          selected={selected}
          onSelect={select}
          onOpen={take}
          onUp={folder.path ? () => open(parentPath(folder.path)) : undefined}
          empty={!listing ? (folder.loading ? 'Loading…' : '') : 'This folder is empty.'}
        />
      </div>
      {mode === 'save' && (
        <div class="field">
          <label for="storage-picker-name">File name</label>
          <input
            id="storage-picker-name"
            type="text"
            value={name}
            spellcheck={false}
            autocomplete="off"
            aria-describedby={existing?.type === 'file' ? 'storage-picker-name-note' : undefined}
            onInput={(e) => {
              setName(e.currentTarget.value);
              setError(null);
            }}
          />
          {existing?.type === 'file' && (
            <p id="storage-picker-name-note" class="field-hint">
              A file named {existing.name} is already here.
            </p>
          )}
        </div>
      )}
      <FormError message={error ?? folder.error} />
      {creating && <NameDialog title="New folder" label="Folder name" initial="" submitLabel="Create" onSubmit={mkdir} onClose={() => setCreating(false)} />}
    </Dialog>
  );
}
