// One small live chart: a uPlot canvas under a title and the latest value
// of each series (or the values under the cursor). Colours come from the
// theme's CSS variables; the chart is rebuilt when the theme changes and
// resized with its panel.
import type { JSX } from 'preact';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { effectiveTheme } from '../../state/prefs';
import { formatTick, formatValue, type ChartDef, type SeriesDef, type Unit } from './charts';
import { formatClock } from '../../lib/format';
import type { Point } from './stream';

const PLOT_HEIGHT = 76;
/** With little data the x axis still spans a minute, the newest sample on the right. */
const MIN_SPAN_SECONDS = 60;

interface Palette {
  axis: string;
  grid: string;
  series: string[];
}

function cssVar(style: CSSStyleDeclaration, name: string): string {
  return style.getPropertyValue(name).trim();
}

function palette(def: ChartDef): Palette {
  const style = getComputedStyle(document.documentElement);
  return {
    axis: cssVar(style, '--chart-axis'),
    grid: cssVar(style, '--chart-grid'),
    series: def.series.map((s) => cssVar(style, s.color)),
  };
}

/** "#rrggbb" with an alpha, for area fills. */
function translucent(hex: string, alpha: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return hex;
  const [r, g, b] = m.slice(1).map((x) => parseInt(x, 16));
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

const unitOf = (def: ChartDef, s: SeriesDef): Unit => s.unit ?? def.unit;

function columns(def: ChartDef, points: Point[]): uPlot.AlignedData {
  const xs = points.map((p) => p.time);
  const ys = def.series.map((s) => points.map((p) => (p.sample ? s.value(p.sample) : null)));
  return [xs, ...ys];
}

function axisFont(): string {
  return `11px ${getComputedStyle(document.documentElement).getPropertyValue('--font').trim() || 'sans-serif'}`;
}

/** The least top of a y axis: a flat zero line sits at the bottom of a sensible scale. */
const FLOOR: Record<Unit, number> = { count: 4, perSecond: 1, bytes: 1024, bytesPerSecond: 1024, percent: 100 };
/** Tick steps for whole numbers (sessions). */
const WHOLE = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000];
/** Tick steps for bytes: powers of two, so ticks fall on whole KiB, MiB, GiB. */
const BINARY = Array.from({ length: 51 }, (_, i) => 2 ** i);

function incrsFor(unit: Unit): number[] | undefined {
  if (unit === 'count') return WHOLE;
  if (unit === 'bytes' || unit === 'bytesPerSecond') return BINARY;
  return undefined;
}

function yRange(unit: Unit): uPlot.Scale.Range {
  if (unit === 'percent') return () => [0, 100];
  return (_u, _min, max) => [0, Math.max(FLOOR[unit], max !== null && max > 0 ? max * 1.15 : 0)];
}

/** Clock labels on one line; seconds only when a tick needs them. */
function timeTicks(u: uPlot, splits: number[]): string[] {
  // Until two samples make a line there is no time scale worth labelling.
  if (u.data[0].length < 2) return splits.map(() => '');
  const withSeconds = splits.some((t) => Math.round(t) % 60 !== 0);
  return splits.map((t) => (withSeconds ? formatClock(t) : formatClock(t).slice(0, 5)));
}

