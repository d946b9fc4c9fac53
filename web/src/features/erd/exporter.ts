// Exports of the diagram: an SVG that renders on its own (every element's
// computed presentation written inline, since the page's stylesheet and
// theme variables do not travel with the file), and a PNG drawn from it.

/** Presentation properties SVG inherits: written only where they differ from the parent's. */
const INHERITED = ['fill', 'stroke', 'stroke-width', 'stroke-dasharray', 'stroke-linecap', 'stroke-linejoin', 'font-family', 'font-size', 'font-weight', 'font-style', 'color'];
/** Properties that do not inherit, with their initial values. */
const OWN: Record<string, string> = { opacity: '1', 'fill-opacity': '1', 'stroke-opacity': '1' };
/** Classes that only mark the page's state (selection, search) and stay out of an export. */
const STATE_CLASSES = ['is-selected', 'is-near', 'is-match', 'has-selection'];
const SVG_NS = 'http://www.w3.org/2000/svg';
const PADDING = 24;

function inlineStyles(source: Element, target: Element, parentStyle: CSSStyleDeclaration | null): void {
  // a symbol's shapes draw in currentColor, the colour of each <use> of it: their computed style here (in <defs>) is not theirs
  if (source.tagName === 'symbol') return;
  const style = getComputedStyle(source);
  if (style.display === 'none' && source.tagName !== 'symbol' && source.tagName !== 'marker' && source.tagName !== 'defs') {
    target.remove();
    return;
  }
  const decls: string[] = [];
  for (const p of INHERITED) {
    const v = style.getPropertyValue(p);
    if (!parentStyle || parentStyle.getPropertyValue(p) !== v) decls.push(`${p}:${v}`);
  }
  for (const [p, initial] of Object.entries(OWN)) {
    const v = style.getPropertyValue(p);
    if (v && v !== initial) decls.push(`${p}:${v}`);
  }
  target.removeAttribute('class');
  target.removeAttribute('tabindex');
  for (const a of Array.from(target.attributes)) if (a.name.startsWith('data-') || a.name.startsWith('aria-') || a.name === 'role') target.removeAttribute(a.name);
  if (decls.length) target.setAttribute('style', decls.join(';'));
  else target.removeAttribute('style');
  const sources = Array.from(source.children);
  const targets = Array.from(target.children);
  sources.forEach((s, i) => {
    const t = targets[i];
    if (t) inlineStyles(s, t, style);
  });
}

/** Removes the state classes under ROOT for the time FN runs (synchronously: nothing is painted meanwhile). */
function withoutState<T>(root: Element, fn: () => T): T {
  const changed: Array<[Element, string]> = [];
  for (const el of [root, ...Array.from(root.querySelectorAll(STATE_CLASSES.map((c) => `.${c}`).join(',')))]) {
    for (const c of STATE_CLASSES) if (el.classList.contains(c)) changed.push([el, c]);
  }
  changed.forEach(([el, c]) => el.classList.remove(c));
  try {
    return fn();
  } finally {
    changed.forEach(([el, c]) => el.classList.add(c));
  }
}

export interface ExportedSvg {
  text: string;
  width: number;
  height: number;
}

/** The diagram in SVG (WIDTH x HEIGHT in diagram units), on the theme's background, without selection or search marks. */
export function exportSvg(svg: SVGSVGElement, width: number, height: number, title: string): ExportedSvg {
  const w = Math.ceil(width + PADDING * 2);
  const h = Math.ceil(height + PADDING * 2);
  let world: Element | null = null;
  const clone = withoutState(svg, () => {
    const copy = svg.cloneNode(true) as SVGSVGElement;
    world = copy.querySelector('.erd-world');
    copy.querySelector('.erd-edges-hot')?.replaceChildren();
    inlineStyles(svg, copy, null);
    return copy;
  });
  clone.setAttribute('xmlns', SVG_NS);
  clone.setAttribute('width', String(w));
  clone.setAttribute('height', String(h));
  clone.setAttribute('viewBox', `0 0 ${w} ${h}`);
  (world as Element | null)?.setAttribute('transform', `translate(${PADDING},${PADDING})`);
  const background = document.createElementNS(SVG_NS, 'rect');
  background.setAttribute('width', '100%');
  background.setAttribute('height', '100%');
  background.setAttribute('style', `fill:${getComputedStyle(svg).backgroundColor || '#fff'}`);
  const heading = document.createElementNS(SVG_NS, 'title');
  heading.textContent = title;
  clone.insertBefore(background, clone.firstChild);
  clone.insertBefore(heading, clone.firstChild);
  return { text: `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}\n`, width: w, height: h };
}

/** Chromium's canvas limits: 32767 pixels a side and about 268 million in all; stay well inside. */
function pngScale(width: number, height: number): number {
  return Math.min(2, 16000 / width, 16000 / height, Math.sqrt(120e6 / (width * height)));
}

/** Draws an exported SVG onto a canvas: a PNG at up to twice its size. */
export async function exportPng(svg: ExportedSvg): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svg.text], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const scale = pngScale(svg.width, svg.height);
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(svg.width * scale));
    canvas.height = Math.max(1, Math.round(svg.height * scale));
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('This browser cannot draw the diagram for a PNG.');
    ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('The diagram is too large for a PNG; export it as SVG.'))), 'image/png'),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file name from the diagram's database and schemas. */
export function fileName(parts: readonly string[], ext: string): string {
  const base = parts.join('-').replace(/[^\p{L}\p{N}._-]+/gu, '_').slice(0, 120) || 'diagram';
  return `${base}-erd.${ext}`;
}
