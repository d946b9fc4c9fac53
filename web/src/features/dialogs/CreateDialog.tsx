// Create <kind>…: a pgAdmin-style form per kind that builds the spec of
// objects/create; the SQL tab shows the server's statement for it.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { createObject, type CreateKind } from '../../api/ddl';
import { CheckboxField, SelectField, TextAreaField, TextField } from '../../components/Field';
import { databaseOf, pathSteps } from '../../lib/objectPath';
import { showToast } from '../../state/toasts';
import { DdlFrame, type SendExtra } from './DdlFrame';
import { KIND_LABELS } from './kinds';
import { Datalist, generalSection, integer, useGeneral, type FormParts, type FormProps, type Place } from './form';
import { COMMON_TYPES, TYPES_LIST_ID, databasePath, useNames } from './names';
import type { CreateTarget } from './state';
import { useDomainForm, usePolicyForm, useRoutineForm, useTriggerForm, useTypeForm } from './CodeForms';
import { useTableForm } from './TableForm';
import { objectCreated } from './tree';


function placeOf(owner: string): Place {
  const steps = pathSteps(owner);
  const named = (collection: string) => steps.find((s) => s.collection === collection)?.name ?? '';
  return { database: databaseOf(owner), schema: named('schemas'), table: named('tables') };
}

function useSchemaForm({ target }: FormProps): FormParts {
  const g = useGeneral(target, true);
  return {
    name: g.name,
    spec: { name: g.name, owner: g.owner, comment: g.comment },
    sections: [{ id: 'general', title: 'General', content: <div class="form-grid">{g.fields}</div> }],
  };
}

const ENCODINGS = ['', 'UTF8', 'SQL_ASCII', 'LATIN1', 'LATIN9', 'WIN1252', 'EUC_JP'];

function useDatabaseForm({ target }: FormProps): FormParts {
  const [name, setName] = useState('');
  const [owner, setOwner] = useState('');
  const [template, setTemplate] = useState('');
  const [tablespace, setTablespace] = useState('');
  const [encoding, setEncoding] = useState('');
  const roles = useNames(target.server.id, '/', 'roles');
  const databases = useNames(target.server.id, '/', 'databases');
  const tablespaces = useNames(target.server.id, '/', 'tablespaces');
  const general = (
    <div class="form-grid">
      <TextField id="ddl-name" label="Name" required value={name} onValue={setName} />
      <TextField id="ddl-owner" label="Owner" list="ddl-roles" value={owner} onValue={setOwner} placeholder="(you)" />
      <Datalist id="ddl-roles" values={roles} />
    </div>
  );
  const definition = (
    <div class="form-grid">
      <SelectField
        id="ddl-encoding"
        label="Encoding"
        value={encoding}
        options={ENCODINGS.map((e) => ({ value: e, label: e || "The template's" }))}
        onValue={setEncoding}
      />
      <div class="form-pair">
        <TextField id="ddl-template" label="Template" list="ddl-databases" value={template} onValue={setTemplate} placeholder="template1" />
        <TextField id="ddl-tablespace" label="Tablespace" list="ddl-tablespaces" value={tablespace} onValue={setTablespace} placeholder="pg_default" />
      </div>
      <Datalist id="ddl-databases" values={databases} />
      <Datalist id="ddl-tablespaces" values={tablespaces} />
    </div>
  );
  return {
    name,
    spec: { name, owner, template, tablespace, encoding },
    sections: [
      { id: 'general', title: 'General', content: general },
      { id: 'definition', title: 'Definition', content: definition },
    ],
  };
}

function useViewForm({ target, place }: FormProps): FormParts {
  const g = useGeneral(target, true);
  const [definition, setDefinition] = useState('');
  return {
    name: g.name,
    spec: { schema: place.schema, name: g.name, owner: g.owner, comment: g.comment, definition },
    sections: [
      generalSection(place, g.fields),
      {
        id: 'definition',
        title: 'Definition',
        content: (
          <TextAreaField id="ddl-definition" label="Query" rows={12} mono value={definition} onValue={setDefinition} placeholder="SELECT …" />
        ),
      },
    ],
  };
}

