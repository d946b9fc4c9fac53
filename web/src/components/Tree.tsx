// A virtualized tree: only the rows in view are in the DOM, so a schema with
// thousands of tables scrolls as fast as one with ten. Keyboard: Up/Down
// move, Right expands or enters, Left collapses or goes to the parent,
// Enter activates (or toggles), Home/End jump, the context-menu key or
// Shift+F10 opens the owner's menu for the selected row.
import type { CSSProperties, JSX } from 'preact';
import { useEffect, useId, useMemo, useRef, useState } from 'preact/hooks';
import { Icon, type IconName } from './Icon';
import { useElementSize } from './useElementSize';

export interface TreeNode {
  id: string;
  label: string;
  icon?: IconName;
  /** Shown muted after the label, e.g. the number of children. */
  count?: number;
  /** undefined for a leaf; an array (maybe empty) for a node that can open. */
  children?: TreeNode[];
  /** Shown in muted colours (a disconnected server, say). */
  dimmed?: boolean;
  /** A status row: a spinner while its parent loads, or the failure. */
  status?: 'loading' | 'error';
  /** Runs on click or Enter in place of selecting (an error row's retry). */
  action?: () => void;
  /** A short tag after the label. */
  badge?: string;
  /** Colours of the label (a server's own colours). */
  colors?: { bg: string | null; fg: string | null };
  /** Tooltip. */
  title?: string;
}

/** Where to open a context menu: the pointer, or the row for the keyboard. */
export interface MenuPoint {
  x: number;
  y: number;
}

interface TreeProps {
  label: string;
  roots: TreeNode[];
  expanded: ReadonlySet<string>;
  onToggle: (id: string, open: boolean) => void;
  selectedId: string | null;
  onSelect: (id: string) => void;
  onActivate?: (node: TreeNode) => void;
  onContextMenu?: (node: TreeNode, at: MenuPoint) => void;
  /** The owner's own keys for the selected node; returns whether it handled the key. */
  onKey?: (e: KeyboardEvent, node: TreeNode | null) => boolean;
}

interface Row {
  node: TreeNode;
  depth: number;
  parentIndex: number;
}

const ROW_HEIGHT = 22;
const OVERSCAN = 8;

function flatten(roots: TreeNode[], expanded: ReadonlySet<string>): Row[] {
  const rows: Row[] = [];
  const walk = (nodes: TreeNode[], depth: number, parentIndex: number) => {
    for (const node of nodes) {
      const index = rows.length;
      rows.push({ node, depth, parentIndex });
      if (node.children && expanded.has(node.id)) walk(node.children, depth + 1, index);
    }
  };
  walk(roots, 0, -1);
  return rows;
}

function scrollRowIntoView(el: HTMLElement, index: number): void {
  const top = index * ROW_HEIGHT;
  if (top < el.scrollTop) el.scrollTop = top;
  else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
}

