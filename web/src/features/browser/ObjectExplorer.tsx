// The left panel. Servers are registered in a later step; until then the
// tree holds the "Servers" root alone.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { Tree, type TreeNode } from '../../components/Tree';

const ROOTS: TreeNode[] = [{ id: 'servers', label: 'Servers', icon: 'servers', count: 0, children: [] }];

export function ObjectExplorer(): JSX.Element {
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set(['servers']));
  const [selected, setSelected] = useState<string | null>('servers');

  const toggle = (id: string, open: boolean) => {
    const next = new Set(expanded);
    if (open) next.add(id);
    else next.delete(id);
    setExpanded(next);
  };

  return (
    <section class="panel explorer" aria-label="Object explorer">
      <header class="panel-header">
        <h2>Object Explorer</h2>
      </header>
      <div class="explorer-body">
        <Tree label="Servers" roots={ROOTS} expanded={expanded} onToggle={toggle} selectedId={selected} onSelect={setSelected} />
        {expanded.has('servers') && <p class="empty-state">No servers yet</p>}
      </div>
    </section>
  );
}
