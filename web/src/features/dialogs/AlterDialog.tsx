// Properties…: rename an object, change its owner, move it to another
// schema, set or clear its comment, and change what its kind allows (a
// policy's expressions and roles, a domain's default, an enum's labels, a
// trigger's state, a routine's volatility). Only the fields the user changed are
// sent; the SQL tab shows the server's statement for them.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { alterObject, type AlterChanges } from '../../api/ddl';
import { objectProperties } from '../../api/objects';
import type { ObjectNode, Server } from '../../api/servers';
import { CheckboxField, SelectField, TextAreaField, TextField } from '../../components/Field';
import { errorMessage } from '../../lib/format';
import { pathSteps, qualifiedName } from '../../lib/objectPath';
import { refreshObjects } from '../../state/servers';
import { showToast } from '../../state/toasts';
import { kindLabel } from '../browser/objectPanel';
import { DdlFrame } from './DdlFrame';
import { Datalist } from './form';
import { databasePath, useNames } from './names';
import { useTableEdits } from './TableEdits';
import { lastName, objectAltered } from './tree';

/** Parts of a table, and objects whose owner PostgreSQL does not keep or change this way. */
const NO_OWNER = new Set([
  'column',
  'constraint',
  'index',
  'trigger',
  'policy',
  'rule',
  'extension',
  'cast',
  'login_role',
  'group_role',
  'role',
  'user_mapping',
  'domain_constraint',
  'fts_parser',
  'fts_template',
]);

/** Kinds that cannot move to another schema though they sit in one. */
const NO_SCHEMA = new Set(['column', 'constraint', 'index', 'trigger', 'policy', 'rule', 'domain_constraint']);

/** Objects that sit right in a schema's collection ("…/schemas/s/tables/t") can move to another. */
function movable(node: ObjectNode): boolean {
  const steps = pathSteps(node.path);
  return steps.length === 3 && steps[1]!.collection === 'schemas' && !NO_SCHEMA.has(node.kind);
}

interface Values {
  name: string;
  owner: string;
  schema: string;
  comment: string;
}

type Initial = { status: 'loading' } | { status: 'ready'; values: Values } | { status: 'error'; message: string };

function valuesOf(node: ObjectNode, props: Array<{ name: string; value: string | null }>): Values {
  const prop = (key: string) => props.find((p) => p.name.toLowerCase() === key)?.value ?? '';
  const steps = pathSteps(node.path);
  return {
    name: prop('name') || lastName(node.path),
    owner: prop('owner'),
    schema: steps.find((s) => s.collection === 'schemas')?.name ?? '',
    comment: prop('comment'),
  };
}

function changesOf(from: Values, to: Values, fields: { owner: boolean; schema: boolean }): AlterChanges {
  const changes: AlterChanges = {};
  if (to.name.trim() !== from.name) changes.name = to.name.trim();
  if (fields.owner && to.owner.trim() !== from.owner) changes.owner = to.owner.trim();
  if (fields.schema && to.schema.trim() !== from.schema) changes.schema = to.schema.trim();
  if (to.comment !== from.comment) changes.comment = to.comment.trim() === '' ? null : to.comment;
  return changes;
}

/** A change only some kinds have, read from a property and sent as a key of the changes. */
interface Extra {
  key: string;
  /** The property that holds the current value. */
  prop: string;
  label: string;
  control: 'text' | 'code' | 'check' | 'select' | 'lines';
  options?: readonly string[];
  /** The value for the changes (default: as typed). */
  send?: (value: string) => unknown;
}

const commaList = (v: string) => v.split(',').map((r) => r.trim()).filter((r) => r !== '');
const bool = (v: string) => v === 't';

const ROUTINE: Extra[] = [
  { key: 'volatility', prop: 'volatility', label: 'Volatility', control: 'select', options: ['volatile', 'stable', 'immutable'], send: (v) => v.toUpperCase() },
  { key: 'strict', prop: 'strict', label: 'Strict (returns null on null input)', control: 'check', send: bool },
  { key: 'security_definer', prop: 'security_definer', label: 'Security definer (runs with the owner’s rights)', control: 'check', send: bool },
];

/** The definition fields each kind can change besides name, owner, schema and comment. */
const EXTRAS: Record<string, Extra[]> = {
  function: ROUTINE,
  trigger_function: ROUTINE,
  procedure: ROUTINE.filter((e) => e.key === 'security_definer'),
  policy: [
    { key: 'roles', prop: 'roles', label: 'Roles (comma-separated; empty: PUBLIC)', control: 'text', send: commaList },
    { key: 'using', prop: 'using_expression', label: 'USING (which existing rows are visible)', control: 'code' },
    { key: 'check', prop: 'check_expression', label: 'WITH CHECK (which new rows are allowed)', control: 'code' },
  ],
  domain: [
    { key: 'default', prop: 'default_value', label: 'Default', control: 'text', send: (v) => (v.trim() === '' ? null : v) },
    { key: 'not_null', prop: 'not_null', label: 'Not null', control: 'check', send: bool },
  ],
  type: [{ key: 'add_values', prop: '', label: 'New enum labels, one per line (added at the end)', control: 'lines', send: (v) => v.split('\n').map((l) => l.trim()).filter((l) => l !== '') }],
  trigger: [{ key: 'enabled', prop: 'enabled', label: 'Enabled', control: 'check', send: bool }],
};

function extrasOf(node: ObjectNode, props: Array<{ name: string; value: string | null }>): Extra[] {
  const all = EXTRAS[node.kind] ?? [];
  // only an enum takes new labels
  if (node.kind === 'type') return props.some((p) => p.name === 'type_kind' && p.value === 'enum') ? all : [];
  return all;
}

