// A table's Properties: the Columns, Constraints and Indexes tabs, read
// from the table as it is and turned into the list of edits the server
// writes one ALTER script from (docs/api.md, "edits"). Removing an existing
// row marks it (struck through, with Undo) rather than forgetting it.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { DdlAnnotation } from '../../api/ddl';
import { collectionPage } from '../../api/objects';
import { loadErd } from '../../api/erd';
import type { ObjectNode, Server } from '../../api/servers';
import { Button } from '../../components/Button';
import { DataTable, type Heading } from '../../components/DataTable';
import { Icon } from '../../components/Icon';
import { AddRowButton } from '../../components/RowEditing';
import { errorMessage } from '../../lib/format';
import { databaseOf, relationOf } from '../../lib/objectPath';
import { Datalist } from './form';
import { COMMON_TYPES, TYPES_LIST_ID } from './names';
import { ConstraintCard, IdentityCells, constraintSpec, names, newConstraint, type ConstraintRow, type ConstraintType, type Identity } from './TableForm';
import '../../styles/table-edits.css';

export type Edit = Record<string, unknown> & { op: string };

interface ColumnValues {
  name: string;
  type: string;
  notNull: boolean;
  defaultValue: string;
  identity: Identity;
}

interface ColumnRow extends ColumnValues {
  row: number;
  /** As the table has it; absent for a new column. */
  was?: ColumnValues;
  using: string;
  dropped: boolean;
}

interface Existing {
  name: string;
  definition: string;
  to: string;
  dropped: boolean;
}

interface ConstraintState {
  existing: Array<Existing & { validate: boolean }>;
  added: Array<ConstraintRow & { notValid: boolean; validateLater: boolean }>;
}

interface IndexRow {
  row: number;
  name: string;
  columns: string;
  unique: boolean;
  method: string;
  where: string;
  concurrently: boolean;
}

interface IndexState {
  existing: Array<Existing & { constraint: boolean; concurrently: boolean }>;
  added: IndexRow[];
}

const METHODS = ['btree', 'hash', 'gist', 'spgist', 'gin', 'brin'];
let nextRow = 1;

/** What a constraint is, from the first words of its definition (shown only). */
function constraintKind(definition: string): string {
  const kinds: Array<[string, string]> = [['PRIMARY KEY', 'Primary key'], ['UNIQUE', 'Unique'], ['CHECK', 'Check'], ['FOREIGN KEY', 'Foreign key'], ['EXCLUDE', 'Exclusion']];
  return kinds.find(([k]) => definition.startsWith(k))?.[1] ?? 'Constraint';
}

function blankColumn(): ColumnRow {
  return { row: nextRow++, name: '', type: '', notNull: false, defaultValue: '', identity: '', using: '', dropped: false };
}

// ---- edits ----

/** One existing column's changes, in an order PostgreSQL accepts (default dropped before the type changes, NOT NULL before identity). */
function columnChanges(r: ColumnRow & { was: ColumnValues }): Edit[] {
  const out: Edit[] = [];
  const was = r.was;
  const name = r.name.trim() || was.name;
  if (name !== was.name) out.push({ op: 'rename_column', column: was.name, to: name });
  const column = name;
  // a default goes before the type changes (it may not cast) and comes back after
  const def = r.identity ? '' : r.defaultValue.trim();
  if (def !== was.defaultValue && def === '') out.push({ op: 'drop_default', column });
  if (r.type.trim() !== was.type) out.push({ op: 'set_type', column, type: r.type.trim(), ...(r.using.trim() ? { using: r.using.trim() } : {}) });
  const notNull = r.notNull || r.identity !== '';
  if (notNull !== was.notNull) out.push({ op: notNull ? 'set_not_null' : 'drop_not_null', column });
  if (r.identity !== was.identity) {
    if (!r.identity) out.push({ op: 'drop_identity', column });
    else out.push({ op: was.identity ? 'set_identity' : 'add_identity', column, identity: r.identity });
  }
  if (def !== was.defaultValue && def !== '') out.push({ op: 'set_default', column, default: def });
  return out;
}

