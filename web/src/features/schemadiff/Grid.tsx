// The result grid of Schema Diff: every object with its kind, name and state,
// filtered by kind and state, a checkbox each choosing what goes into the
// script. Arrows move, Space toggles the row's checkbox, Enter shows its diff.
import type { JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { DiffObject, DiffState } from '../../api/schemaDiff';

export const STATE_LABELS: Record<DiffState, string> = {
  identical: 'Identical',
  different: 'Different',
  source_only: 'Only in source',
  target_only: 'Only in target',
};

export function objectName(o: DiffObject): string {
  return o.schema && o.kind !== 'schema' ? `${o.schema}.${o.name}` : o.name;
}

interface GridProps {
  rows: DiffObject[];
  chosen: ReadonlySet<string>;
  /** Dropped and created by the script of the current choice. */
  rebuilt: ReadonlySet<string>;
  current: string | null;
  onToggle: (ids: string[], on: boolean) => void;
  onCurrent: (id: string) => void;
  onShow: (id: string) => void;
}

function onGridKey(e: KeyboardEvent, p: GridProps): void {
  const i = p.rows.findIndex((r) => r.id === p.current);
  const move = (to: number) => {
    e.preventDefault();
    const r = p.rows[Math.max(0, Math.min(p.rows.length - 1, to))];
    if (r) p.onCurrent(r.id);
  };
  if (e.key === 'ArrowDown') move(i + 1);
  else if (e.key === 'ArrowUp') move(i - 1);
  else if (e.key === 'Home') move(0);
  else if (e.key === 'End') move(p.rows.length - 1);
  else if (e.key === 'PageDown') move(i + 15);
  else if (e.key === 'PageUp') move(i - 15);
  else if (e.key === ' ' && p.current) {
    e.preventDefault();
    p.onToggle([p.current], !p.chosen.has(p.current));
  } else if (e.key === 'Enter' && p.current) {
    e.preventDefault();
    p.onShow(p.current);
  }
}

export function Grid(p: GridProps): JSX.Element {
  const bodyRef = useRef<HTMLTableSectionElement>(null);
  const visible = p.rows.map((r) => r.id);
  const all = visible.length > 0 && visible.every((id) => p.chosen.has(id));
  useEffect(() => {
    bodyRef.current?.querySelector('tr[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [p.current]);
  return (
    <div class="sd-grid-wrap" tabIndex={0} role="grid" aria-label="Compared objects" aria-rowcount={p.rows.length} onKeyDown={(e) => onGridKey(e, p)}>
      <table class="sd-grid">
        <thead>
          <tr>
            <th class="sd-check">
              <input type="checkbox" aria-label="Select all shown" tabIndex={-1} checked={all} disabled={visible.length === 0} onChange={() => p.onToggle(visible, !all)} />
            </th>
            <th>Kind</th>
            <th>Name</th>
            <th>State</th>
          </tr>
        </thead>
        <tbody ref={bodyRef}>
          {p.rows.map((r) => (
            <tr key={r.id} data-id={r.id} data-state={r.state} aria-selected={r.id === p.current} onClick={() => p.onShow(r.id)}>
              <td class="sd-check">
                <input type="checkbox" tabIndex={-1} aria-label={`Include ${objectName(r)}`} checked={p.chosen.has(r.id)} disabled={r.state === 'identical'}
                  onClick={(e) => e.stopPropagation()} onChange={(e) => p.onToggle([r.id], e.currentTarget.checked)} />
              </td>
              <td class="sd-kind">{r.kind.replace(/_/g, ' ')}</td>
              <td class="sd-name" title={objectName(r)}>{objectName(r)}</td>
              <td><span class={`sd-state sd-state-${r.state}`}>{STATE_LABELS[r.state]}{p.rebuilt.has(r.id) ? ' (rebuilt)' : ''}</span>
                {r.notes.length > 0 && <span class="sd-order" role="img" title={r.notes.join('\n')} aria-label="Column order differs">⇄</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {p.rows.length === 0 && <p class="empty-state">No object matches the filters.</p>}
    </div>
  );
}
