import type { ComponentChildren, JSX } from 'preact';

type ButtonProps = Omit<JSX.ButtonHTMLAttributes<HTMLButtonElement>, 'class'> & {
  variant?: 'default' | 'primary' | 'danger' | 'ghost';
  small?: boolean;
  busy?: boolean;
  children: ComponentChildren;
};

/** A button that shows a spinner and refuses clicks while its action runs. */
export function Button({ variant = 'default', small, busy, disabled, children, type = 'button', ...rest }: ButtonProps) {
  const classes = ['btn', `btn-${variant}`, small ? 'btn-small' : '', busy ? 'is-busy' : ''].filter(Boolean);
  return (
    <button {...rest} type={type} class={classes.join(' ')} disabled={disabled || busy} aria-busy={busy || undefined}>
      {busy && <span class="spinner" aria-hidden="true" />}
      {children}
    </button>
  );
}
