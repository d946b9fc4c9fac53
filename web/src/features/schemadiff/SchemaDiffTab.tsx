// Schema Diff: pick a source and a target (a database, or one schema of
// each), compare, browse every object by kind and state, see the two DDLs side
// by side, choose what goes into the migration script, and open it in a query
// tab on the target or download it. Loaded on first use.
import '../../styles/schema-diff.css';
import type { JSX } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError } from '../../api/client';
import { failureOf, type Failure } from '../../api/ddl';
import { cancelDiff, diffScript, schemaDiff, watchDiff, type DiffObject, type DiffOptions, type DiffProgress, type DiffScript, type DiffState, type SchemaDiff } from '../../api/schemaDiff';
import { currentServers } from '../../state/servers';
import { DdlMerge } from './DdlMerge';
import { Grid, STATE_LABELS, objectName } from './Grid';
import { diffStart } from './open';
import { SidePicker, toSide, type SideDraft } from './Pickers';
import { Script } from './Script';

type Phase =
  | { kind: 'idle'; cancelled?: boolean }
  | { kind: 'comparing'; progress: DiffProgress | null }
  | { kind: 'error'; failure: Failure }
  | { kind: 'ready'; diff: SchemaDiff };

const OPTION_LABELS: Record<keyof DiffOptions, string> = {
  ignore_owner: 'Ignore owner',
  ignore_privileges: 'Ignore privileges',
  ignore_whitespace: 'Ignore whitespace',
  ignore_tablespace: 'Ignore tablespace',
};
const STATES: DiffState[] = ['different', 'source_only', 'target_only', 'identical'];

export function SchemaDiffTab({ id }: { id: string }): JSX.Element {
  const start = diffStart(id);
  if (!start) return <p class="empty-state">This Schema Diff is closed.</p>;
  const first: SideDraft = { serverId: start.serverId, database: start.database ?? '', schema: start.schema ?? '' };
  return <DiffView first={first} />;
}

function FailureBox({ failure }: { failure: Failure }): JSX.Element {
  return (
    <div class="sd-error" role="alert">
      <strong>{failure.message}</strong>
      {failure.detail && <div>Detail: {failure.detail}</div>}
      {failure.hint && <div>Hint: {failure.hint}</div>}
      {failure.position !== undefined && <div>Position: {failure.position}</div>}
    </div>
  );
}

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/sql' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

type Compared = { source: SideDraft; target: SideDraft; options: DiffOptions };

/** The script of the chosen objects, as the choice changes (debounced): planned from the comparison the server
 * keeps, or compared again when it no longer keeps it. Also which objects the script rebuilds. */
function useScript(compared: Compared | null, chosen: ReadonlySet<string>, initial: SchemaDiff | null) {
  const [script, setScript] = useState<DiffScript | null>(initial);
  const [rebuilt, setRebuilt] = useState<ReadonlySet<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [again, setAgain] = useState(false);
  const seq = useRef(0);
  const firstRun = useRef(true);
  const id = useRef<string | null>(null);
  useEffect(() => {
    setScript(initial);
    setRebuilt(new Set(initial?.objects.filter((o) => o.recreate).map((o) => o.id)));
    setAgain(false);
    id.current = initial?.id ?? null;
    firstRun.current = true;
  }, [initial]);
  useEffect(() => {
    if (!compared || !initial) return;
    if (firstRun.current) {
      firstRun.current = false;
      return;
    }
    const n = ++seq.current;
    setBusy(true);
    const done = (d: DiffScript & { objects: Array<{ id: string; recreate: boolean }> }, fresh: boolean) => {
      if (n !== seq.current) return;
      id.current = d.id;
      setScript(d);
      setRebuilt(new Set(d.objects.filter((o) => o.recreate).map((o) => o.id)));
      setAgain(fresh);
      setFailure(null);
      setBusy(false);
    };
    const failed = (err: unknown) => n === seq.current && (setFailure(failureOf(err)), setBusy(false));
    const timer = setTimeout(() => {
      const select = [...chosen];
      diffScript(id.current ?? '', select).then(
        (d) => done(d, false),
        (err: unknown) => {
          // let go on the server (kept 10 minutes after its last use): compare again for this choice
          if (err instanceof ApiError && (err.code === 'diff_expired' || err.code === 'diff_not_found')) {
            schemaDiff(toSide(compared.source), toSide(compared.target), compared.options, select).then((d) => done(d, true), failed);
          } else failed(err);
        },
      );
    }, 300);
    return () => clearTimeout(timer);
  }, [chosen]);
  return { script, rebuilt, busy, failure, again };
}

const PHASES: Record<DiffProgress['phase'], string> = {
  waiting: 'Starting…',
  reading: 'Reading both sides’ objects and dependencies…',
  ddl: 'Reading the DDL of the objects that differ…',
  script: 'Writing the script…',
};

