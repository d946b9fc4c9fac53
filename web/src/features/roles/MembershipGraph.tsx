// The roles of a server as a graph: each role under the groups it is a
// member of (groups above their members, layer by layer), an arrow from
// member to group, dashed when the member may administer the group. Click a
// role to light up its memberships; the rest dims.
import type { JSX } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { listRoles, type Role } from '../../api/roles';
import type { Server } from '../../api/servers';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { errorMessage } from '../../lib/format';
import '../../styles/roles.css';

const W = 150;
const H = 30;
const GAP_X = 24;
const GAP_Y = 70;
const PER_ROW = 5;

interface Placed {
  role: Role;
  x: number;
  y: number;
}

/** Layers: a group sits above every member of it; roles apart from any group on the top layer. */
function layout(roles: Role[]): { placed: Map<string, Placed>; width: number; height: number } {
  const byName = new Map(roles.map((r) => [r.name, r]));
  const level = new Map<string, number>();
  const depth = (r: Role, seen: Set<string>): number => {
    if (level.has(r.name)) return level.get(r.name)!;
    if (seen.has(r.name)) return 0;
    seen.add(r.name);
    const parents = r.member_of.map((m) => byName.get(m.role)).filter((x): x is Role => x !== undefined);
    const d = parents.length ? 1 + Math.max(...parents.map((p) => depth(p, seen))) : 0;
    level.set(r.name, d);
    return d;
  };
  roles.forEach((r) => depth(r, new Set()));
  const layers: Role[][] = [];
  for (const r of roles) (layers[level.get(r.name)!] ??= []).push(r);
  // a long layer wraps onto more rows, so the graph stays about as wide as the dialog
  const rows: Role[][] = [];
  for (const layer of layers) {
    const sorted = (layer ?? []).sort((a, b) => a.name.localeCompare(b.name));
    for (let i = 0; i < sorted.length; i += PER_ROW) rows.push(sorted.slice(i, i + PER_ROW));
  }
  const widest = Math.max(1, ...rows.map((row) => row?.length ?? 0));
  const width = widest * (W + GAP_X) + GAP_X;
  const placed = new Map<string, Placed>();
  rows.forEach((row, y) => {
    const offset = (width - row.length * (W + GAP_X) + GAP_X) / 2;
    row.forEach((role, x) => placed.set(role.name, { role, x: offset + x * (W + GAP_X), y: GAP_X + y * (H + GAP_Y) }));
  });
  return { placed, width, height: rows.length * (H + GAP_Y) + GAP_X };
}

export function MembershipGraph({ server, onClose }: { server: Server; onClose: () => void }): JSX.Element {
  const [roles, setRoles] = useState<Role[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [focus, setFocus] = useState<string | null>(null);
  useEffect(() => {
    listRoles(server.id, true).then(
      (all) => {
        // built-in pg_* roles only where one of the others is a member of them
        const used = new Set(all.filter((r) => !r.system).flatMap((r) => r.member_of.map((m) => m.role)));
        setRoles(all.filter((r) => !r.system || used.has(r.name)));
      },
      (err: unknown) => setError(errorMessage(err)),
    );
  }, [server.id]);
  const graph = useMemo(() => (roles ? layout(roles) : null), [roles]);
  const related = (a: string, b: string) => focus === null || a === focus || b === focus;
  return (
    <Dialog title={`Role memberships on ${server.name}`} size="large" onClose={onClose} footer={<Button onClick={onClose}>Close</Button>}>
      {error && <p class="field-error">{error}</p>}
      {!graph && !error && (
        <p class="muted">
          <span class="spinner" aria-hidden="true" /> Reading the roles…
        </p>
      )}
      {graph && (
        <div class="membership-graph">
          <p class="muted">
            {roles!.length} roles. An arrow goes from a member to its group; dashed: with the admin option. Click a role to follow it.
          </p>
          <svg width={graph.width} height={graph.height} role="img" aria-label="Role membership graph">
            <defs>
              <marker id="mg-arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                <path d="M0,0 L8,4 L0,8 z" class="mg-arrowhead" />
              </marker>
            </defs>
            {[...graph.placed.values()].flatMap(({ role, x, y }) =>
              role.member_of.map((m) => {
                const g = graph.placed.get(m.role);
                if (!g) return null;
                const lit = related(role.name, m.role);
                return (
                  <line
                    key={`${role.name}->${m.role}`}
                    x1={x + W / 2}
                    y1={y}
                    x2={g.x + W / 2}
                    y2={g.y + H}
                    class={`mg-edge${m.admin ? ' mg-admin' : ''}${lit ? '' : ' mg-dim'}`}
                    marker-end="url(#mg-arrow)"
                  />
                );
              }),
            )}
            {[...graph.placed.values()].map(({ role, x, y }) => {
              const lit = focus === null || focus === role.name || role.member_of.some((m) => m.role === focus) || role.members.some((m) => m.role === focus);
              return (
                <g
                  key={role.name}
                  class={`mg-node${role.login ? ' mg-login' : ''}${lit ? '' : ' mg-dim'}${focus === role.name ? ' mg-focus' : ''}`}
                  transform={`translate(${x},${y})`}
                  tabIndex={0}
                  role="button"
                  aria-label={`${role.name}${role.login ? ' (can log in)' : ' (group)'}`}
                  onClick={() => setFocus(focus === role.name ? null : role.name)}
                  onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && setFocus(focus === role.name ? null : role.name)}
                >
                  <rect width={W} height={H} rx={4} />
                  <text x={W / 2} y={H / 2 + 4} text-anchor="middle">
                    {role.name.length > 20 ? `${role.name.slice(0, 19)}…` : role.name}
                  </text>
                  <title>{`${role.name}: ${role.login ? 'login role' : 'group role'}${role.superuser ? ', superuser' : ''}`}</title>
                </g>
              );
            })}
          </svg>
        </div>
      )}
    </Dialog>
  );
}