function columnEdits(rows: ColumnRow[]): Edit[] {
  const out: Edit[] = [];
  for (const r of rows) if (r.was && r.dropped) out.push({ op: 'drop_column', column: r.was.name });
  for (const r of rows) if (r.was && !r.dropped) out.push(...columnChanges(r as ColumnRow & { was: ColumnValues }));
  for (const r of rows) {
    if (r.was || r.dropped || (r.name.trim() === '' && r.type.trim() === '')) continue;
    const column: Record<string, unknown> = { name: r.name.trim(), type: r.type.trim(), not_null: r.notNull || r.identity !== '' };
    if (r.identity) column.identity = r.identity;
    else if (r.defaultValue.trim()) column.default = r.defaultValue.trim();
    out.push({ op: 'add_column', column });
  }
  return out;
}

function indexSpec(r: IndexRow): Edit {
  const index: Record<string, unknown> = { columns: names(r.columns), unique: r.unique };
  if (r.name.trim()) index.name = r.name.trim();
  if (r.method && r.method !== 'btree') index.method = r.method;
  if (r.where.trim()) index.where = r.where.trim();
  return { op: 'create_index', index, ...(r.concurrently ? { concurrently: true } : {}) };
}

/** Where an edit comes from, for the switch to its safer form: a new index or constraint (by row), a dropped index (by name). */
type Origin = { index: number } | { dropIndex: string } | { constraint: number } | null;

/** A check or foreign key added NOT VALID, and validated on its own after the commit when asked. */
function addedConstraint(c: ConstraintState['added'][number]): Edit {
  const checked = c.type === 'check' || c.type === 'foreign_key';
  const how = checked && c.validateLater ? { validate_later: true } : checked && c.notValid ? { not_valid: true } : {};
  return { op: 'add_constraint', constraint: constraintSpec(c), ...how };
}

/** Every edit, in the order they can run: drops of constraints and indexes first, then columns, then what is added; ORIGINS gets where each comes from. */
export function tableEdits(columns: ColumnRow[], cons: ConstraintState, ixs: IndexState, origins: Origin[] = []): Edit[] {
  const out: Edit[] = [];
  const push = (edit: Edit, origin: Origin = null) => {
    out.push(edit);
    origins.push(origin);
  };
  for (const c of cons.existing) if (c.dropped) push({ op: 'drop_constraint', name: c.name });
  for (const i of ixs.existing) if (i.dropped) push({ op: 'drop_index', name: i.name, ...(i.concurrently ? { concurrently: true } : {}) }, { dropIndex: i.name });
  for (const e of columnEdits(columns)) push(e);
  for (const c of cons.existing) {
    if (c.dropped) continue;
    if (c.to.trim() && c.to.trim() !== c.name) push({ op: 'rename_constraint', name: c.name, to: c.to.trim() });
    if (c.validate) push({ op: 'validate_constraint', name: c.to.trim() || c.name });
  }
  for (const c of cons.added) push(addedConstraint(c), { constraint: c.row });
  for (const i of ixs.existing) if (!i.dropped && i.to.trim() && i.to.trim() !== i.name) push({ op: 'rename_index', name: i.name, to: i.to.trim() });
  for (const i of ixs.added) push(indexSpec(i), { index: i.row });
  return out;
}

/** A name for a constraint PostgreSQL would otherwise choose: VALIDATE CONSTRAINT has to name it. */
function constraintName(table: string, c: ConstraintRow, taken: string[]): string {
  const base = `${table}_${c.type === 'check' ? 'check' : `${names(c.columns)[0] ?? 'x'}_fkey`}`.slice(0, 60);
  let name = base;
  for (let n = 1; taken.includes(name); n++) name = `${base}${n}`;
  return name;
}

// ---- the tabs ----

/** Struck through with Undo, or a Drop button. */
function DropToggle({ what, dropped, onToggle }: { what: string; dropped: boolean; onToggle: (dropped: boolean) => void }): JSX.Element {
  return dropped ? (
    <button type="button" class="link-btn" aria-label={`Keep ${what}`} onClick={() => onToggle(false)}>
      Undo
    </button>
  ) : (
    <button type="button" class="icon-btn" aria-label={`Drop ${what}`} title="Drop" onClick={() => onToggle(true)}>
      <Icon name="close" size={14} />
    </button>
  );
}

