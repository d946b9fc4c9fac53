// The Table dialog's form: General, a Columns grid (name, type, not null,
// default, primary key, identity; rows added, removed and moved), a list of
// Constraints (unique, check, foreign key) and Advanced (unlogged,
// partitioning, partition of, storage parameters, tablespace). It only builds the spec; the server writes the SQL.
import type { ComponentChildren, JSX } from 'preact';
import { useState } from 'preact/hooks';
import { Button } from '../../components/Button';
import { DataTable, type Heading } from '../../components/DataTable';
import { CheckboxField, SelectField, TextAreaField, TextField } from '../../components/Field';
import { Icon } from '../../components/Icon';
import { AddRowButton, RemoveButton, RowButtons, moved } from '../../components/RowEditing';
import { Datalist, integer, type FormParts, type FormProps } from './form';
import { COMMON_TYPES, TYPES_LIST_ID, databasePath, schemaPath, useNames } from './names';

export type Identity = '' | 'always' | 'by default';

interface ColumnRow {
  row: number;
  name: string;
  type: string;
  notNull: boolean;
  defaultValue: string;
  primaryKey: boolean;
  identity: Identity;
}

export type ConstraintType = 'unique' | 'check' | 'foreign_key' | 'primary_key';

export interface ConstraintRow {
  row: number;
  type: ConstraintType;
  name: string;
  columns: string;
  expression: string;
  refSchema: string;
  refTable: string;
  refColumns: string;
  onDelete: string;
}

const CONSTRAINT_TYPES: ReadonlyArray<{ value: ConstraintType; label: string }> = [
  { value: 'unique', label: 'Unique' },
  { value: 'check', label: 'Check' },
  { value: 'foreign_key', label: 'Foreign key' },
  { value: 'primary_key', label: 'Primary key' },
];

const ON_DELETE = ['', 'NO ACTION', 'RESTRICT', 'CASCADE', 'SET NULL', 'SET DEFAULT'];
const PARTITIONING = ['', 'range', 'list', 'hash'];

let nextRow = 1;

function newColumn(): ColumnRow {
  return { row: nextRow++, name: '', type: '', notNull: false, defaultValue: '', primaryKey: false, identity: '' };
}

export function newConstraint(type: ConstraintType): ConstraintRow {
  return { row: nextRow++, type, name: '', columns: '', expression: '', refSchema: '', refTable: '', refColumns: '', onDelete: '' };
}

