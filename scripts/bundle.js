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
 * undici's cookie helpers (getCookies …) also accept Node's own global Headers, and look it up
 * when undici's index loads: reading `globalThis.Headers` makes Node load its built-in copy of
 * undici, ≈25 ms of CPU, a tenth of a short crawl's start. tscrapy handles cookies with
 * tough-cookie and never calls those helpers, so the bundle does not look the global up.
 */
const undiciCookies = {
  name: 'tscrapy-undici-cookies',
  setup(b) {
    b.onLoad({ filter: /[\\/]undici[\\/]lib[\\/]web[\\/]cookies[\\/]index\.js$/ }, async (args) => {
      const code = readFileSync(args.path, 'utf8');
      const out = await transform(code, { define: { 'globalThis.Headers': 'undefined' }, format: 'cjs', target: 'node20', sourcefile: args.path });
      return { contents: out.code, loader: 'js', resolveDir: dirname(args.path) };
    });
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
  plugins: [importMetaUrl, undiciCookies],
  metafile: true,
  logLevel: 'warning',
});
const outputs = Object.entries(result.metafile.outputs);
const bytes = outputs.reduce((n, [, o]) => n + o.bytes, 0);
console.log(`dist/bundled: ${outputs.length} files, ${(bytes / 1e6).toFixed(1)} MB, from ${Object.keys(result.metafile.inputs).length} modules`);
