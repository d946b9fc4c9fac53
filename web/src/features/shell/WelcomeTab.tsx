import type { JSX } from 'preact';
import { Logo } from '../../components/Icon';
import { ShortcutList } from './ShortcutList';

export function WelcomeTab(): JSX.Element {
  return (
    <article class="welcome">
      <header class="welcome-header">
        <Logo size={32} />
        <div>
          <h1>Welcome to Tusk</h1>
          <p class="muted">Administration and development for PostgreSQL, in your browser.</p>
        </div>
      </header>
      <p>
        Tusk does the work of pgAdmin in one small server: a query tool, an object explorer with the DDL of every object,
        schema diagrams, live server monitoring, backup and restore, and role administration.
      </p>
      <p>
        Servers you register appear in the object explorer on the left. Your account, the theme and, for administrators,
        user management and the audit log are in the menu at the top right.
      </p>
      <h2>Keyboard shortcuts</h2>
      <ShortcutList />
    </article>
  );
}