function extraValue(extra: Extra, props: Array<{ name: string; value: string | null }>): string {
  const v = extra.prop ? (props.find((p) => p.name === extra.prop)?.value ?? '') : '';
  if (extra.control === 'check') return v === 'f' || v === 'disabled' || v === '' ? 'f' : 't';
  return v;
}

interface AlterDialogProps {
  server: Server;
  node: ObjectNode;
  onClose: () => void;
}

export function AlterDialog({ server, node, onClose }: AlterDialogProps): JSX.Element {
  const [initial, setInitial] = useState<Initial>({ status: 'loading' });
  const [values, setValues] = useState<Values>({ name: lastName(node.path), owner: '', schema: '', comment: '' });
  const [extras, setExtras] = useState<{ fields: Extra[]; from: Record<string, string>; to: Record<string, string> }>({ fields: [], from: {}, to: {} });
  const fields = { owner: !NO_OWNER.has(node.kind), schema: movable(node) };
  const roles = useNames(server.id, fields.owner ? '/' : null, 'roles');
  const schemas = useNames(server.id, fields.schema ? databasePath(node.path) : null, 'schemas');
  const table = useTableEdits(server, node, node.kind === 'table');

  useEffect(() => {
    let live = true;
    objectProperties(server.id, node.path).then(
      (props) => {
        if (!live) return;
        const found = valuesOf(node, props);
        setInitial({ status: 'ready', values: found });
        setValues(found);
        const fields = extrasOf(node, props);
        const current = Object.fromEntries(fields.map((e) => [e.key, extraValue(e, props)]));
        setExtras({ fields, from: current, to: current });
      },
      (err: unknown) => {
        if (!live) return;
        // Without its properties the object can still be renamed and commented.
        const found = valuesOf(node, []);
        setInitial({ status: 'error', message: errorMessage(err) });
        setValues(found);
      },
    );
    return () => {
      live = false;
    };
  }, []);

  const from = initial.status === 'ready' ? initial.values : initial.status === 'error' ? valuesOf(node, []) : null;
  const changes = from ? changesOf(from, values, fields) : {};
  for (const e of extras.fields) {
    const to = extras.to[e.key] ?? '';
    if (to !== extras.from[e.key] && !(e.control === 'lines' && to.trim() === '')) changes[e.key] = e.send ? e.send(to) : to;
  }
  if (table.edits.length) changes.edits = table.edits;
  const changed = Object.keys(changes).length > 0;
  const set = (key: keyof Values) => (value: string) => setValues((v) => ({ ...v, [key]: value }));
  const kind = kindLabel(node);

  const general = (
    <div class="form-grid">
      {initial.status === 'loading' && (
        <p class="muted">
          <span class="spinner" aria-hidden="true" /> Reading the current values…
        </p>
      )}
      {initial.status === 'error' && <p class="field-hint">The current owner and comment could not be read: {initial.message}</p>}
      <TextField id="ddl-name" label="Name" required value={values.name} onValue={set('name')} />
      {fields.owner && (
        <>
          <TextField id="ddl-owner" label="Owner" list="ddl-roles" value={values.owner} onValue={set('owner')} />
          <Datalist id="ddl-roles" values={roles} />
        </>
      )}
      {fields.schema && (
        <>
          <TextField id="ddl-schema" label="Schema" list="ddl-schemas" value={values.schema} onValue={set('schema')} />
          <Datalist id="ddl-schemas" values={schemas} />
        </>
      )}
      <TextAreaField id="ddl-comment" label="Comment" rows={4} value={values.comment} onValue={set('comment')} />
    </div>
  );

  const setExtra = (key: string) => (value: string) => setExtras((x) => ({ ...x, to: { ...x.to, [key]: value } }));
  const definition = (
    <div class="form-grid">
      {extras.fields.map((e) => {
        const id = `ddl-${e.key.replace('_', '-')}`;
        const value = extras.to[e.key] ?? '';
        if (e.control === 'check') return <CheckboxField key={e.key} id={id} label={e.label} checked={value === 't'} onValue={(on) => setExtra(e.key)(on ? 't' : 'f')} />;
        if (e.control === 'select') return <SelectField key={e.key} id={id} label={e.label} value={value} options={(e.options ?? []).map((o) => ({ value: o, label: o }))} onValue={setExtra(e.key)} />;
        if (e.control === 'text') return <TextField key={e.key} id={id} label={e.label} value={value} onValue={setExtra(e.key)} />;
        return <TextAreaField key={e.key} id={id} label={e.label} rows={e.control === 'lines' ? 4 : 3} mono value={value} onValue={setExtra(e.key)} />;
      })}
    </div>
  );

  return (
    <DdlFrame
      title={`Properties of ${kind} ${qualifiedName(node.path)}`}
      sections={[
        { id: 'general', title: 'General', content: general },
        ...table.sections,
        ...(extras.fields.length ? [{ id: 'definition', title: 'Definition', content: definition }] : []),
      ]}
      formKey={JSON.stringify(changes)}
      size={table.sections.length ? 'large' : undefined}
      idle={initial.status === 'loading' || table.loading ? 'Reading the current values…' : changed ? undefined : 'Nothing changed yet: change a field to see the statement.'}
      send={(preview, extra) => alterObject(server.id, node.path, { ...changes, ...extra }, preview)}
      safer={table.safer}
      onClose={onClose}
      onDone={() => {
        showToast(`Saved ${kind} ${changes.name ?? values.name}.`);
        if (changes.edits) refreshObjects(server.id, node.path);
        void objectAltered(server, node, changes.name ?? null, changes.schema ?? null);
      }}
    />
  );
}
