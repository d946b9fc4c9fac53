// The plans of a tab's EXPLAIN runs: an indented tree with time bars and
// badges (slow nodes, misestimated rows), the raw JSON, and a side-by-side
// comparison of two plans matched node by node.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { comparePlans, misestimateLevel, slownessLevel, type Plan, type PlanNode } from './explain';
import type { QueryTab } from './model';
import type { PlanEntry } from './plans';
import { formatThousands } from '../../lib/format';

type Mode = 'tree' | 'raw' | 'compare';

const ms = (v: number | null) => (v === null ? '—' : v < 10 ? v.toFixed(3) : v.toFixed(1));

function Misestimate({ node }: { node: PlanNode }): JSX.Element | null {
  const level = misestimateLevel(node.misestimate);
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

function NodeRow({ node, plan }: { node: PlanNode; plan: Plan }): JSX.Element {
  const slow = slownessLevel(node.exclusiveTime, plan.total);
  const share = plan.analyzed && node.exclusiveTime !== null && plan.total > 0 ? Math.min(1, node.exclusiveTime / plan.total) : 0;
  const costShare = !plan.analyzed && plan.root.totalCost > 0 ? node.totalCost / plan.root.totalCost : 0;
  const details = node.details.map(([k, v]) => `${k}: ${v}`).join('\n');
  return (
    <tr class={slow ? `plan-row slow-${slow}` : 'plan-row'} title={details}>
      <td class="plan-node">
        <span style={{ paddingLeft: `${node.depth * 16}px` }} class="plan-indent">
          {node.depth > 0 && <span class="plan-arrow">→ </span>}
          {node.subplan && <span class="plan-sub">{node.subplan} </span>}
          <strong>{node.type}</strong> {node.target && <span class="plan-target">{node.target}</span>}
          {slow > 0 && <span class={`plan-badge slow-badge-${slow}`}>slow</span>}
        </span>
      </td>
      <td class="plan-bar-cell">
        <span class="plan-bar" style={{ width: `${Math.round((plan.analyzed ? share : costShare) * 100)}%` }} />
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

function PlanTree({ plan }: { plan: Plan }): JSX.Element {
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
            <NodeRow key={n.path} node={n} plan={plan} />
          ))}
        </tbody>
      </table>
      <p class="plan-summary muted">
        {plan.planningTime !== null && `Planning ${ms(plan.planningTime)} ms · `}
        {plan.executionTime !== null && `Execution ${ms(plan.executionTime)} ms · `}
        {plan.nodes.length} nodes
      </p>
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

export function ExplainView({ tab }: { tab: QueryTab }): JSX.Element {
  const plans = tab.plans.value;
  const [mode, setMode] = useState<Mode>('tree');
  const [chosen, setChosen] = useState<number | null>(null);
  const entry = plans.find((p) => p.id === chosen) ?? plans[plans.length - 1];
  if (!entry) return <p class="empty-state results-empty">Explain a query to see its plan.</p>;
  return (
    <div class="explain">
      <div class="explain-bar">
        <div class="segmented" role="group" aria-label="Plan view">
          {(['tree', 'raw', 'compare'] as const).map((m) => (
            <button key={m} type="button" aria-pressed={mode === m} disabled={m === 'compare' && plans.length < 2} onClick={() => setMode(m)}>
              {m === 'tree' ? 'Plan' : m === 'raw' ? 'JSON' : 'Compare'}
            </button>
          ))}
        </div>
        {mode !== 'compare' && (
          <PlanSelect label="Plan" plans={plans} value={entry.id} onValue={setChosen} />
        )}
      </div>
      {mode === 'tree' && <PlanTree plan={entry.plan} />}
      {mode === 'raw' && <pre class="plan-raw">{JSON.stringify(JSON.parse(entry.raw), null, 2)}</pre>}
      {mode === 'compare' && plans.length > 1 && <Compare plans={plans} />}
    </div>
  );
}
