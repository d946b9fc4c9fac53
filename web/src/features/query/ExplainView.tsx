// The plans of a tab's EXPLAIN runs, in the view the user picks: the
// graphical plan with the chosen node's details beside it, the indented table
// (a row opens its details under it), the findings (Analysis), the time per
// node type and per table (Statistics), the raw JSON, and a side-by-side
// comparison of two plans matched node by node.
import { signal } from '@preact/signals';
import { Fragment, type JSX } from 'preact';
import { useState } from 'preact/hooks';
import { comparePlans, type Plan, type PlanNode } from './explain';
import { NodeDetails, ms } from './explain/NodeDetails';
import { PlanGraph } from './explain/PlanGraph';
import { AnalysisView, StatsView } from './explain/StatsView';
import type { QueryTab } from './model';
import type { PlanEntry } from './plans';
import { formatThousands } from '../../lib/format';
import '../../styles/explain.css';

type Mode = 'graph' | 'tree' | 'analysis' | 'stats' | 'raw' | 'compare';

const MODES: Array<[Mode, string]> = [
  ['graph', 'Graphical'],
  ['tree', 'Table'],
  ['analysis', 'Analysis'],
  ['stats', 'Statistics'],
  ['raw', 'JSON'],
  ['compare', 'Compare'],
];

/** The view last picked, kept while the page lives: every plan opens in it. */
const lastMode = signal<Mode>('graph');

function Misestimate({ node }: { node: PlanNode }): JSX.Element | null {
  const level = node.misestimateFlag;
  if (!level || node.misestimate === null) return null;
  const f = node.misestimate;
  const text = f >= 1 ? `↑${Math.round(f).toLocaleString('en-US')}×` : `↓${Math.round(1 / f).toLocaleString('en-US')}×`;
  const title = f >= 1 ? 'More rows than estimated' : 'Fewer rows than estimated';
  return (
    <span class={`plan-badge mis-${level}`} title={title}>
      {text}
    </span>
  );
}

interface RowProps {
  node: PlanNode;
  plan: Plan;
  open: boolean;
  onToggle: () => void;
}

function NodeRow({ node, plan, open, onToggle }: RowProps): JSX.Element {
  const slow = node.slow;
  const onKeyDown = (e: KeyboardEvent) => {
    const rows = [...(e.currentTarget as HTMLElement).closest('tbody')!.querySelectorAll<HTMLElement>('tr.plan-row')];
    const at = rows.indexOf(e.currentTarget as HTMLElement);
    const to: Record<string, number> = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: rows.length - 1 };
    if (e.key === 'Enter' || e.key === ' ') onToggle();
    else if (e.key in to) rows[Math.max(0, Math.min(rows.length - 1, to[e.key]!))]?.focus();
    else return;
    e.preventDefault();
  };
  return (
    <tr class={['plan-row', slow ? `slow-${slow}` : '', open ? 'is-open' : ''].filter(Boolean).join(' ')} tabindex={0} aria-expanded={open} onClick={onToggle} onKeyDown={onKeyDown}>
      <td class="plan-node">
        <span style={{ paddingLeft: `${node.depth * 16}px` }} class="plan-indent">
          <span class="plan-twisty" aria-hidden="true">{open ? '▾' : '▸'}</span>
          {node.depth > 0 && <span class="plan-arrow">→ </span>}
          {node.subplan && <span class="plan-sub">{node.subplan} </span>}
          <strong>{node.type}</strong> {node.target && <span class="plan-target">{node.target}</span>}
          {slow > 0 && <span class={`plan-badge slow-badge-${slow}`}>slow</span>}
          {node.neverExecuted && <span class="plan-badge plan-never">never executed</span>}
        </span>
      </td>
      <td class="plan-bar-cell">
        <span class="plan-bar" style={{ width: `${Math.round(node.share * 100)}%` }} />
      </td>
      {plan.analyzed ? (
        <>
          <td class="num">{ms(node.exclusiveTime)}</td>
          <td class="num">{ms(node.totalTime)}</td>
          <td class="num">
            {node.actualRows === null ? '—' : formatThousands(node.actualRows)}
            <Misestimate node={node} />
          </td>
          <td class="num muted">{formatThousands(node.planRows)}</td>
          <td class="num">{node.loops ?? '—'}</td>
          <td class="num">{node.sharedHit || node.sharedRead ? `${formatThousands(node.sharedHit)} / ${formatThousands(node.sharedRead)}` : ''}</td>
          <td class="num">{node.rowsRemoved ? formatThousands(node.rowsRemoved) : ''}</td>
        </>
      ) : (
        <>
          <td class="num">
            {node.startupCost.toFixed(2)}..{node.totalCost.toFixed(2)}
          </td>
          <td class="num">{formatThousands(node.planRows)}</td>
        </>
      )}
    </tr>
  );
}

