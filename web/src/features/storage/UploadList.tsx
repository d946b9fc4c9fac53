// Uploads in flight under the file table: a progress bar each, cancel while
// sending, the reason when one failed.
import type { JSX } from 'preact';
import { Icon } from '../../components/Icon';
import { formatSize } from '../../lib/format';
import { dismissUpload, uploads, type Upload } from './uploads';

function UploadRow({ upload }: { upload: Upload }): JSX.Element {
  const percent = upload.size ? Math.floor((upload.sent / upload.size) * 100) : upload.state === 'done' ? 100 : 0;
  const status =
    upload.state === 'done'
      ? 'Uploaded'
      : upload.state === 'failed'
        ? 'Failed'
        : `${formatSize(upload.sent)} of ${formatSize(upload.size)} · ${percent}%`;
  return (
    <li class={`storage-upload is-${upload.state}`}>
      <Icon name="upload" class="files-icon" />
      <span class="storage-upload-name" title={upload.path}>
        {upload.name}
      </span>
      <span
        class="storage-progress"
        role="progressbar"
        aria-label={`Upload of ${upload.name}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
      >
        <span style={{ width: `${percent}%` }} />
      </span>
      <span class="storage-upload-status">{status}</span>
      {upload.state === 'sending' ? (
        <button type="button" class="icon-btn" aria-label={`Cancel the upload of ${upload.name}`} title="Cancel" onClick={upload.cancel}>
          <Icon name="close" />
        </button>
      ) : (
        <button type="button" class="icon-btn" aria-label={`Dismiss ${upload.name}`} title="Dismiss" onClick={() => dismissUpload(upload.id)}>
          <Icon name="close" />
        </button>
      )}
      {upload.error && <span class="storage-upload-error">{upload.error}</span>}
    </li>
  );
}

export function UploadList(): JSX.Element | null {
  const list = uploads.value;
  if (!list.length) return null;
  return (
    <section class="storage-uploads" aria-label="Uploads">
      <ul>
        {list.map((u) => (
          <UploadRow key={u.id} upload={u} />
        ))}
      </ul>
    </section>
  );
}
