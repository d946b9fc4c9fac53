// pgAdmin's Statistics and Analysis, for one plan: exclusive time (or cost)
// per node type and per table with its share, and the findings worth a look,
// each leading to its node in the diagram.
import type { JSX } from 'preact';
import { useMemo } from 'preact/hooks';
import type { Plan } from '../explain';
import { ms, pct } from './NodeDetails';
import { findings, planStats, type StatRow } from './stats';

function ShareCell({ share }: { share: number }): JSX.Element {
  return (
    <td class="ps-share">
      <span class="ps-bar">
        <span style={{ width: `${Math.round(share * 100)}%` }} />
      </span>
      {pct(share)}
    </td>
  );
}

function StatTable({ title, first, rows, plan, types }: { title: string; first: string; rows: StatRow[]; plan: Plan; types?: boolean }): JSX.Element {
  return (
    <section class="ps-section">
      <h3>{title}</h3>
      {rows.length === 0 ? (
        <p class="muted">No node of this plan reads a table.</p>
      ) : (
        <table class="plan-table ps-table" aria-label={title}>
          <thead>
            <tr>
              <th>{first}</th>
              {types && <th>Read by</th>}
              <th class="num">{types ? 'Scans' : 'Count'}</th>
              <th class="num">{plan.analyzed ? 'Time ms' : 'Cost'}</th>
              <th>Share</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key}>
                <td>{r.key}</td>
                {types && <td class="muted">{r.types.join(', ')}</td>}
                <td class="num">{r.count}</td>
                <td class="num">{plan.analyzed ? ms(r.own) : r.own.toFixed(1)}</td>
                <ShareCell share={r.share} />
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function StatsView({ plan }: { plan: Plan }): JSX.Element {
  const stats = useMemo(() => planStats(plan), [plan]);
  return (
    <div class="plan-scroll ps">
      <StatTable title="Per node type" first="Node type" rows={stats.byType} plan={plan} />
      <StatTable title="Per table" first="Table" rows={stats.byTable} plan={plan} types />
    </div>
  );
}

const SEVERITY = { high: 'High', medium: 'Check', info: 'Note' };

export function AnalysisView({ plan, onShow }: { plan: Plan; onShow: (path: string) => void }): JSX.Element {
  const list = useMemo(() => findings(plan), [plan]);
  const nodeOf = (path: string) => plan.nodes.find((n) => n.path === path)!;
  return (
    <div class="plan-scroll ps">
      {list.length === 0 ? (
        <p class="ps-none">Nothing stands out: no slow node, no misestimated rows, nothing spilled to disk.</p>
      ) : (
        <ul class="pa-list" aria-label="Findings">
          {list.map((f, i) => {
            const n = nodeOf(f.path);
            return (
              <li key={`${f.path}-${f.kind}-${i}`} class={`pa-item pa-${f.severity}`}>
                <span class={`pa-sev pa-sev-${f.severity}`}>{SEVERITY[f.severity]}</span>
                <button type="button" class="pa-node" onClick={() => onShow(f.path)} title="Show in the diagram">
                  {n.type}
                  {n.target ? ` ${n.target}` : ''}
                </button>
                <span class="pa-text">{f.text}</span>
              </li>
            );
          })}
        </ul>
      )}
      {!plan.analyzed && <p class="muted ps-none">A plain EXPLAIN has no times: run Explain Analyze to find slow nodes and misestimated rows.</p>}
    </div>
  );
}