export function Tree(props: TreeProps): JSX.Element {
  const { label, roots, expanded, onToggle, selectedId, onSelect, onActivate, onContextMenu, onKey } = props;
  const containerRef = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const height = useElementSize(containerRef).height;
  const rows = useMemo(() => flatten(roots, expanded), [roots, expanded]);
  const idPrefix = useId();
  const selectedIndex = rows.findIndex((r) => r.node.id === selectedId);

  useEffect(() => {
    if (selectedIndex >= 0 && containerRef.current) scrollRowIntoView(containerRef.current, selectedIndex);
  }, [selectedIndex]);

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);

  const activate = (row: Row) => {
    if (row.node.action) row.node.action();
    else if (onActivate) onActivate(row.node);
    else if (row.node.children) onToggle(row.node.id, !expanded.has(row.node.id));
  };

  const selectIndex = (index: number) => {
    const row = rows[Math.max(0, Math.min(rows.length - 1, index))];
    if (row) onSelect(row.node.id);
  };

  const onRight = (row: Row, index: number) => {
    if (!row.node.children) return;
    if (!expanded.has(row.node.id)) onToggle(row.node.id, true);
    else if (rows[index + 1]?.parentIndex === index) selectIndex(index + 1);
  };

  const onLeft = (row: Row) => {
    if (row.node.children && expanded.has(row.node.id)) onToggle(row.node.id, false);
    else if (row.parentIndex >= 0) selectIndex(row.parentIndex);
  };

  const menuAtRow = (row: Row, index: number) => {
    const el = containerRef.current!;
    const box = el.getBoundingClientRect();
    const label = el.querySelector<HTMLElement>(`[id="${rowId(index)}"] .tree-label`);
    const x = label ? label.getBoundingClientRect().left : box.left + 24;
    onContextMenu?.(row.node, { x, y: box.top + (index + 1) * ROW_HEIGHT - el.scrollTop });
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const index = selectedIndex;
    const row = rows[index];
    if (onKey?.(e, row?.node ?? null)) {
      e.preventDefault();
      return;
    }
    if (row && (e.key === 'ContextMenu' || (e.key === 'F10' && e.shiftKey))) {
      e.preventDefault();
      menuAtRow(row, index);
      return;
    }
    const keys: Record<string, () => void> = {
      ArrowDown: () => selectIndex(index + 1),
      ArrowUp: () => selectIndex(index < 0 ? 0 : index - 1),
      Home: () => selectIndex(0),
      End: () => selectIndex(rows.length - 1),
      ArrowRight: () => (row ? onRight(row, index) : selectIndex(0)),
      ArrowLeft: () => (row ? onLeft(row) : selectIndex(0)),
      Enter: () => row && activate(row),
    };
    const action = keys[e.key];
    if (!action || e.altKey || e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    action();
  };

  const rowId = (index: number) => `${idPrefix}-row-${index}`;

  return (
    <div
      ref={containerRef}
      class="tree"
      role="tree"
      aria-label={label}
      tabIndex={0}
      aria-activedescendant={selectedIndex >= 0 ? rowId(selectedIndex) : undefined}
      onKeyDown={onKeyDown}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
    >
      <div class="tree-spacer" style={{ height: `${rows.length * ROW_HEIGHT}px` }}>
        {rows.slice(first, last).map((row, i) => {
          const index = first + i;
          return (
            <TreeRow
              key={row.node.id}
              id={rowId(index)}
              row={row}
              top={index * ROW_HEIGHT}
              open={expanded.has(row.node.id)}
              selected={row.node.id === selectedId}
              onSelect={() => (row.node.action ? row.node.action() : onSelect(row.node.id))}
              onToggle={() => onToggle(row.node.id, !expanded.has(row.node.id))}
              onActivate={() => activate(row)}
              onContextMenu={(e) => {
                if (!onContextMenu) return;
                e.preventDefault();
                onSelect(row.node.id);
                containerRef.current?.focus();
                onContextMenu(row.node, { x: e.clientX, y: e.clientY });
              }}
            />
          );
        })}
      </div>
    </div>
  );
}

interface TreeRowProps {
  id: string;
  row: Row;
  top: number;
  open: boolean;
  selected: boolean;
  onSelect: () => void;
  onToggle: () => void;
  onActivate: () => void;
  onContextMenu: (e: MouseEvent) => void;
}

function rowClass(node: TreeNode, selected: boolean): string {
  const classes = ['tree-row'];
  if (selected) classes.push('is-selected');
  if (node.dimmed) classes.push('is-dimmed');
  if (node.status) classes.push(`is-${node.status}`);
  return classes.join(' ');
}

function labelStyle(colors: TreeNode['colors']): CSSProperties | undefined {
  if (!colors || (!colors.bg && !colors.fg)) return undefined;
  return { backgroundColor: colors.bg ?? undefined, color: colors.fg ?? undefined };
}

function RowIcon({ node }: { node: TreeNode }): JSX.Element | null {
  if (node.status === 'loading') return <span class="spinner tree-spinner" aria-hidden="true" />;
  if (node.status === 'error') return <Icon name="alert" class="tree-icon" />;
  return node.icon ? <Icon name={node.icon} class="tree-icon" /> : null;
}

function TreeRow(props: TreeRowProps): JSX.Element {
  const { id, row, top, open, selected, onSelect, onToggle, onActivate, onContextMenu } = props;
  const { node, depth } = row;
  const branch = node.children !== undefined;
  const colored = labelStyle(node.colors);
  return (
    <div
      id={id}
      class={rowClass(node, selected)}
      title={node.title}
      role="treeitem"
      aria-level={depth + 1}
      aria-expanded={branch ? open : undefined}
      aria-selected={selected}
      style={{ top: `${top}px`, height: `${ROW_HEIGHT}px`, paddingLeft: `${4 + depth * 16}px` }}
      onClick={onSelect}
      // A row with an action has run it on the first click already.
      onDblClick={node.action ? undefined : onActivate}
      onContextMenu={onContextMenu}
    >
      <span
        class={branch ? 'tree-twisty' : 'tree-twisty is-leaf'}
        onClick={(e) => {
          e.stopPropagation();
          onSelect();
          if (branch) onToggle();
        }}
      >
        {branch && <Icon name={open ? 'chevronDown' : 'chevronRight'} size={14} />}
      </span>
      <RowIcon node={node} />
      <span
        class={colored ? 'tree-label is-colored' : 'tree-label'}
        style={colored}
        // a label cut by the pane's width shows whole on hover
        onMouseEnter={(e) => {
          const el = e.currentTarget;
          el.title = el.scrollWidth > el.clientWidth ? node.label : '';
        }}
      >
        {node.label}
      </span>
      {node.count !== undefined && <span class="tree-count">({node.count})</span>}
      {node.badge && <span class="tree-badge">{node.badge}</span>}
    </div>
  );
}