const COLUMN_HEADINGS: Heading[] = [
  { label: 'Name', class: 'ddl-col-name' },
  { label: 'Data type', class: 'ddl-col-type' },
  { label: 'USING (type change)', class: 'tbl-col-using' },
  { label: 'Not null', class: 'ddl-col-flag', title: 'Not null' },
  { label: 'Identity', class: 'ddl-col-identity' },
  { label: 'Default', class: 'ddl-col-default' },
  { label: 'Drop', class: 'tbl-col-drop', hidden: true },
];

function ColumnCells({ r, n, update }: { r: ColumnRow; n: number; update: (change: Partial<ColumnRow>) => void }): JSX.Element {
  const typeChanged = r.was !== undefined && r.type.trim() !== r.was.type;
  const off = r.dropped;
  return (
    <>
      <td>
        <input id={`tbl-col-name-${r.row}`} aria-label={`Name of column ${n}`} value={r.name} disabled={off} autocomplete="off" spellcheck={false} onInput={(e) => update({ name: e.currentTarget.value })} />
      </td>
      <td>
        <input aria-label={`Type of column ${n}`} list={TYPES_LIST_ID} value={r.type} disabled={off} autocomplete="off" spellcheck={false} onInput={(e) => update({ type: e.currentTarget.value })} />
      </td>
      <td>
        <input
          aria-label={`USING expression of column ${n}`}
          value={r.using}
          disabled={off || !typeChanged}
          placeholder={typeChanged ? `${r.was!.name}::${r.type.trim()}` : ''}
          autocomplete="off"
          spellcheck={false}
          onInput={(e) => update({ using: e.currentTarget.value })}
        />
      </td>
      <td class="ddl-col-flag">
        <input type="checkbox" aria-label={`Column ${n} not null`} checked={r.notNull || r.identity !== ''} disabled={off || r.identity !== ''} onChange={(e) => update({ notNull: e.currentTarget.checked })} />
      </td>
      <IdentityCells n={n} identity={r.identity} defaultValue={r.defaultValue} disabled={off} onChange={update} />
    </>
  );
}

function ColumnsTab({ rows, onRows }: { rows: ColumnRow[]; onRows: (rows: ColumnRow[]) => void }): JSX.Element {
  const update = (row: number, change: Partial<ColumnRow>) => onRows(rows.map((r) => (r.row === row ? { ...r, ...change } : r)));
  const add = () => {
    const fresh = blankColumn();
    onRows([...rows, fresh]);
    requestAnimationFrame(() => document.getElementById(`tbl-col-name-${fresh.row}`)?.focus());
  };
  return (
    <div class="ddl-grid-wrap">
      <DataTable columns={COLUMN_HEADINGS} class="ddl-grid tbl-edit-grid" label="Columns" wrap="">
        {rows.map((r, i) => {
          const what = `column ${r.was?.name ?? (r.name || i + 1)}`;
          return (
            <tr key={r.row} class={r.dropped ? 'is-dropped' : !r.was ? 'is-new' : columnChanges(r as ColumnRow & { was: ColumnValues }).length ? 'is-changed' : undefined}>
              <ColumnCells r={r} n={i + 1} update={(change) => update(r.row, change)} />
              <td class="tbl-col-drop">
                {r.was ? (
                  <DropToggle what={what} dropped={r.dropped} onToggle={(dropped) => update(r.row, { dropped })} />
                ) : (
                  <button type="button" class="icon-btn" aria-label={`Remove new ${what}`} title="Remove" onClick={() => onRows(rows.filter((x) => x.row !== r.row))}>
                    <Icon name="close" size={14} />
                  </button>
                )}
              </td>
            </tr>
          );
        })}
      </DataTable>
      <AddRowButton noun="column" onAdd={add} />
      <Datalist id={TYPES_LIST_ID} values={COMMON_TYPES} />
    </div>
  );
}

/** The existing constraints or indexes: name (renamed in place), definition, drop. */
function ExistingList<T extends Existing>({ label, items, onItems, extra }: { label: string; items: T[]; onItems: (items: T[]) => void; extra?: (item: T, set: (change: Partial<T>) => void) => JSX.Element | null }): JSX.Element {
  const set = (i: number) => (change: Partial<T>) => onItems(items.map((x, k) => (k === i ? { ...x, ...change } : x)));
  if (items.length === 0) return <p class="muted">None yet.</p>;
  return (
    <ul class="tbl-existing" aria-label={label}>
      {items.map((item, i) => (
        <li key={item.name} class={item.dropped ? 'is-dropped' : item.to.trim() && item.to.trim() !== item.name ? 'is-changed' : undefined}>
          <input class="tbl-existing-name" aria-label={`Name of ${item.name}`} value={item.to} disabled={item.dropped} autocomplete="off" spellcheck={false} onInput={(e) => set(i)({ to: e.currentTarget.value } as Partial<T>)} />
          <code class="tbl-existing-def" title={item.definition}>
            {item.definition}
          </code>
          {extra?.(item, set(i))}
        </li>
      ))}
    </ul>
  );
}

