#!/usr/bin/env node
// Builds the pre-bundled crawl entry, dist/bundled/ (run by `npm run build`, after tsc): what
// `tscrapy crawl` and `tscrapy runspider` load (src/cli/crawl-main.ts, and the library's API for
// the spiders they load, src/cli/crawl-api.ts) as a few files instead of ≈550 modules (tscrapy's,
// oclif's, undici's …), each of which Node resolves, reads and compiles one by one: that was half
// of a short crawl's start. The two entries share one chunk, so a spider's classes are the
// command's. Made from tsc's output in dist/, which stays as it is for every other entry point.
import { build, transform } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = `${root}dist`;
const outdir = `${dist}/bundled`;
const entries = ['cli/crawl-main.js', 'cli/crawl-api.js'].map((f) => `${dist}/${f}`);
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));

// Not bundled: optional packages (they may be missing, and some hold native addons), esbuild
// (it runs its own binary, found from its package folder), ioredis (it reads its package.json
// through __dirname; only --redis crawls load it) and what oclif loads only for TypeScript
// sources (never installed with tscrapy).
const external = [...Object.keys(pkg.optionalDependencies ?? {}), 'esbuild', 'ioredis', 'typescript', 'ts-node', 'tsx'];

/**
 * Modules that find files next to themselves (the parse worker, the server's job child, the demo
 * site, templates) read `import.meta.url`: in the bundle it is the chunk's, so each module's own
 * place in dist/ is put back, relative to the chunk (always in dist/bundled/) so that the
 * installed package can move. The entries keep the real one (crawl-main names crawl-api by it).
 * esbuild's define replaces the expression, not the text: strings that spell it stay as they are.
 */
const importMetaUrl = {
  name: 'tscrapy-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, async (args) => {
      if (!args.path.startsWith(dist + sep) || entries.includes(args.path)) return undefined;
      const code = readFileSync(args.path, 'utf8');
      if (!code.includes('import.meta')) return undefined;
      const rel = relative(outdir, args.path).split(sep).join('/');
      const own = `const __tscrapyModuleUrl = new URL(${JSON.stringify(rel)}, import.meta.url).href;\n`;
      const out = await transform(code, { define: { 'import.meta.url': '__tscrapyModuleUrl' }, format: 'esm', target: 'node20', sourcefile: args.path });
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

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  entryPoints: entries,
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  // Class names name components in settings, and oclif reads command classes' names.
  keepNames: true,
  // Bundled CommonJS packages call require (esbuild's docs advise this banner for ESM on Node).
  banner: { js: "import { createRequire as __tscrapyCreateRequire } from 'node:module';\nconst require = __tscrapyCreateRequire(import.meta.url);" },
  plugins: [importMetaUrl, undiciAgents],
  metafile: true,
  logLevel: 'warning',
});
const outputs = Object.entries(result.metafile.outputs);
const bytes = outputs.reduce((n, [, o]) => n + o.bytes, 0);
console.log(`dist/bundled: ${outputs.length} files, ${(bytes / 1e6).toFixed(1)} MB, from ${Object.keys(result.metafile.inputs).length} modules`);
