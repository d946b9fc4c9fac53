// Where a folder is: "Storage / backups / 2024", every part a button that goes there.
import type { JSX } from 'preact';

export function Breadcrumb({ path, onOpen }: { path: string; onOpen: (path: string) => void }): JSX.Element {
  const parts = path ? path.split('/') : [];
  const crumbs = [{ label: 'Storage', path: '' }, ...parts.map((p, i) => ({ label: p, path: parts.slice(0, i + 1).join('/') }))];
  return (
    <nav class="storage-crumbs" aria-label="Folder">
      <ol>
        {crumbs.map((c, i) => {
          const last = i === crumbs.length - 1;
          return (
            <li key={c.path}>
              {i > 0 && (
                <span class="storage-crumb-sep" aria-hidden="true">
                  /
                </span>
              )}
              <button type="button" class="storage-crumb" aria-current={last ? 'location' : undefined} onClick={() => onOpen(c.path)}>
                {c.label}
              </button>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