function ConstraintsTab({ state, onState, columnNames }: { state: ConstraintState; onState: (s: ConstraintState) => void; columnNames: string[] }): JSX.Element {
  const setAdded = (added: ConstraintState['added']) => onState({ ...state, added });
  const add = (type: ConstraintType) => {
    const fresh = { ...newConstraint(type), notValid: false, validateLater: false };
    setAdded([...state.added, fresh]);
    requestAnimationFrame(() => document.getElementById(`ddl-con-${type === 'check' ? 'expression' : 'columns'}-${fresh.row}`)?.focus());
  };
  return (
    <div class="ddl-constraints">
      <ExistingList
        label="Constraints of the table"
        items={state.existing}
        onItems={(existing) => onState({ ...state, existing })}
        extra={(c, set) => (
          <>
            <span class="tbl-kind">{constraintKind(c.definition)}</span>
            {c.definition.endsWith('NOT VALID') && !c.dropped && (
              <label class="tbl-inline-check">
                <input type="checkbox" checked={c.validate} onChange={(e) => set({ validate: e.currentTarget.checked })} /> Validate
              </label>
            )}
            <DropToggle what={`constraint ${c.name}`} dropped={c.dropped} onToggle={(dropped) => set({ dropped })} />
          </>
        )}
      />
      {state.added.length > 0 && (
        <ol class="ddl-constraint-list" aria-label="New constraints">
          {state.added.map((c, i) => {
            const update = (change: Partial<ConstraintRow & { notValid: boolean; validateLater: boolean }>) => setAdded(state.added.map((x) => (x.row === c.row ? { ...x, ...change } : x)));
            return (
              <ConstraintCard key={c.row} c={c} n={i + 1} update={update} remove={() => setAdded(state.added.filter((x) => x.row !== c.row))}>
                {(c.type === 'check' || c.type === 'foreign_key') && (
                  <>
                    <label class="tbl-inline-check">
                      <input type="checkbox" checked={c.notValid || c.validateLater} onChange={(e) => update({ notValid: e.currentTarget.checked, validateLater: e.currentTarget.checked && c.validateLater })} /> NOT VALID (existing rows are not checked now)
                    </label>
                    <label class="tbl-inline-check">
                      <input type="checkbox" checked={c.validateLater} disabled={!c.notValid && !c.validateLater} onChange={(e) => update({ validateLater: e.currentTarget.checked })} /> then VALIDATE after the commit (writes go on while it checks)
                    </label>
                  </>
                )}
              </ConstraintCard>
            );
          })}
        </ol>
      )}
      <div class="ddl-add-row">
        {(['primary_key', 'unique', 'check', 'foreign_key'] as const).map((type) => (
          <Button key={type} small onClick={() => add(type)}>
            <Icon name="plus" size={12} /> {{ primary_key: 'Primary key', unique: 'Unique', check: 'Check', foreign_key: 'Foreign key' }[type]}
          </Button>
        ))}
      </div>
      <Datalist id="ddl-table-columns" values={columnNames} />
    </div>
  );
}

const INDEX_HEADINGS: Heading[] = [
  { label: 'Name', class: 'ddl-col-name' },
  { label: 'Columns', class: 'ddl-col-type' },
  { label: 'Unique', class: 'ddl-col-flag' },
  { label: 'Method', class: 'ddl-col-identity' },
  { label: 'WHERE (partial index)', class: 'ddl-col-default' },
  { label: 'Concurrently', class: 'ddl-col-flag', title: 'CREATE INDEX CONCURRENTLY: runs on its own after the rest commits' },
  { label: 'Remove', class: 'tbl-col-drop', hidden: true },
];

