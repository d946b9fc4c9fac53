// The Storage tab: the user's file area (backups land here, restores read
// from here). Browse folders, upload with progress (button or drop), download,
// rename, delete, create folders — from the toolbar or the keyboard.
import '../../styles/storage.css';
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { createFolder, deleteFile, downloadUrl, joinPath, moveFile, parentPath, type FileEntry, type FolderListing } from '../../api/files';
import { FormError } from '../../components/Field';
import { ToolButton, ToolSeparator, Toolbar } from '../../components/Toolbar';
import { showToast } from '../../state/toasts';
import { activeTabId } from '../../state/workspace';
import { Breadcrumb } from './Breadcrumb';
import { DeleteDialog, NameDialog, ReplaceDialog } from './dialogs';
import { FileTable } from './FileTable';
import { formatSize } from '../../lib/format';
import { MoveDialog } from './MoveDialog';
import { UploadList } from './UploadList';
import { startUpload, uploadsFinished } from './uploads';
import { useFolder } from './useFolder';

type Pending =
  | { kind: 'mkdir' }
  | { kind: 'rename'; entry: FileEntry }
  | { kind: 'delete'; entry: FileEntry }
  | { kind: 'move'; entry: FileEntry }
  | { kind: 'replace'; files: File[]; existing: string[] }
  | null;