/** Where the comparison has come to, in place of the result, with its cancel. */
function ProgressLine({ progress, onCancel }: { progress: DiffProgress | null; onCancel: () => void }): JSX.Element {
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => cancel.current?.focus(), []);
  const p = progress;
  const counts = p && p.source !== undefined && p.target !== undefined
    ? `${p.source} objects in the source, ${p.target} in the target` +
      (p.different !== undefined ? `: ${p.different} different, ${p.source_only} only in source, ${p.target_only} only in target, ${p.identical} identical` : '')
    : null;
  return (
    <div class="sd-progress" role="status" aria-live="polite" onKeyDown={(e) => e.key === 'Escape' && (e.preventDefault(), onCancel())}>
      <span class="spinner" aria-hidden="true" />
      <span class="sd-phase" data-phase={p?.phase ?? 'waiting'}>{PHASES[p?.phase ?? 'waiting']}</span>
      {counts && <span class="sd-muted sd-counts">{counts}{p?.phase === 'ddl' && p.ddl !== undefined ? ` — ${p.ddl} DDLs to read` : ''}</span>}
      <button ref={cancel} type="button" class="btn" onClick={onCancel}>Cancel</button>
    </div>
  );
}

interface FiltersProps {
  diff: SchemaDiff;
  states: ReadonlySet<DiffState>;
  setStates: (s: ReadonlySet<DiffState>) => void;
  kind: string;
  setKind: (k: string) => void;
}

/** The state filters with their counts, and the kind filter. */
function Filters({ diff, states, setStates, kind, setKind }: FiltersProps): JSX.Element {
  const kinds = useMemo(() => [...new Set(diff.objects.map((o) => o.kind))].sort(), [diff]);
  const flip = (s: DiffState, on: boolean) => {
    const next = new Set(states);
    if (on) next.add(s);
    else next.delete(s);
    setStates(next);
  };
  return (
    <div class="sd-filters" role="group" aria-label="Filters">
      {STATES.map((s) => (
        <label key={s} class={`sd-filter sd-state-${s}`}>
          <input type="checkbox" name={`state-${s}`} checked={states.has(s)} onChange={(e) => flip(s, e.currentTarget.checked)} />
          {STATE_LABELS[s]} <span class="sd-count" data-state={s}>{diff.summary[s]}</span>
        </label>
      ))}
      <select aria-label="Kind" name="kind" value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
        <option value="">All kinds</option>
        {kinds.map((k) => <option key={k} value={k}>{k.replace(/_/g, ' ')}</option>)}
      </select>
    </div>
  );
}

/** The DDLs of the object shown, source on the left and target on the right. */
function DdlPane({ shown }: { shown: DiffObject | null }): JSX.Element {
  return (
    <section class="sd-ddl" aria-label="DDL side by side">
      <header class="sd-bar">
        <strong>{shown ? objectName(shown) : 'DDL'}</strong>
        <span class="sd-grow" />
        {shown && <span class="sd-muted">Source on the left, target on the right</span>}
      </header>
      {!shown && <p class="empty-state">Select an object (click, or Enter) to see its two DDLs.</p>}
      {shown && shown.notes.length > 0 && (
        <ul class="sd-notes" role="note" aria-label="Column order">
          {shown.notes.map((n) => <li key={n}>{n}</li>)}
        </ul>
      )}
      {shown && shown.state === 'identical' && <p class="empty-state">Identical: the DDL is the same on both sides.</p>}
      {shown && shown.state !== 'identical' && <DdlMerge key={shown.id} source={shown.source_ddl ?? ''} target={shown.target_ddl ?? ''} />}
    </section>
  );
}

/** The comparison options, like pgAdmin's. */
function OptionsBox({ options, setOptions }: { options: DiffOptions; setOptions: (o: DiffOptions) => void }): JSX.Element {
  return (
    <fieldset class="sd-options">
      <legend>Options</legend>
      {(Object.keys(OPTION_LABELS) as Array<keyof DiffOptions>).map((k) => (
        <label key={k} class="sd-option">
          <input type="checkbox" checked={options[k]} onChange={(e) => setOptions({ ...options, [k]: e.currentTarget.checked })} />
          {OPTION_LABELS[k]}
        </label>
      ))}
    </fieldset>
  );
}

