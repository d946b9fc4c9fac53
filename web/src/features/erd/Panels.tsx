// The diagram's side panel: the tables shown (a list to pick from, with the
// selected table's keys and neighbours), and the DDL of the tables shown.
import type { JSX } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { relationDdl, type Erd, type ErdTable } from '../../api/erd';
import { Button } from '../../components/Button';
import { SqlView } from '../../components/SqlView';
import { errorMessage } from '../../lib/format';
import { download, fileName } from './exporter';
import { ddlOrder, type Diagram, type Node } from './model';

interface TablesPanelProps {
  diagram: Diagram;
  selected: ReadonlySet<string>;
  /** The table picked last, described above the list. */
  primary: string | null;
  query: string;
  /** ADD: into or out of the selection (Ctrl+click, Space). */
  onPick: (id: string, add: boolean) => void;
}

const KIND_LABEL: Record<Node['kind'], string> = {
  table: 'Table',
  partitioned_table: 'Partitioned table',
  view: 'View',
  materialized_view: 'Materialized view',
  foreign_table: 'Foreign table',
  external: 'Outside this diagram',
};

function Details({ diagram, node, onPick }: { diagram: Diagram; node: Node; onPick: (id: string, add: boolean) => void }): JSX.Element {
  const edges = diagram.edgesOf.get(node.id) ?? [];
  const references = edges.filter((e) => e.child === node.id);
  const referencedBy = edges.filter((e) => e.parent === node.id && e.child !== node.id);
  const t = node.table;
  const link = (id: string) => {
    const other = diagram.byId.get(id)!;
    return (
      <button type="button" class="link-btn" onClick={(e) => onPick(id, e.ctrlKey || e.metaKey || e.shiftKey)}>
        {other.title}
      </button>
    );
  };
  return (
    <section class="erd-details" aria-label={`${node.title} details`}>
      <h3>{node.title}</h3>
      <p class="muted">
        {KIND_LABEL[node.kind]}
        {t?.rows_estimate != null && ` · about ${t.rows_estimate.toLocaleString()} rows`}
        {t && ` · ${t.columns.length} columns`}
      </p>
      {t?.comment && <p class="erd-comment">{t.comment}</p>}
      {t?.primary_key && (
        <p>
          <span class="erd-fact">Primary key</span> {t.primary_key.columns.join(', ')}
        </p>
      )}
      {t?.unique.map((u) => (
        <p key={u.name}>
          <span class="erd-fact">Unique</span> {u.columns.join(', ')}
        </p>
      ))}
      {references.length > 0 && (
        <>
          <h4>References</h4>
          <ul class="erd-links">
            {references.map((e) => (
              <li key={e.id}>
                {link(e.parent)} <span class="muted">({e.fk.columns.join(', ')}{e.fk.on_delete !== 'no action' ? `, on delete ${e.fk.on_delete}` : ''})</span>
              </li>
            ))}
          </ul>
        </>
      )}
      {referencedBy.length > 0 && (
        <>
          <h4>Referenced by</h4>
          <ul class="erd-links">
            {referencedBy.map((e) => (
              <li key={e.id}>
                {link(e.child)} <span class="muted">({e.fk.columns.join(', ')})</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/** The tables shown, filtered by the search: one tab stop, arrow keys move, Enter picks. */
export function TablesPanel({ diagram, selected, primary, query, onPick }: TablesPanelProps): JSX.Element {
  const listRef = useRef<HTMLUListElement>(null);
  const needle = query.trim().toLowerCase();
  const rows = useMemo(
    () => diagram.nodes.filter((n) => !needle || n.title.toLowerCase().includes(needle)).sort((a, b) => a.title.localeCompare(b.title)),
    [diagram, needle],
  );
  const [active, setActive] = useState(0);
  useEffect(() => {
    const i = rows.findIndex((n) => n.id === primary);
    if (i >= 0) setActive(i);
  }, [primary, rows]);
  useEffect(() => {
    listRef.current?.querySelector(`[data-index="${active}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [active]);
  const node = primary ? diagram.byId.get(primary) : undefined;
  const onKeyDown = (e: KeyboardEvent) => {
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: 10, PageUp: -10 };
    if (e.key in moves) {
      e.preventDefault();
      setActive((a) => Math.max(0, Math.min(rows.length - 1, a + moves[e.key]!)));
    } else if (e.key === 'Home' || e.key === 'End') {
      e.preventDefault();
      setActive(e.key === 'Home' ? 0 : rows.length - 1);
    } else if ((e.key === 'Enter' || e.key === ' ') && rows[active]) {
      e.preventDefault();
      onPick(rows[active]!.id, e.key === ' ');
    }
  };
  const activeId = rows[active] ? `erd-row-${rows[active]!.id}` : undefined;
  return (
    <div class="erd-panel">
      {node && <Details diagram={diagram} node={node} onPick={onPick} />}
      <ul
        ref={listRef}
        class="erd-list"
        role="listbox"
        aria-label="Tables in the diagram"
        aria-multiselectable="true"
        tabIndex={0}
        aria-activedescendant={activeId}
        onKeyDown={onKeyDown}
      >
        {rows.map((n, i) => (
          <li
            key={n.id}
            id={`erd-row-${n.id}`}
            role="option"
            data-index={i}
            aria-selected={selected.has(n.id)}
            class={[i === active ? 'is-active' : '', n.kind === 'external' ? 'is-external' : ''].filter(Boolean).join(' ')}
            onClick={(e) => {
              setActive(i);
              onPick(n.id, e.ctrlKey || e.metaKey || e.shiftKey);
            }}
          >
            <span class="erd-list-name">{n.title}</span>
            <span class="muted">{n.kind === 'external' ? 'outside' : n.table?.columns.length}</span>
          </li>
        ))}
        {rows.length === 0 && <li class="muted erd-list-empty">No table matches “{query}”.</li>}
      </ul>
    </div>
  );
}

interface DdlPanelProps {
  serverId: number;
  erd: Erd;
  /** The tables shown (stubs outside the diagram left out), and those around the selection. */
  shown: ErdTable[];
  around: ErdTable[] | null;
}

/** Tables above this many wait for the user to ask: each is one request. */
const AUTO_LOAD = 80;
const PARALLEL = 4;

type DdlState = { kind: 'idle' } | { kind: 'loading'; done: number; total: number } | { kind: 'ready'; text: string; failed: number };

/** The DDL of the tables, referenced before referencing, each fetched from the object DDL endpoint. */
export function DdlPanel({ serverId, erd, shown, around }: DdlPanelProps): JSX.Element {
  const [scope, setScope] = useState<'shown' | 'around'>('shown');
  const tables = scope === 'around' && around ? around : shown;
  const ordered = useMemo(() => ddlOrder(tables, erd.foreign_keys), [tables, erd]);
  const [asked, setAsked] = useState(false);
  const [state, setState] = useState<DdlState>({ kind: 'idle' });
  const run = useRef(0);

  useEffect(() => {
    const id = ++run.current;
    if (ordered.length > AUTO_LOAD && !asked) {
      setState({ kind: 'idle' });
      return;
    }
    const parts: string[] = new Array<string>(ordered.length);
    let next = 0;
    let done = 0;
    let failed = 0;
    setState({ kind: 'loading', done: 0, total: ordered.length });
    const worker = async () => {
      while (next < ordered.length && run.current === id) {
        const i = next++;
        const t = ordered[i]!;
        try {
          parts[i] = (await relationDdl(serverId, erd.database, t)).trimEnd();
        } catch (err) {
          failed++;
          parts[i] = `-- ${t.schema}.${t.name}: ${errorMessage(err)}`;
        }
        done++;
        if (run.current === id) setState({ kind: 'loading', done, total: ordered.length });
      }
    };
    void Promise.all(Array.from({ length: PARALLEL }, worker)).then(() => {
      if (run.current !== id) return;
      const head = `-- ${ordered.length} ${ordered.length === 1 ? 'relation' : 'relations'} of ${erd.schemas.join(', ')} in database ${erd.database}, referenced tables first\n\n`;
      setState({ kind: 'ready', text: head + parts.join('\n\n') + '\n', failed });
    });
    return () => {
      run.current++; // a closed panel or another choice of tables: the requests still out are ignored
    };
  }, [ordered, asked]);

  const copy = (text: string) => void navigator.clipboard?.writeText(text);
  return (
    <div class="erd-panel erd-ddl">
      <div class="erd-ddl-bar">
        <select aria-label="Tables whose DDL to show" value={scope} onChange={(e) => setScope(e.currentTarget.value as 'shown' | 'around')}>
          <option value="shown">Tables shown ({shown.length})</option>
          <option value="around" disabled={!around}>
            {around ? `Selected and neighbours (${around.length})` : 'Selected and neighbours (select a table)'}
          </option>
        </select>
        {state.kind === 'ready' && (
          <>
            <Button small onClick={() => copy(state.text)}>
              Copy
            </Button>
            <Button small onClick={() => download(new Blob([state.text], { type: 'text/plain' }), fileName([erd.database, ...erd.schemas], 'sql'))}>
              Download
            </Button>
          </>
        )}
      </div>
      {state.kind === 'idle' && (
        <div class="erd-ddl-ask">
          <p>The DDL of {ordered.length} tables takes one request each.</p>
          <Button onClick={() => setAsked(true)}>Load the DDL of {ordered.length} tables</Button>
        </div>
      )}
      {state.kind === 'loading' && (
        <p class="erd-ddl-progress" role="status">
          Reading the DDL… {state.done} of {state.total}
          <progress max={state.total} value={state.done} />
        </p>
      )}
      {state.kind === 'ready' && (
        <>
          {state.failed > 0 && <p class="form-error">The DDL of {state.failed} tables could not be read; the text says why.</p>}
          <SqlView text={state.text} label="DDL of the diagram's tables" />
        </>
      )}
    </div>
  );
}
