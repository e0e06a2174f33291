#!/usr/bin/env node
// Builds the pre-bundled crawl entry, dist/bundled/ (run by `npm run build`, after tsc): what
// `tscrapy crawl` and `tscrapy runspider` load (src/cli/crawl-bundle.ts: the two commands and the
// library's API for the spiders they load) as one script instead of ≈550 modules (tscrapy's,
// oclif's, undici's …), each of which Node resolves, reads and compiles one by one: that was half
// of a short crawl's start. The script is CommonJS, run by src/cli/crawl-loader.ts through
// vm.Script with V8's code cache. Made from tsc's output in dist/, which stays as it is for every
// other entry point.
import { build, transform } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = `${root}dist`;
const outdir = `${dist}/bundled`;
const outfile = `${outdir}/crawl.cjs`;
const { BUNDLE_HASH_PREFIX, BUNDLE_PARAMS, BUNDLE_WRAPPER_PARAMS } = await import(pathToFileURL(`${dist}/cli/crawl-loader.js`).href);
const { writeFileAtomicSync } = await import(pathToFileURL(`${dist}/util/atomic-file.js`).href);
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));

// Not bundled: optional packages (they may be missing, and some hold native addons), esbuild
// (it runs its own binary, found from its package folder), ioredis (it reads its package.json
// through __dirname; only --redis crawls load it) and what oclif loads only for TypeScript
// sources (never installed with tscrapy).
const external = [...Object.keys(pkg.optionalDependencies ?? {}), 'esbuild', 'ioredis', 'typescript', 'ts-node', 'tsx'];

/**
 * Modules that find files next to themselves (the parse worker, the server's job child, the demo
 * site, templates) read `import.meta.url`, which a CommonJS script has not: each module's own
 * place in dist/ is put back, relative to the bundle's URL (the bundle is always in
 * dist/bundled/) so that the installed package can move. `import.meta.resolve` is the loader's
 * (bare names resolve the same from anywhere in the package). esbuild's define replaces the
 * expression, not the text: strings that spell it stay as they are.
 */
