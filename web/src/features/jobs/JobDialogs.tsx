// The dialogs that start jobs: Backup (database, schema, table or the whole
// server), Restore (with the archive's contents to pick from), Import/Export
// of a table's rows, and Maintenance. Each shows the server's refusal in
// place; a started job opens in the Jobs tab.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../../api/client';
import { archiveEntries, startJob, type ArchiveEntry, type JobKind } from '../../api/jobs';
import type { Server } from '../../api/servers';
import { CheckboxField, SelectField, TextField } from '../../components/Field';
import { FormDialog, useSubmit } from '../../components/FormDialog';
import { SectionTabs, type Section } from '../../components/SectionTabs';
import { errorMessage } from '../../lib/format';
import { showToast } from '../../state/toasts';
import { StoragePicker } from '../storage/StoragePicker';
import { closeJobDialog, jobDialog, jobStarted, type JobDialog } from './state';

type Spec = Record<string, unknown>;

interface FrameProps {
  title: string;
  sections: Section[];
  server: Server;
  kind: JobKind;
  database: string | null;
  spec: Spec;
  startLabel: string;
}

/** Tabs of options, the refusal in place, Start. */
function JobFrame({ title, sections, server, kind, database, spec, startLabel }: FrameProps): JSX.Element {
  const [tab, setTab] = useState(sections[0]!.id);
  const { busy, failure, run } = useSubmit();
  const start = () =>
    run(async () => {
      const job = await startJob(server.id, kind, database, spec);
      closeJobDialog();
      showToast(`Started: ${job.description}.`);
      jobStarted(job);
    });
  return (
    <FormDialog title={title} size="medium" submitLabel={startLabel} busy={busy} onSubmit={() => void start()} onClose={closeJobDialog}>
      <div class="job-dialog">
        <SectionTabs label={`${title} sections`} sections={sections} active={tab} onActivate={setTab} />
        {failure && (
          <p class="form-error" role="alert">
            {failure}
          </p>
        )}
      </div>
    </FormDialog>
  );
}

const names = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function useFlags<K extends string>(initial: Record<K, boolean>) {
  const [flags, setFlags] = useState(initial);
  const box = (key: K, label: string) => (
    <CheckboxField id={`job-${key.replace(/_/g, '-')}`} label={label} checked={flags[key]} onValue={(on) => setFlags({ ...flags, [key]: on })} />
  );
  return { flags, box };
}

const stamp = () => new Date().toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');

/* ---- backup ---- */

const FORMATS = [
  { value: 'custom', label: 'Custom (pg_restore, compressed)' },
  { value: 'directory', label: 'Directory (parallel)' },
  { value: 'tar', label: 'Tar' },
  { value: 'plain', label: 'Plain SQL' },
] as const;
const EXTENSIONS: Record<string, string> = { custom: '.dump', directory: '', tar: '.tar', plain: '.sql' };

