// Production build of the Tusk front end.
// Usage: node build.mjs --outdir ../build/web
// Writes index.html (with the {{BASE}} placeholder the server fills in),
// assets/app-[hash].js, assets/app-[hash].css, the chunks loaded on first
// use (assets/chunk-[hash].js: the query tool), the schema diagram's layout
// worker (assets/erd-layout-[hash].js, a script of its own: a worker cannot
// load the app's ES chunks) and favicon.svg.
import { build } from 'esbuild';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const webDir = dirname(fileURLToPath(import.meta.url));

function outdirFromArgs() {
  const { values } = parseArgs({ options: { outdir: { type: 'string' } } });
  if (!values.outdir) {
    throw new Error('usage: node build.mjs --outdir DIR');
  }
  return resolve(values.outdir);
}

/** The ERD layout worker (elkjs), as one classic script; answers its path. */
async function bundleWorker(outdir) {
  const result = await build({
    absWorkingDir: webDir,
    entryPoints: { 'erd-layout': 'src/features/erd/layout.worker.ts' },
    outdir: join(outdir, 'assets'),
    entryNames: '[name]-[hash]',
    bundle: true,
    format: 'iife',
    target: 'es2020',
    minify: true,
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  const name = Object.keys(result.metafile.outputs).map((p) => basename(p)).find((o) => o.endsWith('.js'));
  if (!name) throw new Error('esbuild produced no erd-layout-*.js');
  return `assets/${name}`;
}

async function bundle(outdir, workerPath) {
  const result = await build({
    absWorkingDir: webDir,
    entryPoints: { app: 'src/main.tsx' },
    outdir: join(outdir, 'assets'),
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    target: 'es2020',
    minify: true,
    sourcemap: false,
    metafile: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    define: { 'process.env.NODE_ENV': '"production"', __ERD_LAYOUT_WORKER__: JSON.stringify(workerPath) },
    legalComments: 'none',
    logLevel: 'warning',
  });
  const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
  const pick = (ext) => {
    const name = outputs.find((o) => o.startsWith('app-') && o.endsWith(ext));
    if (!name) throw new Error(`esbuild produced no app-*${ext}`);
    return `assets/${name}`;
  };
  return { js: pick('.js'), css: pick('.css') };
}

async function writeIndex(outdir, assets) {
  const template = await readFile(join(webDir, 'src/index.html'), 'utf8');
  const html = template
    .replace('%APP_JS%', assets.js)
    .replace('%APP_CSS%', assets.css);
  if (html.includes('%APP_') || !html.includes('<base href="{{BASE}}">')) {
    throw new Error('src/index.html lacks a placeholder');
  }
  await writeFile(join(outdir, 'index.html'), html);
}

async function main() {
  const outdir = outdirFromArgs();
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const assets = await bundle(outdir, await bundleWorker(outdir));
  await writeIndex(outdir, assets);
  await copyFile(join(webDir, 'src/favicon.svg'), join(outdir, 'favicon.svg'));
  console.log(`built ${outdir}: ${assets.js}, ${assets.css}`);
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