function options(def: ChartDef, width: number, colours: Palette, onCursor: (idx: number | null) => void): uPlot.Options {
  const right = def.series.find((s) => s.right);
  const rightUnit = right ? unitOf(def, right) : null;
  const font = axisFont();
  const axis = (unit: Unit, side: 1 | 3, showGrid: boolean): uPlot.Axis => ({
    scale: side === 3 ? 'y' : 'r',
    side,
    stroke: colours.axis,
    font,
    size: 46,
    gap: 3,
    ticks: { show: false },
    grid: { show: showGrid, stroke: colours.grid, width: 1 },
    space: 18,
    values: (_u, splits) => splits.map((v) => formatTick(v, unit)),
    ...(incrsFor(unit) ? { incrs: incrsFor(unit) } : {}),
  });
  return {
    width,
    height: PLOT_HEIGHT,
    legend: { show: false },
    // on the right, room for half a clock label under the latest sample
    padding: [6, right ? 0 : 24, 0, 0],
    cursor: { drag: { x: false, y: false }, points: { size: 5 } },
    scales: {
      x: {
        time: true,
        range: (_u, min, max) => {
          const now = Date.now() / 1000;
          const hi = max ?? now;
          return [Math.min(min ?? hi, hi - MIN_SPAN_SECONDS), hi];
        },
      },
      y: { range: yRange(def.unit) },
      r: { range: yRange(rightUnit ?? def.unit) },
    },
    axes: [
      {
        stroke: colours.axis,
        font,
        size: 18,
        gap: 2,
        space: 64,
        ticks: { show: false },
        grid: { show: true, stroke: colours.grid, width: 1 },
        values: (u, splits) => timeTicks(u, splits),
      },
      axis(def.unit, 3, true),
      ...(rightUnit ? [axis(rightUnit, 1, false)] : []),
    ],
    series: [
      {},
      ...def.series.map((s, i): uPlot.Series => ({
        label: s.label,
        scale: s.right ? 'r' : 'y',
        stroke: colours.series[i],
        width: 1.5,
        fill: s.fill ? translucent(colours.series[i] ?? '', 0.14) : undefined,
        points: { show: false },
        spanGaps: false,
      })),
    ],
    hooks: {
      setCursor: [(u) => onCursor(u.cursor.idx ?? null)],
    },
  };
}

interface ChartProps {
  def: ChartDef;
  points: Point[];
}

export function Chart({ def, points }: ChartProps): JSX.Element {
  const plotRef = useRef<HTMLDivElement>(null);
  const chartRef = useRef<uPlot | null>(null);
  const [hover, setHover] = useState<number | null>(null);
  const theme = effectiveTheme.value;
  const data = useMemo(() => columns(def, points), [def, points]);
  const dataRef = useRef(data);
  dataRef.current = data;

  useLayoutEffect(() => {
    const el = plotRef.current!;
    const chart = new uPlot(options(def, Math.max(el.clientWidth, 100), palette(def), setHover), dataRef.current, el);
    chartRef.current = chart;
    const observer = new ResizeObserver(() => {
      const width = el.clientWidth;
      if (width > 0 && width !== chart.width) chart.setSize({ width, height: PLOT_HEIGHT });
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      chart.destroy();
      chartRef.current = null;
    };
  }, [def, theme]);

  useEffect(() => {
    chartRef.current?.setData(data);
  }, [data]);

  const index = hover !== null && hover < points.length ? hover : lastSample(points);
  const at = index === null ? null : points[index] ?? null;
  const count = points.reduce((n, p) => n + (p.sample ? 1 : 0), 0);

  return (
    <section class="dash-chart" aria-label={def.title} data-chart={def.id} data-points={count}>
      <header class="dash-chart-head">
        <h3>{def.title}</h3>
        <span class="dash-chart-time">{hover !== null && at ? formatClock(at.time) : ''}</span>
      </header>
      <ul class="dash-legend" aria-label={`${def.title}: ${hover !== null ? 'values at the cursor' : 'latest values'}`}>
        {def.series.map((s, i) => (
          <li key={s.label} data-series={s.label}>
            <span class="dash-swatch" style={{ background: `var(${s.color})` }} aria-hidden="true" />
            <span class="dash-legend-label">{s.label}</span>
            <span class="dash-legend-value">{formatValue(at?.sample ? s.value(at.sample) : null, unitOf(def, s))}</span>
            {i < def.series.length - 1 && ' '}
          </li>
        ))}
      </ul>
      <div class="dash-plot" ref={plotRef} onMouseLeave={() => setHover(null)} />
    </section>
  );
}

function lastSample(points: Point[]): number | null {
  for (let i = points.length - 1; i >= 0; i--) if (points[i]!.sample) return i;
  return null;
}
