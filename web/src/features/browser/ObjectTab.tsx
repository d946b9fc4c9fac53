// The object tab: a header naming the object, then Properties, SQL,
// Statistics and Dependencies of whatever the explorer has selected; for a
// collection, the grid of its members.
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useId, useState } from 'preact/hooks';
import type { Dependency, NamedValue } from '../../api/objects';
import { serverAbout, type Server } from '../../api/servers';
import { Button } from '../../components/Button';
import { Icon } from '../../components/Icon';
import { ToolButton } from '../../components/Toolbar';
import { TabPanel, TabStrip } from '../../components/TabStrip';
import { errorMessage } from '../../lib/format';
import { lazyModule } from '../../lib/lazyModule';
import { databaseOf, qualifiedName } from '../../lib/objectPath';
import { currentServers } from '../../state/servers';
import { showToast } from '../../state/toasts';
import { CollectionGrid } from './CollectionGrid';
import { isCollection, objectIcon } from './explorerModel';
import { humanize } from './labels';
import {
  collectionOwner,
  kindLabel,
  objectSection,
  objectTarget,
  refreshObject,
  sectionLoads,
  selectSection,
  serverShown,
  type ObjectTarget,
  type Section,
  type SectionLoad,
} from './objectPanel';

const SECTIONS: Array<{ id: Section; title: string }> = [
  { id: 'properties', title: 'Properties' },
  { id: 'sql', title: 'SQL' },
  { id: 'statistics', title: 'Statistics' },
  { id: 'dependencies', title: 'Dependencies' },
];

export function ObjectTab(): JSX.Element {
  const target = objectTarget.value;
  const server = serverShown.value;
  if (server) return <ServerView key={server.id} server={server} />;
  if (!target) {
    return (
      <div class="object-tab">
        <p class="object-note">Select an object in the explorer to see its properties, SQL, statistics and dependencies.</p>
      </div>
    );
  }
  const collection = isCollection(target.node);
  return (
    <div class="object-tab">
      <ObjectHeader target={target} />
      {collection ? <CollectionGrid key={`${target.server.id}:${target.node.path}`} target={target} /> : <SectionStrip />}
    </div>
  );
}

function ObjectHeader({ target }: { target: ObjectTarget }): JSX.Element {
  const { server, node } = target;
  const database = databaseOf(node.path);
  const where = database !== null && node.kind !== 'database' ? `${database} on ${server.name}` : server.name;
  const collection = isCollection(node);
  const owner = collection ? collectionOwner(node) : '';
  return (
    <header class="object-head">
      <Icon name={objectIcon(node)} class="object-head-icon" />
      <span class="object-kind">{collection ? (owner ? `${node.label} in` : node.label) : kindLabel(node)}</span>
      <strong class="object-name">{collection ? owner : qualifiedName(node.path)}</strong>
      <span class="object-where">{where}</span>
      <span class="toolbar-fill" />
      <ToolButton icon="refresh" label="Refresh" onClick={refreshObject} />
    </header>
  );
}

function SectionStrip(): JSX.Element {
  const prefix = useId();
  const active = objectSection.value;

  return (
    <>
      <TabStrip
        label="Object sections"
        class="object-strip"
        tabClass="object-section"
        tabs={SECTIONS}
        active={active}
        onActivate={selectSection}
        tabId={(id) => `${prefix}-${id}`}
        panelId={() => `${prefix}-panel`}
      />
      <TabPanel id={`${prefix}-panel`} tab={`${prefix}-${active}`} class="object-body">
        <SectionContent section={active} />
      </TabPanel>
    </>
  );
}