/** "a, b" as ["a", "b"]. */
export function names(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function columnSpec(c: ColumnRow): Record<string, unknown> {
  return {
    name: c.name,
    type: c.type,
    not_null: c.notNull,
    default: c.identity ? '' : c.defaultValue,
    identity: c.identity || undefined,
    primary_key: c.primaryKey,
  };
}

export function constraintSpec(c: ConstraintRow): Record<string, unknown> {
  const spec: Record<string, unknown> = { type: c.type, name: c.name };
  if (c.type === 'check') spec.expression = c.expression;
  else spec.columns = names(c.columns);
  if (c.type === 'foreign_key') {
    spec.references = { schema: c.refSchema, table: c.refTable, columns: names(c.refColumns) };
    if (c.onDelete) spec.on_delete = c.onDelete;
  }
  return spec;
}

interface ColumnsGridProps {
  rows: ColumnRow[];
  onRows: (rows: ColumnRow[]) => void;
}

const COLUMN_HEADINGS: Heading[] = [
  { label: 'Name', class: 'ddl-col-name' },
  { label: 'Data type', class: 'ddl-col-type' },
  { label: 'Not null', class: 'ddl-col-flag', title: 'Not null' },
  { label: 'PK', class: 'ddl-col-flag', title: 'Primary key' },
  { label: 'Identity', class: 'ddl-col-identity' },
  { label: 'Default', class: 'ddl-col-default' },
  { label: 'Order and removal', class: 'ddl-col-actions', hidden: true },
];

/** A column's Identity and Default cells: an identity column has no default. */
export function IdentityCells(props: {
  n: number;
  identity: Identity;
  defaultValue: string;
  disabled?: boolean;
  onChange: (change: { identity?: Identity; defaultValue?: string }) => void;
}): JSX.Element {
  const { n, identity, defaultValue, disabled = false, onChange } = props;
  return (
    <>
      <td>
        <select aria-label={`Identity of column ${n}`} value={identity} disabled={disabled} onChange={(e) => onChange({ identity: e.currentTarget.value as Identity })}>
          <option value="">No</option>
          <option value="always">Always</option>
          <option value="by default">By default</option>
        </select>
      </td>
      <td>
        <input
          aria-label={`Default of column ${n}`}
          value={identity ? '' : defaultValue}
          disabled={disabled || identity !== ''}
          placeholder={identity ? 'identity' : ''}
          autocomplete="off"
          spellcheck={false}
          onInput={(e) => onChange({ defaultValue: e.currentTarget.value })}
        />
      </td>
    </>
  );
}

function ColumnsGrid({ rows, onRows }: ColumnsGridProps): JSX.Element {
  const update = (row: number, change: Partial<ColumnRow>) => onRows(rows.map((r) => (r.row === row ? { ...r, ...change } : r)));
  const add = () => {
    const fresh = newColumn();
    onRows([...rows, fresh]);
    requestAnimationFrame(() => document.getElementById(`ddl-col-name-${fresh.row}`)?.focus());
  };
  return (
    <div class="ddl-grid-wrap">
      <DataTable columns={COLUMN_HEADINGS} class="ddl-grid" label="Columns" wrap="" note={rows.length === 0 && 'No columns yet. A table may have none, but most have a key.'}>
        {rows.map((r, i) => {
          const n = i + 1;
          return (
            <tr key={r.row}>
              <td>
                <input
                  id={`ddl-col-name-${r.row}`}
                  aria-label={`Name of column ${n}`}
                  value={r.name}
                  autocomplete="off"
                  spellcheck={false}
                  onInput={(e) => update(r.row, { name: e.currentTarget.value })}
                />
              </td>
              <td>
                <input
                  aria-label={`Type of column ${n}`}
                  list={TYPES_LIST_ID}
                  value={r.type}
                  autocomplete="off"
                  spellcheck={false}
                  onInput={(e) => update(r.row, { type: e.currentTarget.value })}
                />
              </td>
              <td class="ddl-col-flag">
                <input
                  type="checkbox"
                  aria-label={`Column ${n} not null`}
                  checked={r.notNull || r.primaryKey || r.identity !== ''}
                  disabled={r.primaryKey || r.identity !== ''}
                  onChange={(e) => update(r.row, { notNull: e.currentTarget.checked })}
                />
              </td>
              <td class="ddl-col-flag">
                <input
                  type="checkbox"
                  aria-label={`Column ${n} primary key`}
                  checked={r.primaryKey}
                  onChange={(e) => update(r.row, { primaryKey: e.currentTarget.checked })}
                />
              </td>
              <IdentityCells n={n} identity={r.identity} defaultValue={r.defaultValue} onChange={(change) => update(r.row, change)} />
              <RowButtons what={`column ${n}`} index={i} count={rows.length} onMove={(by) => onRows(moved(rows, i, by))} onRemove={() => onRows(rows.filter((x) => x.row !== r.row))} />
            </tr>
          );
        })}
      </DataTable>
      <AddRowButton noun="column" onAdd={add} />
      <Datalist id={TYPES_LIST_ID} values={COMMON_TYPES} />
    </div>
  );
}

interface ConstraintsProps {
  rows: ConstraintRow[];
  onRows: (rows: ConstraintRow[]) => void;
  schemas: string[];
  columnNames: string[];
}

interface CardProps {
  c: ConstraintRow;
  n: number;
  update: (change: Partial<ConstraintRow>) => void;
  remove: () => void;
  /** More fields, under the constraint's own (a table's Properties: NOT VALID). */
  children?: ComponentChildren;
}

export function ConstraintCard({ c, n, update, remove, children }: CardProps): JSX.Element {
  const id = (field: string) => `ddl-con-${field}-${c.row}`;
  return (
    <li class="ddl-constraint">
      <div class="ddl-constraint-head">
        <SelectField id={id('type')} label={`Constraint ${n}`} value={c.type} options={CONSTRAINT_TYPES} onValue={(type) => update({ type })} />
        <TextField id={id('name')} label="Name" value={c.name} onValue={(name) => update({ name })} placeholder="(chosen by PostgreSQL)" />
        <RemoveButton what={`constraint ${n}`} onRemove={remove} />
      </div>
      {c.type === 'check' ? (
        <TextField id={id('expression')} label="Check expression" value={c.expression} onValue={(expression) => update({ expression })} placeholder="price > 0" />
      ) : (
        <TextField id={id('columns')} label="Columns" list="ddl-table-columns" value={c.columns} onValue={(columns) => update({ columns })} placeholder="a, b" />
      )}
      {c.type === 'foreign_key' && (
        <div class="ddl-fk">
          <TextField id={id('ref-schema')} label="References schema" list="ddl-schemas" value={c.refSchema} onValue={(refSchema) => update({ refSchema })} />
          <TextField id={id('ref-table')} label="Table" value={c.refTable} onValue={(refTable) => update({ refTable })} />
          <TextField id={id('ref-columns')} label="Columns" value={c.refColumns} onValue={(refColumns) => update({ refColumns })} placeholder="id" />
          <SelectField
            id={id('on-delete')}
            label="On delete"
            value={c.onDelete}
            options={ON_DELETE.map((v) => ({ value: v, label: v || 'No action' }))}
            onValue={(onDelete) => update({ onDelete })}
          />
        </div>
      )}
      {children}
    </li>
  );
}

function Constraints({ rows, onRows, schemas, columnNames }: ConstraintsProps): JSX.Element {
  const update = (row: number, change: Partial<ConstraintRow>) => onRows(rows.map((r) => (r.row === row ? { ...r, ...change } : r)));
  const add = (type: ConstraintType) => {
    const fresh = newConstraint(type);
    onRows([...rows, fresh]);
    requestAnimationFrame(() => document.getElementById(`ddl-con-${type === 'check' ? 'expression' : 'columns'}-${fresh.row}`)?.focus());
  };
  return (
    <div class="ddl-constraints">
      {rows.length === 0 ? (
        <p class="muted">No table constraints. Primary keys set on columns need none here.</p>
      ) : (
        <ol class="ddl-constraint-list" aria-label="Constraints">
          {rows.map((c, i) => (
            <ConstraintCard key={c.row} c={c} n={i + 1} update={(change) => update(c.row, change)} remove={() => onRows(rows.filter((x) => x.row !== c.row))} />
          ))}
        </ol>
      )}
      <div class="ddl-add-row">
        <Button small onClick={() => add('unique')}>
          <Icon name="plus" size={12} /> Unique
        </Button>
        <Button small onClick={() => add('check')}>
          <Icon name="plus" size={12} /> Check
        </Button>
        <Button small onClick={() => add('foreign_key')}>
          <Icon name="plus" size={12} /> Foreign key
        </Button>
      </div>
      <Datalist id="ddl-table-columns" values={columnNames} />
      <Datalist id="ddl-schemas" values={schemas} />
    </div>
  );
}

export function useTableForm({ target, place }: FormProps): FormParts {
  const [name, setName] = useState('');
  const [owner, setOwner] = useState('');
  const [comment, setComment] = useState('');
  const [columns, setColumns] = useState<ColumnRow[]>(() => [newColumn()]);
  const [constraints, setConstraints] = useState<ConstraintRow[]>([]);
  const [unlogged, setUnlogged] = useState(false);
  const [partition, setPartition] = useState('');
  const [partitionColumns, setPartitionColumns] = useState('');
  const [parent, setParent] = useState('');
  const [bound, setBound] = useState('');
  const [fillfactor, setFillfactor] = useState('');
  const [autovacuum, setAutovacuum] = useState('');
  const [tablespace, setTablespace] = useState('');
  const tables = useNames(target.server.id, schemaPath(target.owner), 'tables');
  const tablespaces = useNames(target.server.id, '/', 'tablespaces');
  const roles = useNames(target.server.id, '/', 'roles');
  const schemas = useNames(target.server.id, databasePath(target.owner), 'schemas');

  const general = (
    <div class="form-grid">
      <div class="form-pair">
        <TextField id="ddl-name" label="Name" required value={name} onValue={setName} />
        <TextField id="ddl-schema" label="Schema" value={place.schema} onValue={() => undefined} disabled />
      </div>
      <TextField id="ddl-owner" label="Owner" list="ddl-roles" value={owner} onValue={setOwner} placeholder="(you)" />
      <Datalist id="ddl-roles" values={roles} />
      <TextAreaField id="ddl-comment" label="Comment" rows={3} value={comment} onValue={setComment} />
    </div>
  );
  const advanced = (
    <div class="form-grid">
      <CheckboxField id="ddl-unlogged" label="Unlogged (not written to the WAL, emptied after a crash)" checked={unlogged} onValue={setUnlogged} />
      <div class="form-pair">
        <SelectField
          id="ddl-partition"
          label="Partition by"
          value={partition}
          options={PARTITIONING.map((p) => ({ value: p, label: p ? p.toUpperCase() : 'Not partitioned' }))}
          onValue={setPartition}
        />
        <TextField id="ddl-partition-columns" label="Partition key columns" list="ddl-table-columns" value={partitionColumns} onValue={setPartitionColumns} placeholder="a, b" />
      </div>
      <div class="form-pair">
        <TextField id="ddl-partition-of" label="Partition of (a partitioned table; its columns are used)" list="ddl-tables" value={parent} onValue={setParent} />
        <TextField id="ddl-bound" label="Partition bound" value={bound} onValue={setBound} placeholder="FOR VALUES FROM (…) TO (…), DEFAULT" />
      </div>
      <Datalist id="ddl-tables" values={tables} />
      <fieldset class="ddl-columns-pick">
        <legend>Storage</legend>
        <div class="form-pair">
          <TextField id="ddl-fillfactor" label="Fill factor (10–100)" inputMode="numeric" value={fillfactor} onValue={setFillfactor} placeholder="100" />
          <SelectField id="ddl-autovacuum" label="Autovacuum" value={autovacuum} options={[{ value: '', label: 'The server’s setting' }, { value: 'on', label: 'On' }, { value: 'off', label: 'Off' }]} onValue={setAutovacuum} />
        </div>
        <TextField id="ddl-tablespace" label="Tablespace" list="ddl-tablespaces" value={tablespace} onValue={setTablespace} placeholder="pg_default" />
        <Datalist id="ddl-tablespaces" values={tablespaces} />
      </fieldset>
    </div>
  );
  const storage: Record<string, unknown> = {};
  if (fillfactor.trim() !== '') storage.fillfactor = integer(fillfactor);
  if (autovacuum) storage.autovacuum_enabled = autovacuum === 'on';
  const columnNames = columns.map((c) => c.name.trim()).filter(Boolean);
  return {
    name,
    spec: {
      schema: place.schema,
      name,
      owner,
      comment,
      unlogged,
      columns: columns.map(columnSpec),
      constraints: constraints.map(constraintSpec),
      partition_by: partition ? { strategy: partition, columns: names(partitionColumns) } : undefined,
      partition_of: parent.trim() ? { table: parent.trim() } : undefined,
      bound: parent.trim() ? bound : undefined,
      storage,
      tablespace,
    },
    sections: [
      { id: 'general', title: 'General', content: general },
      { id: 'columns', title: `Columns (${columns.length})`, content: <ColumnsGrid rows={columns} onRows={setColumns} /> },
      {
        id: 'constraints',
        title: `Constraints (${constraints.length})`,
        content: <Constraints rows={constraints} onRows={setConstraints} schemas={schemas} columnNames={columnNames} />,
      },
      { id: 'advanced', title: 'Advanced', content: advanced },
    ],
  };
}