function useSequenceForm({ target, place }: FormProps): FormParts {
  const g = useGeneral(target, true);
  const [values, setValues] = useState({ start: '', increment: '', minimum: '', maximum: '', cache: '' });
  const [cycle, setCycle] = useState(false);
  const number = (key: keyof typeof values, label: string) => (
    <TextField id={`ddl-${key}`} label={label} inputMode="numeric" value={values[key]} onValue={(v) => setValues({ ...values, [key]: v })} />
  );
  return {
    name: g.name,
    spec: {
      schema: place.schema,
      name: g.name,
      owner: g.owner,
      comment: g.comment,
      start: integer(values.start),
      increment: integer(values.increment),
      minimum: integer(values.minimum),
      maximum: integer(values.maximum),
      cache: integer(values.cache),
      cycle,
    },
    sections: [
      generalSection(place, g.fields),
      {
        id: 'definition',
        title: 'Definition',
        content: (
          <div class="form-grid">
            <div class="form-pair">
              {number('start', 'Start')}
              {number('increment', 'Increment')}
            </div>
            <div class="form-pair">
              {number('minimum', 'Minimum')}
              {number('maximum', 'Maximum')}
            </div>
            <div class="form-pair">
              {number('cache', 'Cache')}
              <CheckboxField id="ddl-cycle" label="Cycle when the end is reached" checked={cycle} onValue={setCycle} />
            </div>
          </div>
        ),
      },
    ],
  };
}

function useExtensionForm({ target }: FormProps): FormParts {
  const [name, setName] = useState('');
  const [schema, setSchema] = useState('');
  const [version, setVersion] = useState('');
  const schemas = useNames(target.server.id, databasePath(target.owner), 'schemas');
  return {
    name,
    spec: { name, schema, version },
    sections: [
      {
        id: 'general',
        title: 'General',
        content: (
          <div class="form-grid">
            <TextField id="ddl-name" label="Name" required value={name} onValue={setName} placeholder="pg_trgm, hstore, …" />
            <div class="form-pair">
              <TextField id="ddl-schema" label="Schema" list="ddl-schemas" value={schema} onValue={setSchema} placeholder="(the extension's default)" />
              <TextField id="ddl-version" label="Version" value={version} onValue={setVersion} placeholder="(the default version)" />
            </div>
            <Datalist id="ddl-schemas" values={schemas} />
          </div>
        ),
      },
    ],
  };
}

function useColumnForm({ target, place }: FormProps): FormParts {
  const g = useGeneral(target, false);
  const [type, setType] = useState('');
  const [notNull, setNotNull] = useState(false);
  const [defaultValue, setDefault] = useState('');
  return {
    name: g.name,
    spec: { schema: place.schema, table: place.table, name: g.name, type, not_null: notNull, default: defaultValue, comment: g.comment },
    sections: [
      generalSection(
        place,
        <>
          {g.fields}
          <div class="form-pair">
            <TextField id="ddl-type" label="Data type" required list={TYPES_LIST_ID} value={type} onValue={setType} />
            <TextField id="ddl-default" label="Default" value={defaultValue} onValue={setDefault} placeholder="an SQL expression" />
          </div>
          <CheckboxField id="ddl-not-null" label="Not null" checked={notNull} onValue={setNotNull} />
          <Datalist id={TYPES_LIST_ID} values={COMMON_TYPES} />
        </>,
        true,
      ),
    ],
  };
}

const INDEX_METHODS = ['btree', 'hash', 'gist', 'spgist', 'gin', 'brin'] as const;

