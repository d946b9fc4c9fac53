// The parts of a table whose rows the user edits (a table's columns, a
// function's arguments, connection parameters): a row's buttons to move it
// and to remove it, and the button that adds one.
import type { JSX } from 'preact';
import { Button } from './Button';
import { Icon, type IconName } from './Icon';

/** LIST with the item at INDEX moved BY places. */
export function moved<T>(list: readonly T[], index: number, by: number): T[] {
  const next = [...list];
  const [item] = next.splice(index, 1);
  next.splice(index + by, 0, item!);
  return next;
}

function IconButton({ icon, label, title, disabled, onClick }: { icon: IconName; label: string; title: string; disabled?: boolean; onClick: () => void }): JSX.Element {
  return (
    <button type="button" class="icon-btn" aria-label={label} title={title} disabled={disabled} onClick={onClick}>
      <Icon name={icon} size={14} />
    </button>
  );
}

/** Removes the row WHAT ("column 2", "sslmode"). */
export function RemoveButton({ what, onRemove }: { what: string; onRemove: () => void }): JSX.Element {
  return <IconButton icon="close" label={`Remove ${what}`} title="Remove" onClick={onRemove} />;
}

interface RowButtonsProps {
  /** The row as its labels say it: "column 2". */
  what: string;
  index: number;
  count: number;
  onMove: (by: number) => void;
  onRemove: () => void;
}

/** The last cell of an editable row: up, down, remove. */
export function RowButtons({ what, index, count, onMove, onRemove }: RowButtonsProps): JSX.Element {
  return (
    <td class="ddl-col-actions">
      <IconButton icon="arrowUp" label={`Move ${what} up`} title="Move up" disabled={index === 0} onClick={() => onMove(-1)} />
      <IconButton icon="arrowDown" label={`Move ${what} down`} title="Move down" disabled={index === count - 1} onClick={() => onMove(1)} />
      <RemoveButton what={what} onRemove={onRemove} />
    </td>
  );
}

/** "+ Add column", under the rows. */
export function AddRowButton({ noun, onAdd }: { noun: string; onAdd: () => void }): JSX.Element {
  return (
    <div>
      <Button small onClick={onAdd}>
        <Icon name="plus" size={12} />
        {` Add ${noun}`}
      </Button>
    </div>
  );
}