function SectionContent({ section }: { section: Section }): JSX.Element {
  const loads = sectionLoads.value;
  switch (section) {
    case 'properties':
      return <Loaded load={loads.properties}>{(rows) => <ValuesTable label="Properties" rows={rows} />}</Loaded>;
    case 'sql':
      return <Loaded load={loads.sql}>{(text) => <SqlSection text={text} />}</Loaded>;
    case 'statistics':
      return <Loaded load={loads.statistics}>{(rows) => <ValuesTable label="Statistics" rows={rows} />}</Loaded>;
    case 'dependencies':
      return (
        <Loaded load={loads.dependencies}>
          {(deps) => (
            <div class="object-deps">
              <DependencyTable title="Depends on" rows={deps.dependencies} />
              <DependencyTable title="Referenced by" rows={deps.dependents} />
            </div>
          )}
        </Loaded>
      );
  }
}

function Loaded<T>({ load, children }: { load: SectionLoad<T> | undefined; children: (value: T) => ComponentChildren }): JSX.Element {
  if (!load || load.status === 'loading') {
    return (
      <p class="object-note">
        <span class="spinner" aria-hidden="true" /> Loading…
      </p>
    );
  }
  if (load.status === 'unavailable') return <p class="object-note">{load.message}</p>;
  if (load.status === 'error') {
    return (
      <div class="object-note is-error" role="alert">
        <Icon name="alert" />
        <span>{load.message}</span>
        <Button small onClick={refreshObject}>
          Retry
        </Button>
      </div>
    );
  }
  return <>{children(load.value)}</>;
}

/** Values that are code, identifiers lists or ACLs read best in monospace. */
const MONO = new Set([
  'privileges',
  'definition',
  'options',
  'settings',
  'partition_key',
  'partition_bound',
  'predicate',
  'check_expression',
  'default_value',
  'arguments',
  'returns',
  'data_type',
  'most_common_values',
  'inherits',
  'labels',
  'command',
  'oid',
]);

/** Free text that may be just "t" or "f" and must not turn into Yes/No. */
const TEXT = new Set(['name', 'comment', 'definition', 'default_value', 'labels', 'most_common_values']);