const importMeta = {
  name: 'tscrapy-import-meta',
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, async (args) => {
      if (!args.path.startsWith(dist + sep)) return undefined;
      const code = readFileSync(args.path, 'utf8');
      if (!code.includes('import.meta')) return undefined;
      const rel = relative(outdir, args.path).split(sep).join('/');
      const own = `const __tscrapyModuleUrl = new URL(${JSON.stringify(rel)}, ${BUNDLE_PARAMS.url}).href;\n`;
      const define = { 'import.meta.url': '__tscrapyModuleUrl', 'import.meta.resolve': BUNDLE_PARAMS.resolve };
      const out = await transform(code, { define, format: 'esm', target: 'node20', sourcefile: args.path });
      return { contents: own + out.code, loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

/**
 * The crawler takes Agent and ProxyAgent from undici (src/crawler/downloader/handlers/http.ts);
 * undici's index also loads fetch, WebSocket, EventSource, caches and mocks: 1.1 of the bundle's
 * 2.1 MB, compiled and run at every start. In the bundle, `undici` is the two classes plus the
 * one thing the index does to them: it gives every Dispatcher the request API (request, connect
 * …), which ProxyAgent's CONNECT tunnel uses. An ES module, so that a name the crawler imports
 * and this lacks fails the build instead of being undefined at run time.
 */
const UNDICI_AGENTS = `import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';
import api from 'undici/lib/api/index.js';
Object.assign(Dispatcher.prototype, api);
export { default as Agent } from 'undici/lib/dispatcher/agent.js';
export { default as ProxyAgent } from 'undici/lib/dispatcher/proxy-agent.js';
`;
const undiciAgents = {
  name: 'tscrapy-undici-agents',
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, (args) => (args.importer.startsWith(dist + sep) ? { path: 'undici-agents', namespace: 'tscrapy' } : undefined));
    b.onLoad({ filter: /^undici-agents$/, namespace: 'tscrapy' }, () => ({ contents: UNDICI_AGENTS, loader: 'js', resolveDir: root }));
  },
};

/**
 * Lines of dependencies changed in the bundle only, for work a crawl's start does not need. The
 * build fails if a line is no longer there (after an upgrade), rather than bundle it unchanged.
 */
const PATCHES = [
  {
    // undici's client loads its HTTP/2 client, and with it node:http2 and node:tls (≈ 10 ms at
    // every start), when it is loaded; it is used only on a connection that negotiated h2, which
    // tscrapy never offers (no `allowH2`). Loaded on first use instead.
    file: 'node_modules/undici/lib/dispatcher/client.js',
    from: "const connectH2 = require('./client-h2.js')",
    to: "let clientH2\nconst connectH2 = (client, socket) => (clientH2 ??= require('./client-h2.js'))(client, socket)",
  },
  {
    // oclif sorts a plugin's commands with localeCompare, whose first call sets up ICU's
    // collation (≈ 6 ms). The bundle runs only crawl and runspider, found by id; the order is for
    // listings (help), which never run from the bundle.
    file: 'node_modules/@oclif/core/lib/config/plugin.js',
    from: '.sort((a, b) => a.id.localeCompare(b.id));',
    to: '.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));',
  },
  {
    // oclif's plugin loads tinyglobby (with fdir and picomatch, ≈ 3 ms at every start: fdir
    // copies node:fs's exports one getter at a time) for finding command files when there is no
    // manifest; tscrapy ships oclif.manifest.json, so the bundle's crawl never globs. Loaded on
    // first use instead.
    file: 'node_modules/@oclif/core/lib/config/plugin.js',
    from: 'const tinyglobby_1 = require("tinyglobby");',
    to: 'const tinyglobby_1 = { glob: (...args) => require("tinyglobby").glob(...args) };',
  },
  {
    // oclif's performance markers load node:perf_hooks (≈ 0.5 ms), used only when they are
    // enabled (OCLIF_PERFORMANCE, DEBUG); nothing else in the bundle's start loads it.
    file: 'node_modules/@oclif/core/lib/performance.js',
    from: 'const node_perf_hooks_1 = require("node:perf_hooks");',
    to: 'const node_perf_hooks_1 = { get performance() { return require("node:perf_hooks").performance; }, get PerformanceObserver() { return require("node:perf_hooks").PerformanceObserver; } };',
  },
  {
    // oclif's parser loads node:readline for flags piped on stdin (`--flag=-`); loaded then.
    file: 'node_modules/@oclif/core/lib/parser/parse.js',
    from: 'const node_readline_1 = require("node:readline");',
    to: 'const node_readline_1 = { createInterface: (...args) => require("node:readline").createInterface(...args) };',
  },
];
const patched = new Set();
const patches = {
  name: 'tscrapy-patches',
  setup(b) {
    // One loader per file (esbuild takes the first onLoad that answers), applying each of its patches.
    for (const file of new Set(PATCHES.map((p) => p.file))) {
      const path = join(root, file);
      b.onLoad({ filter: new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`) }, () => {
        let code = readFileSync(path, 'utf8');
        for (const patch of PATCHES.filter((p) => p.file === file)) {
          if (!code.includes(patch.from)) throw new Error(`${patch.file} no longer has "${patch.from}": see PATCHES in scripts/bundle.js`);
          patched.add(patch);
          code = code.replace(patch.from, patch.to);
        }
        return { contents: code, loader: 'js' };
      });
    }
  },
};

/**
 * The bundle's `import()` calls (of spider bundles, optional packages, esbuild) made calls of the
 * function the loader passes in, found by parsing the bundle (a text search would also change
 * strings and comments that spell `import(`).
 */
function routeDynamicImports(code) {
  const file = ts.createSourceFile(outfile, code, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const starts = [];
  const visit = (node) => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) starts.push(node.expression.getStart(file));
    ts.forEachChild(node, visit);
  };
  visit(file);
  let out = '';
  let at = 0;
  for (const start of starts.sort((a, b) => a - b)) {
    out += code.slice(at, start) + BUNDLE_PARAMS.import;
    at = start + 'import'.length;
  }
  return out + code.slice(at);
}

const result = await build({
  entryPoints: [`${dist}/cli/crawl-bundle.js`],
  outfile,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external,
  // Class names name components in settings, and oclif reads command classes' names.
  keepNames: true,
  // An import.meta that the plugin above did not replace would be empty in a CommonJS script.
  logOverride: { 'empty-import-meta': 'error' },
  plugins: [importMeta, undiciAgents, patches],
  metafile: true,
  write: false,
  logLevel: 'warning',
});
// esbuild writes strings and regular expressions in ASCII; comments keep their characters.
// Escaped there too, the bundle is ASCII, which the loader reads as Latin-1: no UTF-8 decoding
// of 3 MB (≈ 10 ms) and a one-byte string for V8.
for (const patch of PATCHES) if (!patched.has(patch)) throw new Error(`${patch.file} was not bundled: see PATCHES in scripts/bundle.js`);
const code = routeDynamicImports(result.outputFiles[0].text).replace(/[^\0-\x7f]/gu, (c) => `\\u{${c.codePointAt(0).toString(16)}}`);
// The wrapper opens on the second line: stack traces give the bundle's line numbers plus one.
const wrapped = `(function (${BUNDLE_WRAPPER_PARAMS.join(', ')}) {${code}\n})\n`;
const hash = createHash('sha256').update(wrapped).digest('hex').slice(0, 32);
// Each file is renamed into place and the folder is never emptied: a crawl that starts during a
// rebuild (`npm install` of a project that depends on this checkout runs its `prepare`) reads
// the old bundle or the new one, never none or half of one.
mkdirSync(outdir, { recursive: true });
writeFileAtomicSync(outfile, `${BUNDLE_HASH_PREFIX}${hash}\n${wrapped}`);

// `tscrapy` for the spiders a bundled crawl loads (src/cli/crawl-main.ts points their imports
// here): the library's named exports, taken from the running bundle.
const names = Object.keys(await import(pathToFileURL(`${dist}/index.js`).href)).sort();
writeFileAtomicSync(
  `${outdir}/crawl-api.js`,
  `// Written by scripts/bundle.js: the library's API from the crawl bundle (src/cli/crawl-loader.ts).\n` +
    `import { loadCrawlBundle } from '../cli/crawl-loader.js';\n\n` +
    `export const {\n${names.map((n) => `  ${n},\n`).join('')}} = loadCrawlBundle().api;\n`,
);
// What older builds left there (the chunks of an earlier layout); not a concurrent build's temp files.
for (const name of readdirSync(outdir)) if (!['crawl.cjs', 'crawl-api.js'].includes(name) && !name.endsWith('.tmp')) rmSync(`${outdir}/${name}`, { recursive: true, force: true });
const inputs = Object.keys(result.metafile.inputs).length;
console.log(`dist/bundled: crawl.cjs ${(code.length / 1e6).toFixed(1)} MB from ${inputs} modules, ${names.length} names in crawl-api.js`);
