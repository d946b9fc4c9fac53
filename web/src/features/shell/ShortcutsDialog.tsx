import type { JSX } from 'preact';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { ShortcutList } from './ShortcutList';

export function ShortcutsDialog({ onClose }: { onClose: () => void }): JSX.Element {
  return (
    <Dialog title="Keyboard shortcuts" size="medium" onClose={onClose} footer={<Button onClick={onClose} data-autofocus>Close</Button>}>
      <ShortcutList />
    </Dialog>
  );
}