function NewIndexRow({ r, n, update, remove }: { r: IndexRow; n: number; update: (c: Partial<IndexRow>) => void; remove: () => void }): JSX.Element {
  const input = (field: 'name' | 'columns' | 'where', label: string, placeholder = '') => (
    <td>
      <input id={`tbl-ix-${field}-${r.row}`} aria-label={`${label} of new index ${n}`} list={field === 'columns' ? 'ddl-table-columns' : undefined} value={r[field]} placeholder={placeholder} autocomplete="off" spellcheck={false} onInput={(e) => update({ [field]: e.currentTarget.value })} />
    </td>
  );
  return (
    <tr>
      {input('name', 'Name', '(chosen by PostgreSQL)')}
      {input('columns', 'Columns', 'a, b')}
      <td class="ddl-col-flag">
        <input type="checkbox" aria-label={`New index ${n} unique`} checked={r.unique} onChange={(e) => update({ unique: e.currentTarget.checked })} />
      </td>
      <td>
        <select aria-label={`Method of new index ${n}`} value={r.method} onChange={(e) => update({ method: e.currentTarget.value })}>
          {METHODS.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
        </select>
      </td>
      {input('where', 'WHERE')}
      <td class="ddl-col-flag">
        <input type="checkbox" aria-label={`Create new index ${n} concurrently`} checked={r.concurrently} onChange={(e) => update({ concurrently: e.currentTarget.checked })} />
      </td>
      <td class="tbl-col-drop">
        <button type="button" class="icon-btn" aria-label={`Remove new index ${n}`} title="Remove" onClick={remove}>
          <Icon name="close" size={14} />
        </button>
      </td>
    </tr>
  );
}

function IndexesTab({ state, onState }: { state: IndexState; onState: (s: IndexState) => void }): JSX.Element {
  const setAdded = (added: IndexRow[]) => onState({ ...state, added });
  const add = () => {
    const fresh: IndexRow = { row: nextRow++, name: '', columns: '', unique: false, method: 'btree', where: '', concurrently: false };
    setAdded([...state.added, fresh]);
    requestAnimationFrame(() => document.getElementById(`tbl-ix-columns-${fresh.row}`)?.focus());
  };
  return (
    <div class="ddl-constraints">
      <ExistingList
        label="Indexes of the table"
        items={state.existing}
        onItems={(existing) => onState({ ...state, existing })}
        extra={(ix, set) =>
          ix.constraint ? (
            <span class="tbl-kind" title="Dropped or renamed with its constraint">
              constraint’s
            </span>
          ) : (
            <>
              {ix.dropped && (
                <label class="tbl-inline-check">
                  <input type="checkbox" checked={ix.concurrently} onChange={(e) => set({ concurrently: e.currentTarget.checked })} /> Concurrently
                </label>
              )}
              <DropToggle what={`index ${ix.name}`} dropped={ix.dropped} onToggle={(dropped) => set({ dropped })} />
            </>
          )
        }
      />
      {state.added.length > 0 && (
        <DataTable columns={INDEX_HEADINGS} class="ddl-grid" label="New indexes" wrap="">
          {state.added.map((r, i) => (
            <NewIndexRow key={r.row} r={r} n={i + 1} update={(c) => setAdded(state.added.map((x) => (x.row === r.row ? { ...x, ...c } : x)))} remove={() => setAdded(state.added.filter((x) => x.row !== r.row))} />
          ))}
        </DataTable>
      )}
      <AddRowButton noun="index" onAdd={add} />
    </div>
  );
}

// ---- loading ----

type Loaded = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready' };

async function readTable(server: Server, node: ObjectNode) {
  const db = databaseOf(node.path)!;
  const rel = relationOf(node.path)!;
  const page = (collection: string) => collectionPage(server.id, `${node.path}/${collection}`, { offset: 0, limit: 1000 });
  const [erd, cons, ixs] = await Promise.all([loadErd(server.id, db, [rel.schema], [rel.table]), page('constraints'), page('indexes')]);
  const table = erd.tables.find((t) => t.schema === rel.schema && t.name === rel.table);
  if (!table) throw new Error('The table is not there any more.');
  const columns: ColumnRow[] = table.columns.map((c) => {
    const was: ColumnValues = { name: c.name, type: c.type, notNull: c.not_null, defaultValue: c.identity ? '' : (c.default ?? ''), identity: c.identity ?? '' };
    return { row: nextRow++, ...was, was, using: '', dropped: false };
  });
  const at = (p: typeof cons, col: string) => p.columns.indexOf(col);
  const listed = (p: typeof cons) => p.rows.map((r) => ({ name: r.values[at(p, 'name')] ?? '', definition: r.values[at(p, 'definition')] ?? '' }));
  const conList = listed(cons);
  const backing = new Set(conList.filter((c) => /^(PRIMARY KEY|UNIQUE|EXCLUDE)/.test(c.definition)).map((c) => c.name));
  return {
    columns,
    constraints: { existing: conList.map((c) => ({ ...c, to: c.name, dropped: false, validate: false })), added: [] },
    indexes: { existing: listed(ixs).map((i) => ({ ...i, to: i.name, dropped: false, constraint: backing.has(i.name), concurrently: false })), added: [] },
  };
}

/** The three tabs of a table's Properties and the edits they make; null sections for any other kind. */
export function useTableEdits(server: Server, node: ObjectNode, enabled: boolean) {
  const [loaded, setLoaded] = useState<Loaded>({ status: enabled ? 'loading' : 'ready' });
  const [columns, setColumns] = useState<ColumnRow[]>([]);
  const [cons, setCons] = useState<ConstraintState>({ existing: [], added: [] });
  const [ixs, setIxs] = useState<IndexState>({ existing: [], added: [] });
  useEffect(() => {
    if (!enabled) return undefined;
    let live = true;
    readTable(server, node).then(
      (t) => {
        if (!live) return;
        setColumns(t.columns);
        setCons(t.constraints);
        setIxs(t.indexes);
        setLoaded({ status: 'ready' });
      },
      (err: unknown) => live && setLoaded({ status: 'error', message: errorMessage(err) }),
    );
    return () => {
      live = false;
    };
  }, []);
  if (!enabled) return { sections: [], edits: [], loading: false, safer: undefined };
  const origins: Origin[] = [];
  const edits = loaded.status === 'ready' ? tableEdits(columns, cons, ixs, origins) : [];
  const table = relationOf(node.path)?.table ?? 'table';
  /** The switch to the safer form of the statement edit A.edit made: CONCURRENTLY, or NOT VALID then VALIDATE. */
  const safer = (a: DdlAnnotation): (() => void) | null => {
    const from = a.edit === null ? null : origins[a.edit];
    if (!from) return null;
    if (a.switch === 'concurrently' && 'index' in from) return () => setIxs((s) => ({ ...s, added: s.added.map((r) => (r.row === from.index ? { ...r, concurrently: true } : r)) }));
    if (a.switch === 'concurrently' && 'dropIndex' in from) return () => setIxs((s) => ({ ...s, existing: s.existing.map((r) => (r.name === from.dropIndex ? { ...r, concurrently: true } : r)) }));
    if (a.switch === 'validate_later' && 'constraint' in from)
      return () =>
        setCons((s) => {
          const taken = [...s.existing.map((c) => c.name), ...s.added.map((c) => c.name.trim())];
          return { ...s, added: s.added.map((c) => (c.row === from.constraint ? { ...c, notValid: true, validateLater: true, name: c.name.trim() || constraintName(table, c, taken) } : c)) };
        });
    return null;
  };
  const state = (content: JSX.Element) =>
    loaded.status === 'ready' ? content : loaded.status === 'loading' ? (
      <p class="muted">
        <span class="spinner" aria-hidden="true" /> Reading the table…
      </p>
    ) : (
      <p class="form-error" role="alert">
        The table’s parts could not be read: {loaded.message}
      </p>
    );
  const live = (rows: { dropped: boolean }[]) => rows.filter((r) => !r.dropped).length;
  const columnNames = columns.filter((c) => !c.dropped).map((c) => c.name.trim()).filter(Boolean);
  return {
    loading: loaded.status === 'loading',
    edits,
    safer,
    sections: [
      { id: 'columns', title: `Columns (${live(columns)})`, content: state(<ColumnsTab rows={columns} onRows={setColumns} />) },
      { id: 'constraints', title: `Constraints (${live(cons.existing) + cons.added.length})`, content: state(<ConstraintsTab state={cons} onState={setCons} columnNames={columnNames} />) },
      { id: 'indexes', title: `Indexes (${live(ixs.existing) + ixs.added.length})`, content: state(<IndexesTab state={ixs} onState={setIxs} />) },
    ],
  };
}
