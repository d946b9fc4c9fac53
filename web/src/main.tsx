// Entry point: applies the theme, asks the server who we are, and shows
// the login screen, the shell, or a "server unreachable" message.
import { render, type JSX } from 'preact';
import './styles/theme.css';
import './styles/base.css';
import './styles/controls.css';
import './styles/shell.css';
import './styles/dialogs.css';
import './styles/query.css';
import './styles/browser.css';
import { ToastArea } from './components/Toast';
import { ForcedPasswordChange } from './features/auth/ForcedPasswordChange';
import { LoginScreen } from './features/auth/LoginScreen';
import { ForcedTwoFactor } from './features/twofactor/ForcedTwoFactor';
import { ServerUnreachable } from './features/shell/ServerUnreachable';
import { Shell } from './features/shell/Shell';
import './state/prefs';
import { startHeartbeat } from './state/server';
import { restoreSession, session } from './state/session';

function Screen(): JSX.Element | null {
  const s = session.value;
  switch (s.phase) {
    case 'loading':
      return null;
    case 'offline':
      return <ServerUnreachable message={s.message} />;
    case 'anonymous':
      return <LoginScreen notice={s.notice} />;
    case 'authenticated':
      if (s.passwordChangeRequired) return <ForcedPasswordChange email={s.user.email} />;
      return s.twoFactorSetupRequired ? <ForcedTwoFactor email={s.user.email} /> : <Shell key={s.user.id} />;
  }
}

function App(): JSX.Element {
  return (
    <>
      <Screen />
      <ToastArea />
    </>
  );
}

render(<App />, document.getElementById('app')!);
startHeartbeat();
void restoreSession();
