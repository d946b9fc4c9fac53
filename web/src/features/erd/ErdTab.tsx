// The schema diagram tab: reads a schema's tables and keys, lays them out in
// a worker (elkjs), draws them as SVG to pan, zoom and search, highlights a
// table's neighbours, narrows to them, shows the tables' DDL, and exports
// SVG and PNG. Loaded on first use.
import '../../styles/erd.css';
import type { JSX } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { listSchemas, loadErd, type Erd, type ErdTable } from '../../api/erd';
import { Icon } from '../../components/Icon';
import { Menu } from '../../components/Menu';
import { ToolButton } from '../../components/Toolbar';
import { errorMessage } from '../../lib/format';
import { showToast } from '../../state/toasts';
import { DiagramView } from './Diagram';
import { download, exportPng, exportSvg, fileName } from './exporter';
import { layoutRequest, runLayout } from './layout';
import type { LayoutResult } from './layoutTypes';
import { buildDiagram, canvasMeasure, tableKey, type Detail, type Diagram, type DiagramOptions } from './model';
import { DdlPanel, TablesPanel } from './Panels';
import { erdFocus, erdTarget, takeFocus, type ErdTarget } from './open';
import { Viewport } from './viewport';

type Load = { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ready'; erd: Erd; fetchMs: number };

interface Laid {
  diagram: Diagram;
  result: LayoutResult;
  /** From the request to the worker's answer, in the page. */
  ms: number;
  answered: number;
}

type Aside = 'tables' | 'ddl' | null;

export function ErdTab({ id }: { id: string }): JSX.Element {
  const target = erdTarget(id);
  if (!target) return <p class="empty-state">This diagram is closed.</p>;
  return <ErdView id={id} target={target} />;
}

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

/** The schemas offered: the one asked for, or the database's (public first chosen). */
function useSchemas(target: ErdTarget): { schemas: string[] | null; schema: string | null; setSchema: (s: string) => void; error: string | null } {
  const [schemas, setSchemas] = useState<string[] | null>(target.schema !== null ? [target.schema] : null);
  const [schema, setSchema] = useState<string | null>(target.schema);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (target.schema !== null) return;
    listSchemas(target.serverId, target.database).then(
      (list) => {
        setSchemas(list);
        setSchema(list.includes('public') ? 'public' : list[0] ?? null);
        if (list.length === 0) setError(`The database ${target.database} has no schema to draw.`);
      },
      (err: unknown) => setError(errorMessage(err)),
    );
  }, []);
  return { schemas, schema, setSchema, error };
}

