import type { ButtonHTMLAttributes, ComponentChildren } from 'preact';

type ButtonProps = Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'class'> & {
  variant?: 'default' | 'primary' | 'danger' | 'ghost';
  small?: boolean;
  busy?: boolean;
  children: ComponentChildren;
};

/**
 * A button that shows a spinner and refuses clicks while its action runs.
 * It stays focusable while busy (aria-disabled, not disabled) so focus is
 * not lost to the page when the action starts.
 */
export function Button(props: ButtonProps) {
  const { variant = 'default', small, busy, disabled, children, type = 'button', onClick, ...rest } = props;
  const classes = ['btn', `btn-${variant}`, small ? 'btn-small' : '', busy ? 'is-busy' : ''].filter(Boolean);
  const click = (e: MouseEvent & { currentTarget: HTMLButtonElement }) => {
    if (busy) e.preventDefault();
    else onClick?.(e);
  };
  return (
    <button
      {...rest}
      type={type}
      class={classes.join(' ')}
      disabled={disabled}
      aria-disabled={busy || undefined}
      aria-busy={busy || undefined}
      onClick={click}
    >
      {busy && <span class="spinner" aria-hidden="true" />}
      {children}
    </button>
  );
}