function BackupDialog({ d }: { d: Extract<JobDialog, { dialog: 'backup' }> }): JSX.Element {
  const server = d.scope === 'server';
  const subject = server ? d.server.name : d.scope === 'database' ? d.database! : d.scope === 'schema' ? `${d.database}.${d.schema}` : `${d.schema}.${d.table}`;
  const base = `backups/${(server ? d.server.name : subject).replace(/[^\w.-]+/g, '_')}-${stamp()}`;
  const [format, setFormat] = useState<string>('custom');
  const [file, setFile] = useState(`${base}${server ? '.sql' : '.dump'}`);
  const [touched, setTouched] = useState(false);
  const [mode, setMode] = useState('full');
  const [compress, setCompress] = useState('');
  const [jobs, setJobs] = useState('');
  const [encoding, setEncoding] = useState('');
  const [role, setRole] = useState('');
  const [content, setContent] = useState('all');
  const [sections, setSections] = useState({ 'pre-data': false, data: false, 'post-data': false });
  const [schemas, setSchemas] = useState('');
  const [excludeSchemas, setExcludeSchemas] = useState('');
  const [tables, setTables] = useState('');
  const [excludeTables, setExcludeTables] = useState('');
  const { flags, box } = useFlags({
    no_owner: false,
    no_privileges: false,
    no_comments: false,
    inserts: false,
    column_inserts: false,
    on_conflict_do_nothing: false,
    create: false,
    clean: false,
    if_exists: false,
    verbose: true,
    overwrite: false,
  });
  const chooseFormat = (f: string) => {
    setFormat(f);
    if (!touched) setFile(`${base}${EXTENSIONS[f]}`);
  };
  const integer = (t: string) => (t.trim() === '' ? undefined : /^\d+$/.test(t.trim()) ? Number(t) : t);
  const spec: Spec = server
    ? { file, mode, clean: flags.clean, if_exists: flags.if_exists, no_owner: flags.no_owner, no_privileges: flags.no_privileges, no_comments: flags.no_comments, encoding: encoding || undefined, role: role || undefined, verbose: flags.verbose, overwrite: flags.overwrite }
    : {
        file,
        format,
        compress: format === 'tar' ? undefined : integer(compress),
        jobs: format === 'directory' ? integer(jobs) : undefined,
        schema_only: content === 'schema',
        data_only: content === 'data',
        sections: Object.entries(sections).filter(([, on]) => on).map(([s]) => s),
        schemas: d.scope === 'schema' ? [{ name: d.schema }] : names(schemas),
        tables: d.scope === 'table' ? [{ schema: d.schema, name: d.table }] : names(tables),
        exclude_schemas: names(excludeSchemas),
        exclude_tables: names(excludeTables),
        encoding: encoding || undefined,
        role: role || undefined,
        ...flags,
      };
  const general = (
    <div class="form-grid">
      <StoragePicker mode="save" id="job-file" label="File in your storage" value={file} onValue={(v) => { setTouched(true); setFile(v); }} />
      <p class="field-hint">Backups land in your storage area (the Storage tab); the Jobs tab downloads them.</p>
      {server ? (
        <SelectField id="job-mode" label="What" value={mode} options={[{ value: 'full', label: 'Everything (pg_dumpall)' }, { value: 'globals', label: 'Roles and tablespaces only' }, { value: 'roles', label: 'Roles only' }, { value: 'tablespaces', label: 'Tablespaces only' }]} onValue={setMode} />
      ) : (
        <>
          <SelectField id="job-format" label="Format" value={format} options={FORMATS} onValue={chooseFormat} />
          <div class="form-pair">
            <TextField id="job-compress" label="Compression (0–9)" inputMode="numeric" value={format === 'tar' ? '' : compress} onValue={setCompress} placeholder={format === 'tar' ? 'none for tar' : 'default'} disabled={format === 'tar'} />
            <TextField id="job-jobs" label="Parallel jobs" inputMode="numeric" value={format === 'directory' ? jobs : ''} onValue={setJobs} placeholder={format === 'directory' ? '1' : 'directory format only'} disabled={format !== 'directory'} />
          </div>
        </>
      )}
      <div class="form-pair">
        <TextField id="job-encoding" label="Encoding" value={encoding} onValue={setEncoding} placeholder="the database's" />
        <TextField id="job-role" label="Role" value={role} onValue={setRole} placeholder="(you)" />
      </div>
      {box('overwrite', 'Replace the file if it exists')}
    </div>
  );
  const data = (
    <div class="form-grid">
      {!server && (
        <>
          <SelectField id="job-content" label="Content" value={content} options={[{ value: 'all', label: 'Schema and data' }, { value: 'schema', label: 'Schema only' }, { value: 'data', label: 'Data only' }]} onValue={setContent} />
          <fieldset class="ddl-columns-pick">
            <legend>Sections (none: all)</legend>
            {(['pre-data', 'data', 'post-data'] as const).map((s) => (
              <CheckboxField key={s} id={`job-section-${s}`} label={s} checked={sections[s]} onValue={(on) => setSections({ ...sections, [s]: on })} />
            ))}
          </fieldset>
          {d.scope === 'database' && (
            <>
              <div class="form-pair">
                <TextField id="job-schemas" label="Only schemas" value={schemas} onValue={setSchemas} placeholder="patterns, comma-separated" />
                <TextField id="job-exclude-schemas" label="Exclude schemas" value={excludeSchemas} onValue={setExcludeSchemas} />
              </div>
              <div class="form-pair">
                <TextField id="job-tables" label="Only tables" value={tables} onValue={setTables} placeholder="patterns, comma-separated" />
                <TextField id="job-exclude-tables" label="Exclude tables" value={excludeTables} onValue={setExcludeTables} />
              </div>
            </>
          )}
        </>
      )}
      <div class="job-flags">
        {box('no_owner', 'No owner')}
        {box('no_privileges', 'No privileges')}
        {box('no_comments', 'No comments')}
        {!server && box('inserts', 'INSERT statements')}
        {!server && box('column_inserts', 'INSERTs with column names')}
        {!server && box('on_conflict_do_nothing', 'ON CONFLICT DO NOTHING')}
        {!server && box('create', 'CREATE DATABASE')}
        {box('clean', 'DROP before CREATE (clean)')}
        {box('if_exists', 'IF EXISTS with clean')}
        {box('verbose', 'Verbose log')}
      </div>
    </div>
  );
  return (
    <JobFrame
      title={server ? `Backup server ${d.server.name}` : `Backup ${d.scope} ${subject}`}
      sections={[
        { id: 'general', title: 'General', content: general },
        { id: 'options', title: 'Options', content: data },
      ]}
      server={d.server}
      kind={server ? 'backup_server' : 'backup'}
      database={d.database}
      spec={spec}
      startLabel="Backup"
    />
  );
}

