// The left panel: the "Servers" root, server groups, servers, and the
// objects of connected servers, with a toolbar and a context menu.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Button } from '../../components/Button';
import { ContextMenu } from '../../components/ContextMenu';
import type { MenuEntry } from '../../components/Menu';
import { ToolButton, ToolSeparator, Toolbar } from '../../components/Toolbar';
import { Tree, type MenuPoint, type TreeNode } from '../../components/Tree';
import type { Server } from '../../api/servers';
import {
  connect,
  ensureObjects,
  expanded,
  links,
  loadServers,
  ROOT_ID,
  selectedId,
  setExpanded,
  setShowSystem,
  showSystem,
} from '../../state/servers';
import { ACTIONS, actionForKey, canRun, menuActions, runAction, type ActionId } from '../servers/actions';
import { DdlDialogs } from '../dialogs/DdlDialogs';
import { JobDialogs } from '../jobs/JobDialogs';
import { RoleDialogs } from '../roles/RoleDialogs';
import { explorerModel, selectedEntry, type Entry } from './explorerModel';
import { frontObjectTab, showObject, showServer } from './objectPanel';

const TOOLBAR: Array<ActionId | 'separator'> = [
  'add-server',
  'add-group',
  'separator',
  'edit',
  'delete',
  'separator',
  'connect',
  'disconnect',
  'refresh',
  'separator',
  'query-tool',
  'search',
  'separator',
  'import',
  'export',
];

function openServer(server: Server): void {
  if (server.connected) ensureObjects(server.id, '/');
  else if (links.value.get(server.id)?.status !== 'connecting') void connect(server);
}

function toggle(id: string, open: boolean): void {
  setExpanded(id, open);
  if (!open) return;
  const entry = explorerModel.value.entries.get(id);
  if (entry?.kind === 'server') openServer(entry.server);
  else if (entry?.kind === 'object') ensureObjects(entry.server.id, entry.node.path);
}

function focusTree(): void {
  document.querySelector<HTMLElement>('.explorer .tree')?.focus();
}

/** Enter or a double click opens a branch, and brings a leaf object's tab to the front. */
function activate(node: TreeNode): void {
  if (node.children) toggle(node.id, !expanded.value.has(node.id));
  else if (explorerModel.value.entries.get(node.id)?.kind === 'object') frontObjectTab();
}

/** Selecting an object shows it in the object tab; a collection, the grid of its members. */
function select(id: string): void {
  selectedId.value = id;
  const entry = explorerModel.value.entries.get(id);
  if (entry?.kind === 'object') showObject(entry.server, entry.node);
  else if (entry?.kind === 'server') showServer(entry.server);
}

function menuEntries(entry: Entry): MenuEntry[] {
  const entries: MenuEntry[] = [];
  let group: string | undefined;
  for (const id of menuActions(entry)) {
    if (id === 'separator') {
      entries.push({ kind: 'separator' });
      group = undefined;
      continue;
    }
    const action = ACTIONS[id];
    if (action.group && action.group !== group) entries.push({ kind: 'heading', label: action.group });
    group = action.group;
    entries.push({ kind: 'item', label: action.label, hint: action.key, onSelect: () => runAction(id, entry) });
  }
  return entries;
}

function ExplorerToolbar({ entry }: { entry: Entry | null }): JSX.Element {
  return (
    <Toolbar label="Object explorer toolbar">
      {TOOLBAR.map((id, i) => {
        if (id === 'separator') return <ToolSeparator key={`sep-${i}`} />;
        const action = ACTIONS[id];
        return (
          <ToolButton
            key={id}
            icon={action.icon}
            label={action.label.replace('…', '')}
            shortcut={action.key}
            disabled={!canRun(id, entry)}
            onClick={() => runAction(id, entry)}
          />
        );
      })}
    </Toolbar>
  );
}

function EmptyState(): JSX.Element {
  return (
    <div class="empty-state explorer-empty">
      <p>No servers yet</p>
      <Button small onClick={() => runAction('add-server', null)}>
        Add server…
      </Button>
    </div>
  );
}

export function ObjectExplorer(): JSX.Element {
  const [menu, setMenu] = useState<{ entry: Entry; at: MenuPoint } | null>(null);
  const model = explorerModel.value;
  const entry = selectedEntry();

  useEffect(() => {
    void loadServers();
  }, []);

  // Ctrl+Shift+K searches the database of the selected node, wherever focus is.
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || !e.shiftKey || e.altKey || e.key.toLowerCase() !== 'k') return;
      e.preventDefault();
      runAction('search', selectedEntry());
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);

  const onContextMenu = (node: TreeNode, at: MenuPoint) => {
    const target = model.entries.get(node.id);
    if (target && target.kind !== 'status') setMenu({ entry: target, at });
  };

  const onKey = (e: KeyboardEvent, node: TreeNode | null): boolean => {
    const target = node ? model.entries.get(node.id) ?? null : null;
    const id = actionForKey(e, target);
    if (!id) return false;
    runAction(id, target);
    return true;
  };

  const closeMenu = (refocus: boolean) => {
    setMenu(null);
    if (refocus) focusTree();
  };

  const empty = model.serverCount === 0 && expanded.value.has(ROOT_ID) && !model.roots[0]!.children!.some((n) => n.status);

  return (
    <section class="panel explorer" aria-label="Object explorer">
      <header class="panel-header">
        <h2>Object Explorer</h2>
        <span class="toolbar-fill" />
        <ToolButton icon="eye" label="Show system objects" pressed={showSystem.value} onClick={() => setShowSystem(!showSystem.value)} />
      </header>
      <div class="explorer-toolbar">
        <ExplorerToolbar entry={entry} />
      </div>
      <div class="explorer-body">
        <Tree
          label="Servers"
          roots={model.roots}
          expanded={expanded.value}
          onToggle={toggle}
          selectedId={selectedId.value}
          onSelect={select}
          onActivate={activate}
          onContextMenu={onContextMenu}
          onKey={onKey}
        />
        {empty && <EmptyState />}
      </div>
      {menu && (
        <ContextMenu
          ariaLabel="Object explorer menu"
          x={menu.at.x}
          y={menu.at.y}
          entries={menuEntries(menu.entry)}
          onClose={closeMenu}
        />
      )}
      <DdlDialogs />
      <JobDialogs />
      <RoleDialogs />
    </section>
  );
}