/** An ACL "{a=r/o,"b c"=rw/o}" as one grant a line. */
function aclLines(value: string): string {
  const inner = value.replace(/^\{|\}$/g, '');
  return (inner.match(/(?:"(?:[^"]|"")*"|[^,])+/g) ?? [inner]).join('\n');
}

function PropertyValue({ row }: { row: NamedValue }): JSX.Element {
  const { name, value } = row;
  if (value === null || value === '') return <span class="muted">—</span>;
  if (!TEXT.has(name) && (value === 't' || value === 'f')) return <>{value === 't' ? 'Yes' : 'No'}</>;
  if (name === 'privileges') return <span class="prop-mono">{aclLines(value)}</span>;
  return MONO.has(name) || value.includes('\n') ? <span class="prop-mono">{value}</span> : <>{value}</>;
}

/** A selected server: its entry, and when connected what its PostgreSQL says of itself. */
function ServerView({ server }: { server: Server }): JSX.Element {
  const connected = currentServers().find((s) => s.id === server.id)?.connected ?? server.connected;
  const [about, setAbout] = useState<{ status: 'loading' } | { status: 'ready'; rows: NamedValue[] } | { status: 'error'; message: string } | null>(null);
  useEffect(() => {
    if (!connected) {
      setAbout(null);
      return undefined;
    }
    let live = true;
    setAbout({ status: 'loading' });
    serverAbout(server.id).then(
      (row) => live && setAbout({ status: 'ready', rows: Object.entries(row).map(([name, value]) => ({ name, value })) }),
      (err: unknown) => live && setAbout({ status: 'error', message: errorMessage(err) }),
    );
    return () => {
      live = false;
    };
  }, [server.id, connected]);
  const entry: NamedValue[] = [
    { name: 'name', value: server.name },
    { name: 'group', value: server.group },
    { name: 'host', value: server.host },
    { name: 'port', value: server.port === null ? null : String(server.port) },
    { name: 'maintenance_database', value: server.maintenance_db },
    { name: 'username', value: server.username },
    { name: 'role', value: server.role },
    { name: 'service', value: server.service },
    { name: 'shared', value: server.shared ? 't' : 'f' },
    { name: 'saved_password', value: server.has_saved_password ? 't' : 'f' },
    { name: 'comment', value: server.comment },
  ];
  return (
    <div class="object-tab">
      <header class="object-head">
        <Icon name="servers" class="object-head-icon" />
        <span class="object-kind">server</span>
        <strong class="object-name">{server.name}</strong>
        <span class="object-where">{connected ? 'connected' : 'not connected'}</span>
      </header>
      <div class="server-view">
        <section aria-label="Server entry">
          <h3>Entry</h3>
          <ValuesTable label="Server entry" rows={entry} />
        </section>
        <section aria-label="PostgreSQL">
          <h3>PostgreSQL</h3>
          {!connected && <p class="object-note">Connect to the server to see its version, uptime and connections.</p>}
          {about?.status === 'loading' && (
            <p class="muted">
              <span class="spinner" aria-hidden="true" /> Asking the server…
            </p>
          )}
          {about?.status === 'error' && <p class="form-error" role="alert">{about.message}</p>}
          {about?.status === 'ready' && <ValuesTable label="PostgreSQL" rows={about.rows} />}
        </section>
      </div>
    </div>
  );
}

function ValuesTable({ label, rows }: { label: string; rows: NamedValue[] }): JSX.Element {
  if (rows.length === 0) return <p class="object-note">No {label.toLowerCase()}.</p>;
  return (
    <table class="data-table prop-table" aria-label={label}>
      <tbody>
        {rows.map((row) => (
          <tr key={row.name}>
            <th scope="row">{humanize(row.name)}</th>
            <td>
              <PropertyValue row={row} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** pg_depend lists one row per column for a view's rule: each object and type once is enough. */
function distinct(rows: Dependency[]): Dependency[] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    const key = `${r.type}\u0000${r.object}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function DependencyTable({ title, rows }: { title: string; rows: Dependency[] }): JSX.Element {
  const list = distinct(rows);
  return (
    <section class="dep-section" aria-label={title}>
      <h3>
        {title} <span class="muted">({list.length})</span>
      </h3>
      {list.length === 0 ? (
        <p class="dep-empty">Nothing.</p>
      ) : (
        <table class="data-table dep-table">
          <thead>
            <tr>
              <th>Object</th>
              <th>Type</th>
            </tr>
          </thead>
          <tbody>
            {list.map((r) => (
              <tr key={`${r.type}\u0000${r.object}`}>
                <td>{r.object}</td>
                <td class="muted">{r.type}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** CodeMirror comes with the first SQL shown (it is shared with the query tool's chunk). */
const useSqlViewModule = lazyModule(() => import('../../components/SqlView'));

function LazySqlView({ text }: { text: string }): JSX.Element {
  const mod = useSqlViewModule();
  return mod ? <mod.SqlView text={text} label="Object SQL" /> : <p class="object-note">Loading…</p>;
}

async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    showToast('SQL copied to the clipboard.');
  } catch (err) {
    showToast(`Could not copy: ${errorMessage(err)}`, 'error');
  }
}

function SqlSection({ text }: { text: string }): JSX.Element {
  const target = objectTarget.value!;
  const openInQueryTool = () => {
    const database = databaseOf(target.node.path);
    void import('../query/tabs').then((m) => m.openQueryTab(target.server, database, text));
  };
  return (
    <div class="object-sql">
      <div class="object-sql-bar">
        <Button small onClick={() => void copyText(text)}>
          <Icon name="copy" size={14} /> Copy
        </Button>
        <Button small onClick={openInQueryTool}>
          <Icon name="query" size={14} /> Open in Query Tool
        </Button>
      </div>
      <LazySqlView text={text.trimEnd()} />
    </div>
  );
}
