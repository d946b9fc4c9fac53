// Shown instead of a blank page when the first request cannot reach the
// server (or gets an unexpected answer); retries by itself every few seconds.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Button } from '../../components/Button';
import { Icon } from '../../components/Icon';
import { restoreSession } from '../../state/session';

const RETRY_MS = 5000;

export function ServerUnreachable({ message }: { message: string }): JSX.Element {
  const [busy, setBusy] = useState(false);

  const retry = async () => {
    setBusy(true);
    await restoreSession();
    setBusy(false);
  };

  useEffect(() => {
    const timer = window.setInterval(() => void restoreSession(), RETRY_MS);
    return () => window.clearInterval(timer);
  }, []);

  return (
    <main class="login-page">
      <div class="login-card unreachable" role="alert">
        <h1>
          <Icon name="alert" size={18} /> Tusk is not reachable
        </h1>
        <p>{message}</p>
        <p class="muted">Retrying every few seconds.</p>
        <Button variant="primary" busy={busy} onClick={retry}>
          Retry now
        </Button>
      </div>
    </main>
  );
}