/** Starts a download through the browser (the server names the file). */
export function download(path: string): void {
  const a = document.createElement('a');
  a.href = downloadUrl(path);
  a.download = '';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/** Why FILES cannot be uploaded into LISTING's folder under the quota, or null. */
function quotaProblem(listing: FolderListing, files: File[]): string | null {
  if (!listing.quota_bytes) return null;
  const replaced = new Map(listing.entries.filter((e) => e.type === 'file').map((e) => [e.name, e.size]));
  const adding = files.reduce((sum, f) => sum + f.size - (replaced.get(f.name) ?? 0), 0);
  if (listing.usage_bytes + adding <= listing.quota_bytes) return null;
  return (
    `${files.length === 1 ? 'This file does' : 'These files do'} not fit in your storage quota: ` +
    `${formatSize(listing.usage_bytes)} of ${formatSize(listing.quota_bytes)} used, ${formatSize(Math.max(0, adding))} more needed. ` +
    'Delete files to make room.'
  );
}

function Usage({ listing }: { listing: FolderListing | null }): JSX.Element | null {
  if (!listing) return null;
  const { usage_bytes: used, quota_bytes: quota } = listing;
  if (!quota) return <span class="storage-usage muted">{formatSize(used)} used</span>;
  const share = Math.min(1, used / quota);
  return (
    <span class="storage-usage" title={`${formatSize(used)} of your ${formatSize(quota)} quota`}>
      <span class="muted">
        {formatSize(used)} of {formatSize(quota)}
      </span>
      <span class={share > 0.9 ? 'storage-meter is-full' : 'storage-meter'} aria-hidden="true">
        <span style={{ width: `${share * 100}%` }} />
      </span>
    </span>
  );
}

export function StorageTab(): JSX.Element {
  const folder = useFolder('');
  const [selected, setSelected] = useState<string | null>(null);
  const [pending, setPending] = useState<Pending>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const tableArea = useRef<HTMLDivElement>(null);
  const listing = folder.listing?.path === folder.path ? folder.listing : null;
  const entries = listing?.entries ?? [];
  const current = entries.find((e) => e.name === selected) ?? null;

  // Backups and other tabs' uploads land here too: look again whenever the tab comes to the front.
  const shown = activeTabId.value === 'storage';
  const wasShown = useRef(shown);
  useEffect(() => {
    if (shown && !wasShown.current) void folder.refresh();
    wasShown.current = shown;
  }, [shown]);
  useEffect(() => {
    if (uploadsFinished.value > 0) void folder.refresh();
  }, [uploadsFinished.value]);

  const focusTable = () => tableArea.current?.querySelector<HTMLElement>('tbody [tabindex="0"]')?.focus();

  const openFolder = (path: string) => {
    setSelected(null);
    setProblem(null);
    folder.open(path);
  };

  const up = () => {
    if (!folder.path) return;
    const name = folder.path.slice(folder.path.lastIndexOf('/') + 1);
    openFolder(parentPath(folder.path));
    setSelected(name);
  };

  const openEntry = (entry: FileEntry) => {
    if (entry.type === 'dir') openFolder(joinPath(folder.path, entry.name));
    else download(joinPath(folder.path, entry.name));
  };

  const upload = (files: File[], overwrite: boolean) => {
    setPending(null);
    files.forEach((f) => startUpload(folder.path, f, overwrite));
  };

  const chooseFiles = (files: File[]) => {
    if (!files.length || !listing) return;
    const folders = files.filter((f) => entries.some((e) => e.type === 'dir' && e.name === f.name));
    if (folders.length) {
      setProblem(`A folder named “${folders[0]!.name}” is already here; rename the file or the folder first.`);
      return;
    }
    const tooBig = quotaProblem(listing, files);
    setProblem(tooBig);
    if (tooBig) return;
    const existing = files.filter((f) => entries.some((e) => e.type === 'file' && e.name === f.name)).map((f) => f.name);
    if (existing.length) setPending({ kind: 'replace', files, existing });
    else upload(files, false);
  };

  const closeDialog = () => {
    setPending(null);
    window.setTimeout(focusTable);
  };

  const mkdir = async (name: string) => {
    await createFolder(joinPath(folder.path, name));
    await folder.refresh();
    setSelected(name);
    closeDialog();
  };

  const rename = (entry: FileEntry) => async (name: string) => {
    if (name !== entry.name) await moveFile(joinPath(folder.path, entry.name), joinPath(folder.path, name));
    await folder.refresh();
    setSelected(name);
    closeDialog();
  };

  const move = (entry: FileEntry) => async (to: string) => {
    await moveFile(joinPath(folder.path, entry.name), to);
    await folder.refresh();
    const stays = parentPath(to) === folder.path;
    setSelected(stays ? to.slice(to.lastIndexOf('/') + 1) : null);
    closeDialog();
    if (!stays) showToast(`${entry.name} moved to ${parentPath(to) || 'Storage'}.`);
  };

  const remove = (entry: FileEntry) => async () => {
    await deleteFile(joinPath(folder.path, entry.name));
    const at = entries.findIndex((e) => e.name === entry.name);
    const next = entries[at + 1] ?? entries[at - 1] ?? null;
    await folder.refresh();
    setSelected(next?.name ?? null);
    closeDialog();
    showToast(`${entry.type === 'dir' ? 'Folder' : 'File'} ${entry.name} deleted.`);
  };

  const tableKeys = (e: KeyboardEvent, entry: FileEntry | null): boolean => {
    if (entry && e.key === 'F2') setPending({ kind: 'rename', entry });
    else if (entry && e.key === 'Delete') setPending({ kind: 'delete', entry });
    else if (e.key === 'F5') void folder.refresh();
    else return false;
    return true;
  };

  const onDragOver = (e: DragEvent) => {
    if (!e.dataTransfer?.types.includes('Files')) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    setDragging(true);
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    chooseFiles(Array.from(e.dataTransfer?.files ?? []));
  };

  return (
    <div class="storage">
      <header class="storage-head">
        <Toolbar label="Storage toolbar">
          <ToolButton icon="arrowUp" label="Up one folder" shortcut="Backspace" disabled={!folder.path} onClick={up} />
          <ToolButton icon="refresh" label="Refresh" shortcut="F5" onClick={() => void folder.refresh()} />
          <ToolSeparator />
          <ToolButton icon="folderPlus" label="New folder" onClick={() => setPending({ kind: 'mkdir' })} />
          <ToolButton icon="upload" label="Upload files" onClick={() => fileInput.current?.click()} />
          <ToolSeparator />
          <ToolButton icon="download" label="Download" shortcut="Enter" disabled={current?.type !== 'file'} onClick={() => current && openEntry(current)} />
          <ToolButton icon="edit" label="Rename" shortcut="F2" disabled={!current} onClick={() => current && setPending({ kind: 'rename', entry: current })} />
          <ToolButton icon="move" label="Move to…" disabled={!current} onClick={() => current && setPending({ kind: 'move', entry: current })} />
          <ToolButton icon="trash" label="Delete" shortcut="Delete" disabled={!current} onClick={() => current && setPending({ kind: 'delete', entry: current })} />
        </Toolbar>
        <Breadcrumb path={folder.path} onOpen={openFolder} />
        <span class="toolbar-fill" />
        <Usage listing={folder.listing} />
      </header>
      <input
        ref={fileInput}
        type="file"
        multiple
        class="visually-hidden"
        tabIndex={-1}
        aria-label="Files to upload"
        onChange={(e) => {
          const input = e.currentTarget;
          chooseFiles(Array.from(input.files ?? []));
          input.value = '';
        }}
      />
      {(problem || folder.error) && (
        <div class="storage-problem">
          <FormError message={problem ?? folder.error} />
        </div>
      )}
      <div
        ref={tableArea}
        class={dragging ? 'storage-body is-dropping' : 'storage-body'}
        onDragOver={onDragOver}
        onDragLeave={(e) => e.currentTarget === e.target && setDragging(false)}
        onDrop={onDrop}
      >
        <FileTable
          label="Files"
          entries={entries}
          selected={selected}
          onSelect={setSelected}
          onOpen={openEntry}
          onUp={folder.path ? up : undefined}
          onKey={tableKeys}
          empty={
            !listing ? (folder.loading ? 'Loading…' : '') : folder.path ? 'This folder is empty.' : 'No files yet. Upload some, or drop them here; backups land here too.'
          }
        />
        {listing?.truncated && <p class="storage-note muted">Only the first 10,000 entries are listed.</p>}
      </div>
      <UploadList />
      {pending?.kind === 'mkdir' && (
        <NameDialog title="New folder" label="Folder name" initial="" submitLabel="Create" onSubmit={mkdir} onClose={closeDialog} />
      )}
      {pending?.kind === 'rename' && (
        <NameDialog
          title={pending.entry.type === 'dir' ? 'Rename folder' : 'Rename file'}
          label="New name"
          initial={pending.entry.name}
          submitLabel="Rename"
          onSubmit={rename(pending.entry)}
          onClose={closeDialog}
        />
      )}
      {pending?.kind === 'move' && (
        <MoveDialog entry={pending.entry} from={joinPath(folder.path, pending.entry.name)} onMove={move(pending.entry)} onClose={closeDialog} />
      )}
      {pending?.kind === 'delete' && <DeleteDialog entry={pending.entry} onDelete={remove(pending.entry)} onClose={closeDialog} />}
      {pending?.kind === 'replace' && (
        <ReplaceDialog names={pending.existing} onReplace={() => upload(pending.files, true)} onClose={closeDialog} />
      )}
    </div>
  );
}
