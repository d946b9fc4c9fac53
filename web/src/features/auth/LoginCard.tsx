// The card of the login page, and of the screen a too short first-start
// password leads to: the logo, a title over a line, then the form, whose
// field FOCUS has the focus first.
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { Logo } from '../../components/Icon';

interface LoginCardProps {
  titleId: string;
  title: string;
  subtitle: ComponentChildren;
  /** A selector of the field to focus. */
  focus: string;
  onSubmit: () => void;
  /** Room for more than a few fields (the two-factor enrolment). */
  wide?: boolean;
  children: ComponentChildren;
}

export function LoginCard({ titleId, title, subtitle, focus, onSubmit, wide, children }: LoginCardProps): JSX.Element {
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    formRef.current?.querySelector<HTMLInputElement>(focus)?.focus();
  }, []);
  const submit = (e: Event) => {
    e.preventDefault();
    onSubmit();
  };
  return (
    <form class={wide ? 'login-card login-card-wide' : 'login-card'} ref={formRef} onSubmit={submit} noValidate aria-labelledby={titleId}>
      <header class="login-header">
        <Logo size={28} />
        <div>
          <h1 id={titleId}>{title}</h1>
          <p class="muted">{subtitle}</p>
        </div>
      </header>
      {children}
    </form>
  );
}
