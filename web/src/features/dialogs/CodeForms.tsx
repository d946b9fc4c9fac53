// Create forms for code and its guards: functions, procedures and trigger
// functions, types (composite, enum, range), domains, triggers and
// row-level security policies. Each builds the spec objects/create takes.
import { useState } from 'preact/hooks';
import { CheckboxField, SelectField, TextAreaField, TextField } from '../../components/Field';
import { Datalist, generalSection, integer, useGeneral, type FormParts, type FormProps } from './form';
import { COMMON_TYPES, TYPES_LIST_ID, databasePath, schemaPath, useNames } from './names';
import { RowsGrid, type GridColumn, type GridRow } from './RowsGrid';

const options = (values: readonly string[], labels?: Record<string, string>) => values.map((v) => ({ value: v, label: labels?.[v] ?? v }));

/** Lines of a text area, trimmed, without the empty ones. */
function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** Comma-separated names, trimmed, without the empty ones. */
function commaList(text: string): string[] {
  return text
    .split(',')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** A name as the tree lists it ("stamp()" for a function), without its arguments. */
function bareName(label: string): string {
  const paren = label.indexOf('(');
  return paren > 0 ? label.slice(0, paren) : label;
}

/* ---- functions, procedures, trigger functions ---- */

const ARG_COLUMNS: readonly GridColumn[] = [
  { key: 'mode', title: 'Mode', options: ['IN', 'OUT', 'INOUT', 'VARIADIC'] },
  { key: 'name', title: 'Name' },
  { key: 'type', title: 'Data type', list: TYPES_LIST_ID },
  { key: 'default', title: 'Default', placeholder: 'an SQL expression' },
];

const LANGUAGES = ['sql', 'plpgsql'];
const VOLATILITY = ['VOLATILE', 'STABLE', 'IMMUTABLE'] as const;
const PARALLEL = ['UNSAFE', 'RESTRICTED', 'SAFE'] as const;

export function useRoutineForm({ target, place }: FormProps): FormParts {
  const kind = target.kind;
  const procedure = kind === 'procedure';
  const trigger = kind === 'trigger_function';
  const g = useGeneral(target, true);
  const [args, setArgs] = useState<GridRow[]>([]);
  const [returns, setReturns] = useState(trigger ? 'trigger' : '');
  const [language, setLanguage] = useState(trigger || procedure ? 'plpgsql' : 'sql');
  const [body, setBody] = useState(trigger ? 'BEGIN\n    RETURN NEW;\nEND' : procedure ? 'BEGIN\n\nEND' : '');
  const [volatility, setVolatility] = useState<string>('VOLATILE');
  const [parallel, setParallel] = useState<string>('UNSAFE');
  const [flags, setFlags] = useState({ strict: false, security_definer: false, leakproof: false, or_replace: false });
  const [cost, setCost] = useState('');
  const [rows, setRows] = useState('');
  const languages = useNames(target.server.id, databasePath(target.owner), 'languages');
  const flag = (key: keyof typeof flags, label: string) => (
    <CheckboxField id={`ddl-${key.replace('_', '-')}`} label={label} checked={flags[key]} onValue={(on) => setFlags({ ...flags, [key]: on })} />
  );
  const spec = {
    schema: place.schema,
    name: g.name,
    owner: g.owner,
    comment: g.comment,
    arguments: args.filter((a) => a.values.type!.trim() !== '').map((a) => ({ mode: a.values.mode, name: a.values.name, type: a.values.type, default: a.values.default })),
    returns: procedure ? undefined : returns,
    language,
    definition: body,
    volatility: procedure ? undefined : volatility,
    parallel: procedure ? undefined : parallel,
    cost: procedure ? undefined : integer(cost),
    rows: procedure ? undefined : integer(rows),
    ...flags,
  };
  const definition = (
    <div class="form-grid">
      <div class="form-pair">
        {!procedure && (
          <TextField id="ddl-returns" label="Returns" required list={trigger ? 'ddl-trigger-returns' : TYPES_LIST_ID} value={returns} onValue={setReturns} placeholder="integer, SETOF text, TABLE (…)" />
        )}
        <TextField id="ddl-language" label="Language" required list="ddl-languages" value={language} onValue={setLanguage} />
      </div>
      <Datalist id="ddl-languages" values={languages.length ? languages : LANGUAGES} />
      <Datalist id="ddl-trigger-returns" values={['trigger', 'event_trigger']} />
      <TextAreaField id="ddl-definition" label="Code" rows={12} mono value={body} onValue={setBody} />
    </div>
  );
  const sections = [
    generalSection(place, g.fields),
    { id: 'definition', title: 'Code', content: definition },
    ...(trigger
      ? []
      : [
          {
            id: 'arguments',
            title: `Arguments (${args.length})`,
            content: (
              <>
                <RowsGrid noun="argument" columns={ARG_COLUMNS} rows={args} onRows={setArgs} empty="No arguments." />
                <Datalist id={TYPES_LIST_ID} values={COMMON_TYPES} />
              </>
            ),
          },
        ]),
    {
      id: 'options',
      title: 'Options',
      content: (
        <div class="form-grid">
          {!procedure && (
            <div class="form-pair">
              <SelectField id="ddl-volatility" label="Volatility" value={volatility} options={options(VOLATILITY)} onValue={setVolatility} />
              <SelectField id="ddl-parallel" label="Parallel" value={parallel} options={options(PARALLEL)} onValue={setParallel} />
            </div>
          )}
          {!procedure && (
            <div class="form-pair">
              <TextField id="ddl-cost" label="Estimated cost" inputMode="numeric" value={cost} onValue={setCost} placeholder="100" />
              <TextField id="ddl-rows" label="Estimated rows" inputMode="numeric" value={rows} onValue={setRows} placeholder="1000 (set-returning)" />
            </div>
          )}
          {!procedure && flag('strict', 'Strict (returns null on null input)')}
          {flag('security_definer', 'Security definer (runs with the owner’s rights)')}
          {!procedure && flag('leakproof', 'Leak proof')}
          {flag('or_replace', 'Replace it if it exists (CREATE OR REPLACE)')}
        </div>
      ),
    },
  ];
  return { name: g.name, spec, sections };
}

/* ---- types ---- */

const ATTR_COLUMNS: readonly GridColumn[] = [
  { key: 'name', title: 'Name' },
  { key: 'type', title: 'Data type', list: TYPES_LIST_ID },
  { key: 'collation', title: 'Collation', placeholder: '(the type’s)' },
];

type TypeForm = 'composite' | 'enum' | 'range';

export function useTypeForm({ target, place }: FormProps): FormParts {
  const g = useGeneral(target, true);
  const [form, setForm] = useState<TypeForm>('composite');
  const [attrs, setAttrs] = useState<GridRow[]>([]);
  const [labels, setLabels] = useState('');
  const [range, setRange] = useState({ subtype: '', subtype_opclass: '', collation: '', canonical: '', subtype_diff: '' });
  const rangeField = (key: keyof typeof range, label: string, placeholder?: string) => (
    <TextField id={`ddl-${key.replace('_', '-')}`} label={label} value={range[key]} placeholder={placeholder} list={key === 'subtype' ? TYPES_LIST_ID : undefined} onValue={(v) => setRange({ ...range, [key]: v })} />
  );
  const spec = {
    schema: place.schema,
    name: g.name,
    owner: g.owner,
    comment: g.comment,
    form,
    ...(form === 'composite' ? { attributes: attrs.map((a) => ({ name: a.values.name, type: a.values.type, collation: a.values.collation })) } : {}),
    ...(form === 'enum' ? { labels: lines(labels) } : {}),
    ...(form === 'range' ? range : {}),
  };
  const definition = (
    <div class="form-grid">
      <SelectField id="ddl-type-form" label="Kind" value={form} options={options(['composite', 'enum', 'range'], { composite: 'Composite (a row of attributes)', enum: 'Enumeration (a list of labels)', range: 'Range (of a subtype)' })} onValue={(v) => setForm(v as TypeForm)} />
      {form === 'composite' && <RowsGrid noun="attribute" columns={ATTR_COLUMNS} rows={attrs} onRows={setAttrs} empty="No attributes yet: a composite type needs at least one." />}
      {form === 'enum' && <TextAreaField id="ddl-labels" label="Labels, one per line, in order" rows={8} mono value={labels} onValue={setLabels} />}
      {form === 'range' && (
        <>
          <div class="form-pair">
            {rangeField('subtype', 'Subtype', 'numeric, timestamptz, …')}
            {rangeField('subtype_opclass', 'Subtype operator class', '(the default)')}
          </div>
          <div class="form-pair">
            {rangeField('collation', 'Collation', '(the subtype’s)')}
            {rangeField('canonical', 'Canonical function')}
          </div>
          {rangeField('subtype_diff', 'Subtype difference function', 'float8mi, …')}
        </>
      )}
      <Datalist id={TYPES_LIST_ID} values={COMMON_TYPES} />
    </div>
  );
  return { name: g.name, spec, sections: [generalSection(place, g.fields), { id: 'definition', title: 'Definition', content: definition }] };
}

/* ---- domains ---- */

const CHECK_COLUMNS: readonly GridColumn[] = [
  { key: 'name', title: 'Name', placeholder: '(chosen by PostgreSQL)' },
  { key: 'check', title: 'Check', placeholder: 'VALUE > 0' },
];

export function useDomainForm({ target, place }: FormProps): FormParts {
  const g = useGeneral(target, true);
  const [type, setType] = useState('');
  const [defaultValue, setDefault] = useState('');
  const [collation, setCollation] = useState('');
  const [notNull, setNotNull] = useState(false);
  const [checks, setChecks] = useState<GridRow[]>([]);
  const spec = {
    schema: place.schema,
    name: g.name,
    owner: g.owner,
    comment: g.comment,
    type,
    default: defaultValue,
    collation,
    not_null: notNull,
    constraints: checks.filter((c) => c.values.check!.trim() !== '').map((c) => ({ name: c.values.name, check: c.values.check })),
  };
  const definition = (
    <div class="form-grid">
      <div class="form-pair">
        <TextField id="ddl-type" label="Base type" required list={TYPES_LIST_ID} value={type} onValue={setType} />
        <TextField id="ddl-default" label="Default" value={defaultValue} onValue={setDefault} placeholder="an SQL expression" />
      </div>
      <div class="form-pair">
        <TextField id="ddl-collation" label="Collation" value={collation} onValue={setCollation} placeholder="(the type’s)" />
        <CheckboxField id="ddl-not-null" label="Not null" checked={notNull} onValue={setNotNull} />
      </div>
      <Datalist id={TYPES_LIST_ID} values={COMMON_TYPES} />
    </div>
  );
  return {
    name: g.name,
    spec,
    sections: [
      generalSection(place, g.fields),
      { id: 'definition', title: 'Definition', content: definition },
      { id: 'checks', title: `Checks (${checks.length})`, content: <RowsGrid noun="check" columns={CHECK_COLUMNS} rows={checks} onRows={setChecks} empty="No checks: any value of the base type is allowed." /> },
    ],
  };
}

/* ---- triggers ---- */

const TIMINGS = ['BEFORE', 'AFTER', 'INSTEAD OF'] as const;
const EVENTS = ['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE'] as const;

export function useTriggerForm({ target, place }: FormProps): FormParts {
  const g = useGeneral(target, false);
  const [timing, setTiming] = useState<string>('BEFORE');
  const [events, setEvents] = useState<string[]>(['INSERT']);
  const [columns, setColumns] = useState('');
  const [level, setLevel] = useState<string>('ROW');
  const [when, setWhen] = useState('');
  const [functionSchema, setFunctionSchema] = useState(place.schema);
  const [fn, setFn] = useState('');
  const [args, setArgs] = useState('');
  const [constraint, setConstraint] = useState(false);
  const [deferrable, setDeferrable] = useState(false);
  const [deferred, setDeferred] = useState(false);
  const functions = useNames(target.server.id, schemaPath(target.owner), 'trigger_functions').map(bareName);
  const schemas = useNames(target.server.id, databasePath(target.owner), 'schemas');
  const toggle = (event: string, on: boolean) => setEvents(on ? EVENTS.filter((e) => e === event || events.includes(e)) : events.filter((e) => e !== event));
  const spec = {
    schema: place.schema,
    table: place.table,
    name: g.name,
    comment: g.comment,
    timing,
    events,
    update_columns: events.includes('UPDATE') ? commaList(columns) : [],
    for_each: level,
    when,
    function_schema: functionSchema,
    function: fn,
    arguments: lines(args),
    constraint,
    deferrable: constraint && deferrable,
    initially_deferred: constraint && deferrable && deferred,
  };
  const definition = (
    <div class="form-grid">
      <div class="form-pair">
        <SelectField id="ddl-timing" label="Fires" value={timing} options={options(TIMINGS)} onValue={setTiming} />
        <SelectField id="ddl-for-each" label="For each" value={level} options={options(['ROW', 'STATEMENT'])} onValue={setLevel} />
      </div>
      <fieldset class="ddl-columns-pick">
        <legend>Events</legend>
        {EVENTS.map((e) => (
          <CheckboxField key={e} id={`ddl-event-${e.toLowerCase()}`} label={e} checked={events.includes(e)} onValue={(on) => toggle(e, on)} />
        ))}
      </fieldset>
      {events.includes('UPDATE') && <TextField id="ddl-update-columns" label="UPDATE OF columns (comma-separated; empty: any)" value={columns} onValue={setColumns} />}
      <TextField id="ddl-when" label="When" value={when} onValue={setWhen} placeholder="a condition on OLD and NEW (row triggers)" />
      <div class="form-pair">
        <TextField id="ddl-function-schema" label="Function schema" list="ddl-schemas" value={functionSchema} onValue={setFunctionSchema} />
        <TextField id="ddl-function" label="Trigger function" required list="ddl-trigger-functions" value={fn} onValue={setFn} />
      </div>
      <Datalist id="ddl-schemas" values={schemas} />
      <Datalist id="ddl-trigger-functions" values={functions} />
      <TextAreaField id="ddl-arguments" label="Arguments, one per line (passed as strings)" rows={2} mono value={args} onValue={setArgs} />
      <CheckboxField id="ddl-constraint" label="Constraint trigger (AFTER … FOR EACH ROW, can be deferred)" checked={constraint} onValue={setConstraint} />
      {constraint && (
        <div class="form-pair">
          <CheckboxField id="ddl-deferrable" label="Deferrable" checked={deferrable} onValue={setDeferrable} />
          <CheckboxField id="ddl-deferred" label="Initially deferred" checked={deferred} onValue={setDeferred} />
        </div>
      )}
    </div>
  );
  return { name: g.name, spec, sections: [generalSection(place, g.fields, true), { id: 'definition', title: 'Definition', content: definition }] };
}

/* ---- policies ---- */

const COMMANDS = ['ALL', 'SELECT', 'INSERT', 'UPDATE', 'DELETE'] as const;

export function usePolicyForm({ target, place }: FormProps): FormParts {
  const g = useGeneral(target, false);
  const [command, setCommand] = useState<string>('ALL');
  const [as, setAs] = useState<string>('PERMISSIVE');
  const [roles, setRoles] = useState('');
  const [using, setUsing] = useState('');
  const [check, setCheck] = useState('');
  const [enable, setEnable] = useState(true);
  const known = useNames(target.server.id, '/', 'roles');
  const hasUsing = command !== 'INSERT';
  const hasCheck = command !== 'SELECT' && command !== 'DELETE';
  const spec = {
    schema: place.schema,
    table: place.table,
    name: g.name,
    comment: g.comment,
    command,
    as,
    roles: commaList(roles),
    using: hasUsing ? using : '',
    check: hasCheck ? check : '',
    enable_rls: enable,
  };
  const definition = (
    <div class="form-grid">
      <div class="form-pair">
        <SelectField id="ddl-command" label="Command" value={command} options={options(COMMANDS)} onValue={setCommand} />
        <SelectField id="ddl-as" label="Type" value={as} options={options(['PERMISSIVE', 'RESTRICTIVE'], { PERMISSIVE: 'Permissive (any may allow)', RESTRICTIVE: 'Restrictive (all must allow)' })} onValue={setAs} />
      </div>
      <TextField id="ddl-roles" label="Roles (comma-separated; empty: PUBLIC)" list="ddl-roles" value={roles} onValue={setRoles} />
      <Datalist id="ddl-roles" values={['PUBLIC', 'CURRENT_USER', ...known]} />
      {hasUsing && <TextAreaField id="ddl-using" label="USING (which existing rows are visible)" rows={3} mono value={using} onValue={setUsing} />}
      {hasCheck && <TextAreaField id="ddl-check" label="WITH CHECK (which new rows are allowed)" rows={3} mono value={check} onValue={setCheck} />}
      <CheckboxField id="ddl-enable-rls" label="Enable row level security on the table" checked={enable} onValue={setEnable} />
    </div>
  );
  return { name: g.name, spec, sections: [generalSection(place, g.fields, true), { id: 'definition', title: 'Definition', content: definition }] };
}