function useIndexForm({ target, place }: FormProps): FormParts {
  const [name, setName] = useState('');
  const [method, setMethod] = useState<string>('btree');
  const [unique, setUnique] = useState(false);
  const [columns, setColumns] = useState<string[]>([]);
  const [where, setWhere] = useState('');
  const [concurrently, setConcurrently] = useState(false);
  const available = useNames(target.server.id, target.owner, 'columns');
  const toggle = (column: string, on: boolean) => setColumns(on ? [...columns, column] : columns.filter((c) => c !== column));
  return {
    name,
    spec: { schema: place.schema, table: place.table, name, method: method === 'btree' ? '' : method, unique, columns, where, ...(concurrently ? { concurrently } : {}) },
    safer: (a) => (a.switch === 'concurrently' ? () => setConcurrently(true) : null),
    sections: [
      generalSection(
        place,
        <>
          <TextField id="ddl-name" label="Name" value={name} onValue={setName} placeholder="(chosen by PostgreSQL)" />
          <div class="form-pair">
            <SelectField id="ddl-method" label="Method" value={method} options={INDEX_METHODS.map((m) => ({ value: m, label: m }))} onValue={setMethod} />
            <CheckboxField id="ddl-unique" label="Unique" checked={unique} onValue={setUnique} />
          </div>
          <fieldset class="ddl-columns-pick">
            <legend>Columns, in index order</legend>
            {available.length === 0 && <p class="muted">Loading the table's columns…</p>}
            {available.map((c) => (
              <CheckboxField key={c} id={`ddl-index-col-${c}`} label={columns.includes(c) ? `${c} (${columns.indexOf(c) + 1})` : c} checked={columns.includes(c)} onValue={(on) => toggle(c, on)} />
            ))}
          </fieldset>
          <TextField id="ddl-where" label="Partial index: WHERE" value={where} onValue={setWhere} placeholder="an SQL condition" />
          <CheckboxField id="ddl-concurrently" label="Concurrently (writes go on while it builds; runs outside a transaction)" checked={concurrently} onValue={setConcurrently} />
        </>,
        true,
      ),
    ],
  };
}

const FORMS: Record<Exclude<CreateKind, 'table'>, (props: FormProps) => FormParts> = {
  database: useDatabaseForm,
  schema: useSchemaForm,
  view: useViewForm,
  materialized_view: useViewForm,
  sequence: useSequenceForm,
  extension: useExtensionForm,
  column: useColumnForm,
  index: useIndexForm,
  function: useRoutineForm,
  procedure: useRoutineForm,
  trigger_function: useRoutineForm,
  type: useTypeForm,
  domain: useDomainForm,
  trigger: useTriggerForm,
  policy: usePolicyForm,
};

interface CreateProps {
  target: CreateTarget;
  onClose: () => void;
}

function CreateFrame({ target, parts, onClose }: CreateProps & { parts: FormParts }): JSX.Element {
  const label = KIND_LABELS[target.kind];
  const place = placeOf(target.owner);
  const send = (preview: boolean, extra: SendExtra) => createObject(target.server.id, target.kind === 'database' ? null : place.database, target.kind, { ...parts.spec, ...extra }, preview);
  const within =
    target.kind === 'column' || target.kind === 'index' || target.kind === 'trigger' || target.kind === 'policy'
      ? `${place.schema}.${place.table}`
      : target.kind === 'database'
        ? target.server.name
        : place.schema || place.database;
  return (
    <DdlFrame
      title={`Create ${label}${within ? ` in ${within}` : ''}`}
      sections={parts.sections}
      formKey={JSON.stringify(parts.spec)}
      send={send}
      safer={parts.safer}
      size={target.kind === 'table' || target.kind === 'function' || target.kind === 'procedure' || target.kind === 'trigger_function' ? 'large' : 'medium'}
      onClose={onClose}
      onDone={() => {
        showToast(parts.name ? `${label} ${parts.name} created.` : `${label} created.`);
        void objectCreated(target.server, target.owner, target.collection, parts.name);
      }}
    />
  );
}

function SimpleCreate({ target, onClose, kind }: CreateProps & { kind: Exclude<CreateKind, 'table'> }): JSX.Element {
  const parts = FORMS[kind]({ target, place: placeOf(target.owner) });
  return <CreateFrame target={target} parts={parts} onClose={onClose} />;
}

function TableCreate({ target, onClose }: CreateProps): JSX.Element {
  const parts = useTableForm({ target, place: placeOf(target.owner) });
  return <CreateFrame target={target} parts={parts} onClose={onClose} />;
}

export function CreateDialog({ target, onClose }: CreateProps): JSX.Element {
  return target.kind === 'table' ? (
    <TableCreate target={target} onClose={onClose} />
  ) : (
    <SimpleCreate key={target.kind} target={target} onClose={onClose} kind={target.kind} />
  );
}
