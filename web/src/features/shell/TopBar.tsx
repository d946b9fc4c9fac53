import type { JSX } from 'preact';
import { Logo } from '../../components/Icon';
import { ToolButton, Toolbar } from '../../components/Toolbar';
import { openDialog, openWelcome } from '../../state/workspace';
import { openStorage } from '../storage/open';
import { UserMenu } from './UserMenu';

export function TopBar(): JSX.Element {
  return (
    <header class="top-bar">
      <div class="brand">
        <Logo />
        <span class="brand-name">Tusk</span>
      </div>
      <Toolbar label="Main toolbar">
        <ToolButton icon="home" label="Welcome" onClick={openWelcome} />
        <ToolButton icon="folder" label="Storage" shortcut="Alt+Shift+S" onClick={openStorage} />
        <ToolButton icon="keyboard" label="Keyboard shortcuts" shortcut="?" onClick={() => (openDialog.value = 'shortcuts')} />
      </Toolbar>
      <div class="top-bar-fill" />
      <UserMenu />
    </header>
  );
}
