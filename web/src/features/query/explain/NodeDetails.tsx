// One plan node in full, shown in place (beside the diagram, under a table
// row): what it is, why it is flagged in words, its numbers, then its
// conditions, keys, rows removed, buffers, workers and output.
import type { JSX } from 'preact';
import { formatThousands } from '../../../lib/format';
import type { Plan, PlanNode } from '../explain';
import { detailGroups } from './details';

export const ms = (v: number | null) => (v === null ? '—' : v < 10 ? v.toFixed(3) : v.toFixed(1));
export const pct = (share: number) => (share > 0 && share < 0.01 ? '<1%' : `${Math.round(share * 100)}%`);
const ratio = (f: number) => `${Math.round(f >= 1 ? f : 1 / f).toLocaleString('en-US')}×`;

/** The node's flags as sentences; empty when nothing stands out. */
export function flagTexts(node: PlanNode, plan: Plan): Array<{ cls: string; text: string }> {
  const out: Array<{ cls: string; text: string }> = [];
  if (node.neverExecuted) out.push({ cls: 'note', text: 'Never executed.' });
  if (node.slow) out.push({ cls: node.slow >= 2 ? 'bad' : 'warn', text: `Slow: ${pct(node.share)} of the query's time (${ms(node.exclusiveTime)} of ${ms(plan.exclusiveTotal)} ms).` });
  if (node.misestimateFlag && node.misestimate !== null) {
    const dir = node.misestimate >= 1 ? 'more' : 'fewer';
    out.push({ cls: node.misestimateFlag >= 2 ? 'bad' : 'warn', text: `Rows misestimated: ${ratio(node.misestimate)} ${dir} than the planner expected.` });
  } else if (node.cutByLimit && node.actualRows !== null && node.actualRows < node.planRows) {
    out.push({ cls: 'note', text: 'Fewer rows than estimated because the LIMIT above stopped reading early — not a misestimate.' });
  }
  return out;
}

function Numbers({ node, plan }: { node: PlanNode; plan: Plan }): JSX.Element {
  const rows: Array<[string, string]> = plan.analyzed
    ? [
        ['Exclusive', `${ms(node.exclusiveTime)} ms · ${pct(node.share)}`],
        ['Inclusive', `${ms(node.totalTime)} ms`],
        ['Rows', `${node.actualRows === null ? '—' : formatThousands(node.actualRows)} (estimated ${formatThousands(node.planRows)})`],
        ['Loops', node.loops === null ? '—' : formatThousands(node.loops)],
      ]
    : [
        ['Own cost', `${node.exclusiveCost.toFixed(2)} · ${pct(node.share)}`],
        ['Estimated rows', formatThousands(node.planRows)],
      ];
  rows.push(['Cost', `${node.startupCost.toFixed(2)}..${node.totalCost.toFixed(2)}`]);
  return (
    <dl class="pn-numbers">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

export function NodeDetails({ node, plan }: { node: PlanNode; plan: Plan }): JSX.Element {
  const heading = [node.subplan, node.relationship && !node.subplan ? node.relationship : null].filter(Boolean).join(' · ');
  return (
    <div class="pn-details" aria-label={`Details of ${node.type}`}>
      <h3 class="pn-title">
        {node.type}
        {node.target && <span class="pn-target"> {node.target}</span>}
      </h3>
      {heading && <p class="pn-sub">{heading}</p>}
      {flagTexts(node, plan).map((f) => (
        <p key={f.text} class={`pn-flag pn-${f.cls}`}>
          {f.text}
        </p>
      ))}
      <Numbers node={node} plan={plan} />
      {detailGroups(node).map((g) => (
        <section key={g.title} class="pn-group">
          <h4>{g.title}</h4>
          <dl>
            {g.items.map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd class={g.title === 'Conditions' || g.title === 'Output' || g.title === 'Keys and method' ? 'pn-code' : undefined}>{v}</dd>
              </div>
            ))}
          </dl>
        </section>
      ))}
    </div>
  );
}