function ErdView({ id, target }: { id: string; target: ErdTarget }): JSX.Element {
  const { schemas, schema, setSchema, error: schemaError } = useSchemas(target);
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const [reloads, setReloads] = useState(0);
  const [options, setOptions] = useState<DiagramOptions>({ views: false, external: true, detail: 'all', focus: null });
  const [laid, setLaid] = useState<Laid | null>(null);
  const [layoutError, setLayoutError] = useState<string | null>(null);
  /** The selected tables by key, the one picked last at the end. */
  const [selectedKeys, setSelectedKeys] = useState<readonly string[]>([]);
  const [query, setQuery] = useState('');
  const [matchIndex, setMatchIndex] = useState(-1);
  const [aside, setAside] = useState<Aside>(null);
  const [renderMs, setRenderMs] = useState<number | null>(null);
  const [full, setFull] = useState(false);
  const fullDrawn = useRef<(() => void) | null>(null);
  const viewport = useMemo(() => new Viewport(), []);
  const searchRef = useRef<HTMLInputElement>(null);
  const stageRef = useRef<HTMLDivElement>(null);
  const measure = useMemo(() => canvasMeasure(cssVar('--font', 'sans-serif'), cssVar('--font-mono', 'monospace')), []);

  useEffect(() => {
    if (schema === null) return;
    let alive = true;
    setLoad({ kind: 'loading' });
    const started = performance.now();
    loadErd(target.serverId, target.database, [schema]).then(
      (erd) => alive && setLoad({ kind: 'ready', erd, fetchMs: performance.now() - started }),
      (err: unknown) => alive && setLoad({ kind: 'error', message: errorMessage(err) }),
    );
    return () => {
      alive = false;
    };
  }, [schema, reloads]);

  const diagram = useMemo(() => (load.kind === 'ready' ? buildDiagram(load.erd, options, measure) : null), [load, options]);

  useEffect(() => {
    if (!diagram) return;
    let alive = true;
    setLayoutError(null);
    const started = performance.now();
    const stage = stageRef.current?.getBoundingClientRect();
    const aspect = stage && stage.height > 0 ? Math.max(0.5, Math.min(3, stage.width / stage.height)) : 1.6;
    runLayout(layoutRequest(diagram, aspect)).then(
      (result) => alive && setLaid({ diagram, result, ms: performance.now() - started, answered: performance.now() }),
      (err: unknown) => alive && setLayoutError(errorMessage(err)),
    );
    return () => {
      alive = false;
    };
  }, [diagram]);

  const shown = laid && laid.diagram === diagram ? laid : null;
  const keyToId = useMemo(() => new Map(shown?.diagram.nodes.map((n) => [tableKey(n.schema, n.name), n.id]) ?? []), [shown?.diagram]);
  const selectedIds = useMemo(() => new Set(selectedKeys.map((k) => keyToId.get(k)).filter((x): x is string => x !== undefined)), [selectedKeys, keyToId]);
  /** The table picked last: the one the Tables panel describes. */
  const selected = [...selectedIds].pop() ?? null;

  const nodeRect = (nodeId: string) => {
    const n = shown!.diagram.byId.get(nodeId)!;
    const [x, y] = shown!.result.nodes[nodeId] ?? [0, 0];
    return { x, y, width: n.width, height: n.height };
  };
  const fit = () => shown && viewport.fit({ x: 0, y: 0, width: shown.result.width, height: shown.result.height });

  // A new layout: fit it, or bring the table the explorer asked for into view; time the first paint.
  useEffect(() => {
    if (!shown) return;
    const focusName = erdFocus.value.get(id);
    const focusId = focusName ? keyToId.get(tableKey(schema ?? '', focusName)) : undefined;
    requestAnimationFrame(() => {
      fit();
      if (focusId) {
        setSelectedKeys([tableKey(schema ?? '', focusName!)]);
        viewport.reveal(nodeRect(focusId));
        takeFocus(id);
      }
      requestAnimationFrame(() => setRenderMs(performance.now() - shown.answered));
    });
  }, [shown]);

  // The explorer asks again for a table while the tab is open.
  const pendingFocus = erdFocus.value.get(id);
  useEffect(() => {
    if (!pendingFocus || !shown) return;
    const nodeId = keyToId.get(tableKey(schema ?? '', pendingFocus));
    if (nodeId) {
      setSelectedKeys([tableKey(schema ?? '', pendingFocus)]);
      viewport.reveal(nodeRect(nodeId));
    }
    takeFocus(id);
  }, [pendingFocus]);

  // The side panel narrows the stage: keep the selected table in view.
  useEffect(() => {
    if (selected && shown) requestAnimationFrame(() => viewport.reveal(nodeRect(selected), viewport.k));
  }, [aside]);

  const needle = query.trim().toLowerCase();
  const matchList = useMemo(
    () => (shown && needle ? shown.diagram.nodes.filter((n) => n.title.toLowerCase().includes(needle)).sort((a, b) => a.title.localeCompare(b.title)) : []),
    [shown, needle],
  );
  const matches = useMemo(() => new Set(matchList.map((n) => n.id)), [matchList]);

  /** Selects a table (null: none); ADD puts it in or takes it out of the selection instead. */
  const pick = (nodeId: string | null, reveal = true, add = false) => {
    if (!shown || nodeId === null) {
      if (!add) setSelectedKeys([]);
      return;
    }
    const n = shown.diagram.byId.get(nodeId)!;
    const key = tableKey(n.schema, n.name);
    if (add) setSelectedKeys((keys) => (keys.includes(key) ? keys.filter((k) => k !== key) : [...keys, key]));
    else setSelectedKeys([key]);
    if (reveal && !add) viewport.reveal(nodeRect(nodeId));
  };

  const nextMatch = (delta: number) => {
    if (matchList.length === 0) return;
    const i = (matchIndex + delta + matchList.length) % matchList.length;
    setMatchIndex(i);
    pick(matchList[i]!.id);
  };

  const stepTables = (delta: number) => {
    if (!shown) return;
    const order = [...shown.diagram.nodes].sort((a, b) => a.title.localeCompare(b.title));
    const at = order.findIndex((n) => n.id === selected);
    const next = order[(at + delta + order.length) % order.length];
    if (next) pick(next.id);
  };

  const onCanvasKey = (e: KeyboardEvent) => {
    const keys: Record<string, () => void> = {
      ']': () => stepTables(1),
      '[': () => stepTables(-1),
      '0': fit,
      '1': () => viewport.zoomBy(1 / viewport.k),
      Escape: () => pick(null),
      Enter: () => selected && viewport.reveal(nodeRect(selected)),
      '/': () => searchRef.current?.focus(),
    };
    const action = keys[e.key];
    if (action) {
      e.preventDefault();
      action();
    }
  };

  const setOption = <K extends keyof DiagramOptions>(key: K, value: DiagramOptions[K]) => setOptions((o) => ({ ...o, [key]: value }));
  const focusOn = (depth: number | null) => {
    if (depth === null) setOption('focus', null);
    else if (options.focus) setOption('focus', { ...options.focus, depth });
    else if (selectedKeys.length) setOption('focus', { keys: selectedKeys, depth });
  };

  const erd = load.kind === 'ready' ? load.erd : null;
  const tablesOf = (ids: Iterable<string>): ErdTable[] => {
    const out: ErdTable[] = [];
    for (const i of ids) {
      const t = shown?.diagram.byId.get(i)?.table;
      if (t) out.push(t);
    }
    return out;
  };
  const shownTables = useMemo(() => tablesOf(shown?.diagram.nodes.map((n) => n.id) ?? []), [shown]);
  const aroundTables = useMemo(() => {
    if (!shown || selectedIds.size === 0) return null;
    const ids = new Set(selectedIds);
    for (const id of selectedIds) shown.diagram.neighbours.get(id)?.forEach((n) => ids.add(n));
    return tablesOf(ids);
  }, [selectedIds, shown]);

  const title = [target.database, ...(erd?.schemas ?? [schema ?? ''])];
  const exportAs = async (format: 'svg' | 'png') => {
    const svg = stageRef.current?.querySelector<SVGSVGElement>('svg.erd-canvas');
    if (!svg || !shown) return;
    // every table with its rows, not only those in view
    await new Promise<void>((resolve) => {
      fullDrawn.current = resolve;
      setFull(true);
    });
    try {
      const out = exportSvg(svg, shown.result.width, shown.result.height, `${title.join(' · ')} — schema diagram`);
      const blob = format === 'svg' ? new Blob([out.text], { type: 'image/svg+xml' }) : await exportPng(out);
      download(blob, fileName(title, format));
    } catch (err) {
      showToast(errorMessage(err), 'error');
    } finally {
      setFull(false);
    }
  };

  const focusKeys = options.focus?.keys ?? [];
  const focusName =
    focusKeys.length === 1 ? shown?.diagram.nodes.find((n) => tableKey(n.schema, n.name) === focusKeys[0])?.title : `${focusKeys.length} tables`;
  const state = load.kind === 'error' || schemaError || layoutError ? 'error' : shown ? 'ready' : 'loading';

  return (
    <div
      class="erd"
      data-state={state}
      data-fetch-ms={load.kind === 'ready' ? Math.round(load.fetchMs) : undefined}
      data-layout-ms={shown ? Math.round(shown.ms) : undefined}
      data-elk-ms={shown ? Math.round(shown.result.ms) : undefined}
      data-render-ms={renderMs !== null ? Math.round(renderMs) : undefined}
    >
      <div class="erd-toolbar" role="toolbar" aria-label="Diagram">
        {target.schema === null && schemas && (
          <select aria-label="Schema" value={schema ?? ''} onChange={(e) => setSchema(e.currentTarget.value)}>
            {schemas.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        )}
        <div class="erd-search">
          <Icon name="search" size={14} />
          <input
            ref={searchRef}
            type="search"
            placeholder="Find a table"
            aria-label="Find a table"
            value={query}
            onInput={(e) => {
              setQuery(e.currentTarget.value);
              setMatchIndex(-1);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                nextMatch(e.shiftKey ? -1 : 1);
              }
            }}
          />
          {needle && (
            <span class="erd-count" aria-live="polite">
              {matchList.length ? `${matchIndex >= 0 ? matchIndex + 1 : '–'}/${matchList.length}` : 'none'}
            </span>
          )}
        </div>
        <span class="tool-sep" />
        <button type="button" class="tool-btn erd-text-btn" title="Zoom out (−)" aria-label="Zoom out" onClick={() => viewport.zoomBy(0.8)}>
          −
        </button>
        <button type="button" class="tool-btn erd-zoom" title="Actual size (1)" aria-label="Actual size" onClick={() => viewport.zoomBy(1 / viewport.k)}>
          {Math.round(viewport.scale.value * 100)}%
        </button>
        <button type="button" class="tool-btn erd-text-btn" title="Zoom in (+)" aria-label="Zoom in" onClick={() => viewport.zoomBy(1.25)}>
          +
        </button>
        <button type="button" class="tool-btn erd-fit" title="Fit the diagram (0)" aria-label="Fit the diagram" onClick={fit}>
          Fit
        </button>
        <span class="tool-sep" />
        <Menu
          label="Show"
          ariaLabel="What the diagram shows"
          entries={[
            { kind: 'item', label: 'Key columns only', checked: options.detail === 'keys', onSelect: () => setOption('detail', (options.detail === 'keys' ? 'all' : 'keys') as Detail) },
            { kind: 'item', label: `Views and materialized views${erd ? ` (${viewCount(erd)})` : ''}`, checked: options.views, onSelect: () => setOption('views', !options.views) },
            { kind: 'item', label: 'Tables outside the schema that keys join', checked: options.external, onSelect: () => setOption('external', !options.external) },
          ]}
        />
        {options.focus ? (
          <span class="erd-focus-chip">
            Around <strong>{focusName ?? '…'}</strong>
            <select aria-label="How far around" value={String(options.focus.depth)} onChange={(e) => focusOn(Number(e.currentTarget.value))}>
              <option value="0">{focusKeys.length === 1 ? 'alone' : 'only these'}</option>
              <option value="1">1 step</option>
              <option value="2">2 steps</option>
              <option value="3">3 steps</option>
            </select>
            <button type="button" class="icon-btn" aria-label="Show all tables" title="Show all tables" onClick={() => focusOn(null)}>
              <Icon name="close" size={14} />
            </button>
          </span>
        ) : (
          <button
            type="button"
            class="toggle-chip"
            disabled={selectedIds.size === 0}
            title="Lay out only the selected tables (Ctrl+click adds one) and their neighbours"
            onClick={() => focusOn(1)}
          >
            Neighbours only
          </button>
        )}
        <span class="toolbar-fill" />
        <Menu
          label="Export"
          ariaLabel="Export the diagram"
          entries={[
            { kind: 'item', label: 'SVG image', onSelect: () => void exportAs('svg') },
            { kind: 'item', label: 'PNG image', onSelect: () => void exportAs('png') },
          ]}
        />
        <Toggle on={aside === 'tables'} label="Tables" title="The tables shown, and the selected one's keys" onChange={(on) => setAside(on ? 'tables' : null)} />
        <Toggle on={aside === 'ddl'} label="DDL" title="The DDL of the tables shown" onChange={(on) => setAside(on ? 'ddl' : null)} />
        <ToolButton icon="refresh" label="Read the schema again" onClick={() => setReloads((n) => n + 1)} />
      </div>
      <div class="erd-body">
        <div class="erd-stage" ref={stageRef}>
          {shown ? (
            <DiagramView
              diagram={shown.diagram}
              layout={shown.result}
              viewport={viewport}
              selected={selectedIds}
              matches={matches}
              label={`Schema diagram of ${title.join(' · ')}: ${shown.diagram.nodes.length} tables. Arrow keys pan, plus and minus zoom, 0 fits, [ and ] step through the tables, Escape clears the selection; Ctrl+click adds a table to it.`}
              onSelect={(nodeId, add) => pick(nodeId, false, add)}
              onKey={onCanvasKey}
              full={full}
              onFull={() => {
                fullDrawn.current?.();
                fullDrawn.current = null;
              }}
            />
          ) : null}
          <StageMessage load={load} schemaError={schemaError} layoutError={layoutError} diagram={diagram} laidOut={shown !== null} />
          {shown && <Summary diagram={shown.diagram} erd={erd} ms={shown.ms} />}
          {shown && <Legend />}
        </div>
        {aside && shown && erd && (
          <aside class={aside === 'ddl' ? 'erd-aside is-ddl' : 'erd-aside'} aria-label={aside === 'ddl' ? 'DDL' : 'Tables'}>
            {aside === 'tables' ? (
              <TablesPanel diagram={shown.diagram} selected={selectedIds} primary={selected} query={query} onPick={(nodeId, add) => pick(nodeId, true, add)} />
            ) : (
              <DdlPanel serverId={target.serverId} erd={erd} shown={shownTables} around={aroundTables} />
            )}
          </aside>
        )}
      </div>
    </div>
  );
}