function PlanTree({ plan, selected, onSelect }: { plan: Plan; selected: string | null; onSelect: (path: string | null) => void }): JSX.Element {
  const columns = plan.analyzed ? 9 : 4;
  return (
    <div class="plan-scroll">
      <table class="plan-table">
        <thead>
          <tr>
            <th>Node</th>
            <th class="plan-bar-cell">{plan.analyzed ? 'Exclusive' : 'Cost'}</th>
            {plan.analyzed ? (
              <>
                <th class="num">Excl. ms</th>
                <th class="num">Total ms</th>
                <th class="num">Rows</th>
                <th class="num">Est.</th>
                <th class="num">Loops</th>
                <th class="num">Buffers hit / read</th>
                <th class="num">Removed</th>
              </>
            ) : (
              <>
                <th class="num">Cost</th>
                <th class="num">Est. rows</th>
              </>
            )}
          </tr>
        </thead>
        <tbody>
          {plan.nodes.map((n) => (
            <Fragment key={n.path}>
              <NodeRow node={n} plan={plan} open={n.path === selected} onToggle={() => onSelect(n.path === selected ? null : n.path)} />
              {n.path === selected && (
                <tr class="plan-details-row">
                  <td colSpan={columns}>
                    <NodeDetails node={n} plan={plan} />
                  </td>
                </tr>
              )}
            </Fragment>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function delta(v: number | null, digits: number): JSX.Element | null {
  if (v === null || v === 0) return null;
  return <span class={v > 0 ? 'delta-up' : 'delta-down'}>{`${v > 0 ? '+' : ''}${v.toFixed(digits)}`}</span>;
}

function PlanSelect({ id, label, plans, value, onValue }: { id?: string; label?: string; plans: PlanEntry[]; value: number; onValue: (id: number) => void }): JSX.Element {
  return (
    <select id={id} aria-label={label} value={value} onChange={(e) => onValue(Number(e.currentTarget.value))}>
      {plans.map((p) => (
        <option key={p.id} value={p.id}>
          {p.label}
        </option>
      ))}
    </select>
  );
}

function Compare({ plans }: { plans: PlanEntry[] }): JSX.Element {
  const [left, setLeft] = useState(plans.length > 1 ? plans[plans.length - 2]!.id : plans[0]!.id);
  const [right, setRight] = useState(plans[plans.length - 1]!.id);
  const a = plans.find((p) => p.id === left) ?? plans[0]!;
  const b = plans.find((p) => p.id === right) ?? plans[plans.length - 1]!;
  const rows = comparePlans(a.plan, b.plan);
  const pick = (id: string, value: number, set: (v: number) => void, label: string) => (
    <label class="compare-pick">
      {label}
      <PlanSelect id={id} plans={plans} value={value} onValue={set} />
    </label>
  );
  const node = (n: PlanNode | null) => (n ? `${n.type}${n.target ? ` ${n.target}` : ''}` : '—');
  return (
    <div class="plan-scroll">
      <div class="compare-bar">
        {pick('plan-left', a.id, setLeft, 'Left')}
        {pick('plan-right', b.id, setRight, 'Right')}
      </div>
      <table class="plan-table compare-table">
        <thead>
          <tr>
            <th>Left node</th>
            <th>Right node</th>
            <th class="num">Excl. ms left</th>
            <th class="num">right</th>
            <th class="num">Δ ms</th>
            <th class="num">Rows left</th>
            <th class="num">right</th>
            <th class="num">Δ rows</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.path} class={r.left && r.right && r.left.type !== r.right.type ? 'plan-row is-changed' : 'plan-row'}>
              <td style={{ paddingLeft: `${6 + r.depth * 16}px` }}>{node(r.left)}</td>
              <td style={{ paddingLeft: `${6 + r.depth * 16}px` }}>{node(r.right)}</td>
              <td class="num">{ms(r.left?.exclusiveTime ?? null)}</td>
              <td class="num">{ms(r.right?.exclusiveTime ?? null)}</td>
              <td class="num">{delta(r.timeDelta, 3)}</td>
              <td class="num">{r.left ? formatThousands(r.left.actualRows ?? r.left.planRows) : '—'}</td>
              <td class="num">{r.right ? formatThousands(r.right.actualRows ?? r.right.planRows) : '—'}</td>
              <td class="num">{delta(r.rowsDelta, 0)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Summary({ plan }: { plan: Plan }): JSX.Element {
  return (
    <span class="plan-summary muted">
      {plan.planningTime !== null && `Planning ${ms(plan.planningTime)} ms · `}
      {plan.executionTime !== null && `Execution ${ms(plan.executionTime)} ms · `}
      {plan.nodes.length} nodes
    </span>
  );
}

function PlanBody({ mode, entry, plans }: { mode: Mode; entry: PlanEntry; plans: PlanEntry[] }): JSX.Element | null {
  const [chosen, setChosen] = useState<{ plan: Plan; path: string | null }>({ plan: entry.plan, path: null });
  const selected = chosen.plan === entry.plan ? chosen.path : null;
  const select = (path: string | null) => setChosen({ plan: entry.plan, path });
  if (mode === 'graph') return <PlanGraph plan={entry.plan} selected={selected} onSelect={select} />;
  if (mode === 'tree') return <PlanTree plan={entry.plan} selected={selected} onSelect={select} />;
  if (mode === 'analysis')
    return (
      <AnalysisView
        plan={entry.plan}
        onShow={(path) => {
          select(path);
          lastMode.value = 'graph';
        }}
      />
    );
  if (mode === 'stats') return <StatsView plan={entry.plan} />;
  if (mode === 'raw') return <pre class="plan-raw">{JSON.stringify(JSON.parse(entry.raw), null, 2)}</pre>;
  return plans.length > 1 ? <Compare plans={plans} /> : null;
}

export function ExplainView({ tab }: { tab: QueryTab }): JSX.Element {
  const plans = tab.plans.value;
  const [chosen, setChosen] = useState<number | null>(null);
  const entry = plans.find((p) => p.id === chosen) ?? plans[plans.length - 1];
  if (!entry) return <p class="empty-state results-empty">Explain a query to see its plan.</p>;
  const mode = lastMode.value === 'compare' && plans.length < 2 ? 'graph' : lastMode.value;
  return (
    <div class="explain">
      <div class="explain-bar">
        <div class="segmented" role="group" aria-label="Plan view">
          {MODES.map(([m, label]) => (
            <button key={m} type="button" aria-pressed={mode === m} disabled={m === 'compare' && plans.length < 2} onClick={() => (lastMode.value = m)}>
              {label}
            </button>
          ))}
        </div>
        {mode !== 'compare' && <PlanSelect label="Plan" plans={plans} value={entry.id} onValue={setChosen} />}
        {mode !== 'compare' && <Summary plan={entry.plan} />}
      </div>
      <PlanBody mode={mode} entry={entry} plans={plans} />
    </div>
  );
}
