// The SVG path of an edge from its route (the layout's points).

/** An orthogonal route with small rounded corners. */
export function edgePath(p: readonly number[]): string {
  const n = p.length / 2;
  if (n < 2) return '';
  const f = (v: number) => Math.round(v * 10) / 10;
  let d = `M${f(p[0]!)},${f(p[1]!)}`;
  for (let i = 1; i < n - 1; i++) {
    const [px, py, x, y, nx, ny] = [p[2 * i - 2]!, p[2 * i - 1]!, p[2 * i]!, p[2 * i + 1]!, p[2 * i + 2]!, p[2 * i + 3]!];
    const r = Math.min(5, Math.hypot(x - px, y - py) / 2, Math.hypot(nx - x, ny - y) / 2);
    const ax = x - Math.sign(x - px) * r;
    const ay = y - Math.sign(y - py) * r;
    const bx = x + Math.sign(nx - x) * r;
    const by = y + Math.sign(ny - y) * r;
    d += `L${f(ax)},${f(ay)}Q${f(x)},${f(y)} ${f(bx)},${f(by)}`;
  }
  return `${d}L${f(p[2 * n - 2]!)},${f(p[2 * n - 1]!)}`;
}
