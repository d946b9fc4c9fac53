// Asks before deleting something that cannot come back (a server, a group,
// a user, a file): Cancel has the focus, the button names what goes, and a
// refused delete says why in place.
import type { ComponentChildren, JSX } from 'preact';
import { FormDialog, useSubmit } from './FormDialog';

interface ConfirmDeleteDialogProps {
  /** "Delete server": the title and the button. */
  title: string;
  /** Deletes; a thrown error is shown in the dialog. */
  onDelete: () => Promise<void>;
  onClose: () => void;
  /** The question: what goes. */
  children: ComponentChildren;
}

export function ConfirmDeleteDialog({ title, onDelete, onClose, children }: ConfirmDeleteDialogProps): JSX.Element {
  const { busy, failure, run } = useSubmit();
  return (
    <FormDialog title={title} submitLabel={title} danger focus="cancel" busy={busy} error={failure} onSubmit={() => void run(onDelete)} onClose={onClose}>
      <p>{children}</p>
    </FormDialog>
  );
}