function viewCount(erd: Erd): number {
  return erd.tables.filter((t) => t.kind === 'view' || t.kind === 'materialized_view').length;
}

function Toggle({ on, label, title, onChange }: { on: boolean; label: string; title: string; onChange: (on: boolean) => void }): JSX.Element {
  return (
    <button type="button" class={on ? 'toggle-chip is-on' : 'toggle-chip'} aria-pressed={on} title={title} onClick={() => onChange(!on)}>
      <span class="toggle-box" aria-hidden="true" />
      {label}
    </button>
  );
}

function StageMessage(props: { load: Load; schemaError: string | null; layoutError: string | null; diagram: Diagram | null; laidOut: boolean }): JSX.Element | null {
  const { load, schemaError, layoutError, diagram, laidOut } = props;
  let text: string | null = null;
  let error = false;
  if (schemaError || load.kind === 'error' || layoutError) {
    text = schemaError ?? layoutError ?? (load.kind === 'error' ? load.message : '');
    error = true;
  } else if (load.kind === 'loading') text = 'Reading the schema…';
  else if (diagram && diagram.nodes.length === 0) text = diagram.hiddenViews ? 'This schema has only views: switch Views on to draw them.' : 'This schema has no tables.';
  else if (diagram && !laidOut) text = `Laying out ${diagram.nodes.length} tables…`;
  if (!text) return null;
  return (
    <div class={error ? 'erd-message is-error' : 'erd-message'} role={error ? 'alert' : 'status'}>
      {!error && <span class="spinner" aria-hidden="true" />}
      {text}
    </div>
  );
}