function DiffView({ first }: { first: SideDraft }): JSX.Element {
  const [source, setSource] = useState<SideDraft>(first);
  const [target, setTarget] = useState<SideDraft>({ serverId: first.serverId, database: '', schema: first.schema });
  const [options, setOptions] = useState<DiffOptions>({ ignore_owner: false, ignore_privileges: false, ignore_whitespace: false, ignore_tablespace: false });
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [compared, setCompared] = useState<Compared | null>(null);
  const running = useRef<{ token: string; stop: () => void } | null>(null);
  const [states, setStates] = useState<ReadonlySet<DiffState>>(new Set(['different', 'source_only', 'target_only']));
  const [kind, setKind] = useState('');
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const [current, setCurrent] = useState<string | null>(null);
  const [shown, setShown] = useState<string | null>(null);
  const diff = phase.kind === 'ready' ? phase.diff : null;
  const { script, rebuilt, busy, failure: scriptFailure, again } = useScript(compared, chosen, diff);
  const ready = source.serverId > 0 && source.database !== '' && target.serverId > 0 && target.database !== '';
  useEffect(() => () => running.current?.stop(), []);

  const compare = () => {
    const c = { source, target, options };
    running.current?.stop();
    const token = `sd-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    const mine = () => running.current?.token === token;
    const stop = watchDiff(token, (p) => mine() && setPhase({ kind: 'comparing', progress: p }));
    running.current = { token, stop };
    setPhase({ kind: 'comparing', progress: null });
    const end = () => {
      stop();
      if (mine()) running.current = null;
    };
    schemaDiff(toSide(source), toSide(target), options, null, token).then(
      (d) => {
        if (!mine()) return;
        end();
        setCompared(c);
        setChosen(new Set(d.objects.filter((o) => o.selected && o.state !== 'identical').map((o) => o.id)));
        setCurrent(null);
        setShown(null);
        setPhase({ kind: 'ready', diff: d });
      },
      (err: unknown) => {
        if (!mine()) return;
        end();
        setPhase({ kind: 'error', failure: failureOf(err) });
      },
    );
  };
  // the server stops at its next phase and answers 409 cancelled: the page does not wait for it
  const cancel = () => {
    const r = running.current;
    if (!r) return;
    running.current = null;
    r.stop();
    void cancelDiff(r.token).catch(() => undefined);
    setPhase({ kind: 'idle', cancelled: true });
  };

  const rows = useMemo(() => (diff ? diff.objects.filter((o) => states.has(o.state) && (kind === '' || o.kind === kind)) : []), [diff, states, kind]);
  const toggle = (ids: string[], on: boolean) => {
    const next = new Set(chosen);
    for (const i of ids) {
      if (diff?.objects.find((o) => o.id === i)?.state === 'identical') continue;
      if (on) next.add(i);
      else next.delete(i);
    }
    setChosen(next);
  };
  const openScript = () => {
    const server = currentServers().find((s) => s.id === compared?.target.serverId);
    if (server && script && compared) void import('../query/tabs').then((m) => m.openQueryTab(server, compared.target.database, script.script));
  };
  const shownObject = diff?.objects.find((o) => o.id === shown) ?? null;

  return (
    <div class="schema-diff" data-state={phase.kind}>
      <form class="sd-form" onSubmit={(e) => (e.preventDefault(), ready && compare())}>
        <SidePicker label="Source" value={source} onChange={setSource} />
        <SidePicker label="Target" value={target} onChange={setTarget} />
        <OptionsBox options={options} setOptions={setOptions} />
        <div class="sd-go">
          <button type="submit" class="btn btn-primary" disabled={!ready || phase.kind === 'comparing'}>{phase.kind === 'comparing' ? 'Comparing…' : 'Compare'}</button>
        </div>
      </form>
      {phase.kind === 'idle' && <p class="empty-state" role="status">{phase.cancelled ? 'Comparison cancelled. ' : ''}Choose a source and a target, then Compare.</p>}
      {phase.kind === 'comparing' && <ProgressLine progress={phase.progress} onCancel={cancel} />}
      {phase.kind === 'error' && <FailureBox failure={phase.failure} />}
      {diff && (
        <div class="sd-result">
          <div class="sd-left">
            <Filters diff={diff} states={states} setStates={setStates} kind={kind} setKind={setKind} />
            <Grid rows={rows} chosen={chosen} rebuilt={rebuilt} current={current} onToggle={toggle} onCurrent={setCurrent} onShow={(i) => (setCurrent(i), setShown(i))} />
            <div class="sd-muted sd-chosen">{chosen.size} chosen for the script</div>
          </div>
          <div class="sd-right">
            <DdlPane shown={shownObject} />
            {scriptFailure && <FailureBox failure={scriptFailure} />}
            {again && <p class="sd-muted sd-again" role="status">The server no longer kept the comparison: both sides were compared again for this choice.</p>}
            {script && <Script diff={script} busy={busy} onOpen={openScript} onDownload={() => download(`${compared?.target.database ?? 'schema'}-diff.sql`, script.script)} />}
          </div>
        </div>
      )}
    </div>
  );
}
