// A dialog that is a form with one action: its footer holds Cancel and the
// action's button, its error shows in place under the fields. useSubmit runs
// a form's action: busy meanwhile, a second submit ignored, a thrown error
// kept for the form to show.
import type { ComponentChildren, JSX } from 'preact';
import { useState } from 'preact/hooks';
import { errorMessage } from '../lib/format';
import { Button } from './Button';
import { Dialog } from './Dialog';
import { FormError } from './Field';

export interface Submit<F> {
  busy: boolean;
  /** Why the last try did not happen or failed; null when it did not fail. */
  failure: F | null;
  setFailure: (failure: F | null) => void;
  /** Runs ACTION unless one runs already or CHECK finds a problem (shown instead). */
  run: (action: () => Promise<void>, check?: () => F | null) => Promise<void>;
}

/** DESCRIBE turns what the action threw into what the dialog shows: its message unless told otherwise. */
export function useSubmit<F = string>(describe: (err: unknown) => F = errorMessage as (err: unknown) => F): Submit<F> {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<F | null>(null);
  const run = async (action: () => Promise<void>, check?: () => F | null) => {
    if (busy) return;
    const problem = check ? check() : null;
    setFailure(problem);
    if (problem !== null) return;
    setBusy(true);
    try {
      await action();
    } catch (err) {
      setFailure(describe(err));
    } finally {
      setBusy(false);
    }
  };
  return { busy, failure, setFailure, run };
}

interface FormDialogProps {
  title: string;
  size?: 'small' | 'medium' | 'large';
  /** The action's button. */
  submitLabel: ComponentChildren;
  /** The action cannot be undone: its button says so. */
  danger?: boolean;
  busy?: boolean;
  /** The action cannot run yet. */
  disabled?: boolean;
  /** What has the focus first: Cancel (before what cannot be undone), the action's button, or else the first field. */
  focus?: 'cancel' | 'submit';
  cancelLabel?: string;
  /** More buttons, between Cancel and the action's. */
  buttons?: ComponentChildren;
  /** An error shown in place, after the fields. */
  error?: string | null;
  onSubmit: () => void;
  onClose: () => void;
  children: ComponentChildren;
}

export function FormDialog(props: FormDialogProps): JSX.Element {
  const { title, size = 'small', submitLabel, danger, busy, disabled, focus, cancelLabel = 'Cancel', buttons, error = null, onSubmit, onClose, children } = props;
  const footer = (
    <>
      <Button onClick={onClose} data-autofocus={focus === 'cancel' || undefined}>
        {cancelLabel}
      </Button>
      {buttons}
      <Button type="submit" variant={danger ? 'danger' : 'primary'} busy={busy} disabled={disabled} data-autofocus={focus === 'submit' || undefined}>
        {submitLabel}
      </Button>
    </>
  );
  return (
    <Dialog title={title} size={size} onClose={onClose} onSubmit={onSubmit} footer={footer}>
      {children}
      <FormError message={error} />
    </Dialog>
  );
}
