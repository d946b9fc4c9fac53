// Loads a module of the front end into Node: bundled from its TypeScript
// with the esbuild of web/, as the app's build does, and imported as an ES
// module. For the logic that needs no browser.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(new URL('../../web/package.json', import.meta.url));
const esbuild = require('esbuild');

/** The exports of web/src/PATH. */
export async function load(path) {
  const entry = fileURLToPath(new URL(`../../web/src/${path}`, import.meta.url));
  const out = esbuild.buildSync({ entryPoints: [entry], bundle: true, format: 'esm', write: false, platform: 'node', define: { __ERD_LAYOUT_WORKER__: '""' } });
  return import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);
}