function Summary({ diagram, erd, ms }: { diagram: Diagram; erd: Erd | null; ms: number }): JSX.Element {
  const tables = diagram.nodes.filter((n) => n.kind !== 'external').length;
  const parts = [
    `${tables} ${tables === 1 ? 'table' : 'tables'}`,
    `${diagram.edges.length} foreign ${diagram.edges.length === 1 ? 'key' : 'keys'}`,
    diagram.external ? `${diagram.external} to or from outside` : '',
    diagram.hiddenViews ? `${diagram.hiddenViews} ${diagram.hiddenViews === 1 ? 'view' : 'views'} hidden` : '',
    `laid out in ${ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`}`,
  ].filter(Boolean);
  return (
    <div class="erd-summary" role="status" title={erd ? `${erd.database}: ${erd.schemas.join(', ')}` : undefined}>
      {parts.join(' · ')}
    </div>
  );
}

function Legend(): JSX.Element {
  return (
    <div class="erd-legend" aria-hidden="true">
      <span>
        <svg viewBox="0 0 12 12" class="erd-i-pk">
          <circle cx="3.6" cy="6" r="2.3" fill="none" stroke="currentColor" stroke-width="1.3" />
          <path d="M5.9 6H11M9 6V8.2M10.9 6V7.8" fill="none" stroke="currentColor" stroke-width="1.3" stroke-linecap="round" />
        </svg>
        primary key
      </span>
      <span>
        <svg viewBox="0 0 12 12" class="erd-i-fk">
          <path d="M1.5 6H9.5M7 3.4L9.6 6L7 8.6" fill="none" stroke="currentColor" stroke-width="1.3" stroke-linecap="round" stroke-linejoin="round" />
        </svg>
        foreign key
      </span>
      <span>
        <svg viewBox="0 0 12 12" class="erd-i-col">
          <path d="M6 3.2L8.8 6L6 8.8L3.2 6Z" fill="currentColor" stroke="currentColor" stroke-width="1" />
        </svg>
        not null
      </span>
      <span>
        <svg viewBox="0 0 12 12" class="erd-i-col">
          <path d="M6 3.2L8.8 6L6 8.8L3.2 6Z" fill="none" stroke="currentColor" stroke-width="1" />
        </svg>
        nullable
      </span>
      <span>
        <svg viewBox="0 0 28 12" class="erd-legend-edge">
          <path d="M0 6H28M3 1V11M6.5 1V11M28 1L17 6L28 11" fill="none" stroke="currentColor" stroke-width="1.2" />
        </svg>
        one to many
      </span>
    </div>
  );
}