/* ---- restore ---- */

function RestoreDialog({ d }: { d: Extract<JobDialog, { dialog: 'restore' }> }): JSX.Element {
  const [file, setFile] = useState('');
  const [entries, setEntries] = useState<ArchiveEntry[] | null>(null);
  const [listing, setListing] = useState<string | null>(null);
  const [picked, setPicked] = useState<Record<string, boolean>>({});
  const [content, setContent] = useState('all');
  const [jobs, setJobs] = useState('');
  const [role, setRole] = useState('');
  const { flags, box } = useFlags({ clean: false, create: false, if_exists: false, single_transaction: false, exit_on_error: true, no_owner: false, no_privileges: false, verbose: true });
  useEffect(() => {
    setEntries(null);
    setListing(null);
    setPicked({});
    if (!file.trim()) return undefined;
    let live = true;
    const timer = setTimeout(() => {
      archiveEntries(d.server.id, file.trim()).then(
        (found) => live && setEntries(found),
        (err: unknown) => live && setListing(err instanceof ApiError ? err.message : errorMessage(err)),
      );
    }, 300);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [file]);
  const pickable = (entries ?? []).filter((e) => e.name && ['TABLE', 'FUNCTION', 'INDEX', 'TRIGGER', 'SCHEMA'].includes(e.type ?? ''));
  const chosen = (type: string) => pickable.filter((e) => e.type === type && picked[String(e.id)]).map((e) => (type === 'FUNCTION' ? e.name! : e.name!));
  const spec: Spec = {
    file,
    data_only: content === 'data',
    schema_only: content === 'schema',
    jobs: jobs.trim() ? Number(jobs) || jobs : undefined,
    role: role || undefined,
    schemas: chosen('SCHEMA'),
    tables: chosen('TABLE'),
    functions: chosen('FUNCTION'),
    indexes: chosen('INDEX'),
    triggers: chosen('TRIGGER'),
    ...flags,
  };
  const general = (
    <div class="form-grid">
      <StoragePicker mode="open" id="job-file" label="Backup file in your storage" value={file} onValue={setFile} />
      <p class="field-hint">A custom, tar or directory archive goes to pg_restore; a plain .sql file to psql. Upload one in the Storage tab.</p>
      <div class="form-pair">
        <SelectField id="job-content" label="Content" value={content} options={[{ value: 'all', label: 'Schema and data' }, { value: 'schema', label: 'Schema only' }, { value: 'data', label: 'Data only' }]} onValue={setContent} />
        <TextField id="job-jobs" label="Parallel jobs" inputMode="numeric" value={jobs} onValue={setJobs} placeholder="1" />
      </div>
      <TextField id="job-role" label="Role" value={role} onValue={setRole} placeholder="(you)" />
      <div class="job-flags">
        {box('clean', 'Drop objects first (clean)')}
        {box('if_exists', 'IF EXISTS with clean')}
        {box('create', 'Create the database')}
        {box('single_transaction', 'Single transaction')}
        {box('exit_on_error', 'Stop at the first error')}
        {box('no_owner', 'No owner')}
        {box('no_privileges', 'No privileges')}
        {box('verbose', 'Verbose log')}
      </div>
    </div>
  );
  const objects = (
    <div class="job-archive">
      {!file.trim() && <p class="muted">Choose a file on the General tab to see what it holds.</p>}
      {file.trim() && entries === null && listing === null && (
        <p class="muted">
          <span class="spinner" aria-hidden="true" /> Reading the archive…
        </p>
      )}
      {listing && <p class="muted">{listing}</p>}
      {entries && (
        <>
          <p class="muted">Pick objects to restore only them (nothing picked: everything). {entries.length} entries.</p>
          <div class="job-archive-list" role="group" aria-label="Archive contents">
            {pickable.map((e) => (
              <CheckboxField key={e.id} id={`job-entry-${e.id}`} label={`${e.type} ${e.schema ? `${e.schema}.` : ''}${e.name}`} checked={Boolean(picked[String(e.id)])} onValue={(on) => setPicked({ ...picked, [String(e.id)]: on })} />
            ))}
          </div>
        </>
      )}
    </div>
  );
  return (
    <JobFrame
      title={`Restore into ${d.database}`}
      sections={[
        { id: 'general', title: 'General', content: general },
        { id: 'objects', title: 'Objects', content: objects },
      ]}
      server={d.server}
      kind="restore"
      database={d.database}
      spec={spec}
      startLabel="Restore"
    />
  );
}

/* ---- import/export ---- */

function CopyDialog({ d }: { d: Extract<JobDialog, { dialog: 'copy' }> }): JSX.Element {
  const [direction, setDirection] = useState<'export' | 'import'>('export');
  const [file, setFile] = useState(`exports/${d.table.replace(/[^\w.-]+/g, '_')}.csv`);
  const [format, setFormat] = useState('csv');
  const [delimiter, setDelimiter] = useState('');
  const [quote, setQuote] = useState('');
  const [escape, setEscape] = useState('');
  const [nullText, setNull] = useState('');
  const [encoding, setEncoding] = useState('');
  const [columns, setColumns] = useState('');
  const { flags, box } = useFlags({ header: true, overwrite: false });
  const csv = format === 'csv';
  const spec: Spec = {
    schema: d.schema,
    table: d.table,
    file,
    format,
    header: format === 'binary' ? false : flags.header,
    delimiter: format === 'binary' ? undefined : delimiter,
    quote: csv ? quote : undefined,
    escape: csv ? escape : undefined,
    null: format === 'binary' || nullText === '' ? undefined : nullText,
    encoding: encoding || undefined,
    columns: names(columns),
    overwrite: direction === 'export' ? flags.overwrite : undefined,
  };
  const general = (
    <div class="form-grid">
      <SelectField id="job-direction" label="Direction" value={direction} options={[{ value: 'export', label: 'Export: table → file' }, { value: 'import', label: 'Import: file → table' }]} onValue={(v) => setDirection(v as 'export' | 'import')} />
      <StoragePicker mode={direction === 'export' ? 'save' : 'open'} id="job-file" label="File in your storage" value={file} onValue={setFile} />
      <div class="form-pair">
        <SelectField id="job-format" label="Format" value={format} options={[{ value: 'csv', label: 'CSV' }, { value: 'text', label: 'Text (tab-separated)' }, { value: 'binary', label: 'Binary' }]} onValue={setFormat} />
        <TextField id="job-encoding" label="Encoding" value={encoding} onValue={setEncoding} placeholder="UTF8" />
      </div>
      <TextField id="job-columns" label="Columns (comma-separated; empty: all)" value={columns} onValue={setColumns} />
      {format !== 'binary' && box('header', 'Header line')}
      {direction === 'export' && box('overwrite', 'Replace the file if it exists')}
    </div>
  );
  const options = (
    <div class="form-grid">
      {format === 'binary' ? (
        <p class="muted">A binary file has no delimiter, quote or NULL text.</p>
      ) : (
        <>
          <div class="form-pair">
            <TextField id="job-delimiter" label="Delimiter" value={delimiter} onValue={setDelimiter} placeholder={csv ? ',' : 'tab'} />
            <TextField id="job-null" label="NULL as" value={nullText} onValue={setNull} placeholder={csv ? '(empty)' : '\\N'} />
          </div>
          {csv && (
            <div class="form-pair">
              <TextField id="job-quote" label="Quote" value={quote} onValue={setQuote} placeholder={'"'} />
              <TextField id="job-escape" label="Escape" value={escape} onValue={setEscape} placeholder="same as quote" />
            </div>
          )}
        </>
      )}
    </div>
  );
  return (
    <JobFrame
      title={`Import/Export ${d.schema}.${d.table}`}
      sections={[
        { id: 'general', title: 'General', content: general },
        { id: 'options', title: 'Options', content: options },
      ]}
      server={d.server}
      kind={direction}
      database={d.database}
      spec={spec}
      startLabel={direction === 'export' ? 'Export' : 'Import'}
    />
  );
}

/* ---- maintenance ---- */

function MaintenanceJobDialog({ d }: { d: Extract<JobDialog, { dialog: 'maintenance' }> }): JSX.Element {
  const target = d.index ? `index ${d.schema}.${d.index}` : d.table ? `${d.schema}.${d.table}` : d.schema ? `schema ${d.schema}` : `database ${d.database}`;
  const [operation, setOperation] = useState(d.index ? 'reindex' : 'vacuum');
  const [cleanup, setCleanup] = useState('');
  const [parallel, setParallel] = useState('');
  const { flags, box } = useFlags({ full: false, freeze: false, analyze: true, verbose: true, skip_locked: false, concurrently: false });
  const vacuum = operation === 'vacuum';
  const spec: Spec = {
    operation,
    schema: d.schema,
    table: d.table,
    index: d.index,
    database: d.database,
    full: vacuum && flags.full,
    freeze: vacuum && flags.freeze,
    analyze: vacuum && flags.analyze,
    verbose: flags.verbose,
    skip_locked: (vacuum || operation === 'analyze') && flags.skip_locked,
    concurrently: operation === 'reindex' && flags.concurrently,
    index_cleanup: vacuum && cleanup ? cleanup : undefined,
    parallel: vacuum && parallel.trim() ? Number(parallel) || parallel : undefined,
  };
  const operations = d.index ? ['reindex', 'cluster'] : ['vacuum', 'analyze', 'reindex', 'cluster'];
  const general = (
    <div class="form-grid">
      <SelectField id="job-operation" label="Operation" value={operation} options={operations.map((o) => ({ value: o, label: o.toUpperCase() }))} onValue={setOperation} />
      <div class="job-flags">
        {vacuum && box('full', 'FULL (rewrites the table, exclusive lock)')}
        {vacuum && box('freeze', 'FREEZE')}
        {vacuum && box('analyze', 'ANALYZE')}
        {(vacuum || operation === 'analyze') && box('skip_locked', 'SKIP_LOCKED')}
        {operation === 'reindex' && box('concurrently', 'CONCURRENTLY (no write lock)')}
        {box('verbose', 'VERBOSE')}
      </div>
      {vacuum && (
        <div class="form-pair">
          <SelectField id="job-index-cleanup" label="Index cleanup" value={cleanup} options={[{ value: '', label: 'Default' }, { value: 'auto', label: 'AUTO' }, { value: 'on', label: 'ON' }, { value: 'off', label: 'OFF' }]} onValue={setCleanup} />
          <TextField id="job-parallel" label="Parallel workers" inputMode="numeric" value={parallel} onValue={setParallel} placeholder="default" />
        </div>
      )}
    </div>
  );
  return (
    <JobFrame
      title={`Maintenance of ${target}`}
      sections={[{ id: 'general', title: 'General', content: general }]}
      server={d.server}
      kind="maintenance"
      database={d.database}
      spec={spec}
      startLabel="Run"
    />
  );
}

export function JobDialogs(): JSX.Element | null {
  const d = jobDialog.value;
  switch (d?.dialog) {
    case 'backup':
      return <BackupDialog key={`${d.server.id}:${d.scope}:${d.database}:${d.schema}:${d.table}`} d={d} />;
    case 'restore':
      return <RestoreDialog key={`${d.server.id}:${d.database}`} d={d} />;
    case 'copy':
      return <CopyDialog key={`${d.server.id}:${d.schema}:${d.table}`} d={d} />;
    case 'maintenance':
      return <MaintenanceJobDialog key={`${d.server.id}:${d.database}:${d.schema}:${d.table}:${d.index}`} d={d} />;
    default:
      return null;
  }
}
