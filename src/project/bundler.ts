import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin, BuildFailure, Message } from 'esbuild';
import { BuildError, type BuildDiagnostic } from './errors.js';

/** The two output files of one esbuild run, before they are written anywhere. */
export interface BundleOutput {
  /** bundle.mjs, ending with `//# sourceMappingURL=bundle.mjs.map`. */
  code: Uint8Array;
  /** The source map; its `sources` are relative to `baseDir` (portable: no absolute paths). */
  map: Uint8Array;
  /** Input files esbuild read, relative to `baseDir`, sorted. */
  inputs: string[];
  /** Packages left as external imports because they hold native addons. */
  externals: string[];
  warnings: string[];
}

export const BUNDLE_FILE = 'bundle.mjs';
/** The name the generated entry has in diagnostics and the source map (it is not a file). */
export const ENTRY_NAME = 'tscrapy-entry.js';
export const MAP_FILE = 'bundle.mjs.map';

/**
 * Bundled CommonJS packages call `require`, `__dirname` and `__filename`, which an ES module
 * lacks: define them from `import.meta.url`, as esbuild's docs advise for ESM output on Node.
 */
const BANNER = [
  "import { createRequire as __tscrapyCreateRequire } from 'node:module';",
  "import { fileURLToPath as __tscrapyFileURLToPath } from 'node:url';",
  "import { dirname as __tscrapyDirname } from 'node:path';",
  'const require = __tscrapyCreateRequire(import.meta.url);',
  'const __filename = __tscrapyFileURLToPath(import.meta.url);',
  'const __dirname = __tscrapyDirname(__filename);',
].join('\n');

/** Dependencies whose presence in a package.json means the package loads a native addon. */
const NATIVE_LOADERS = ['bindings', 'node-gyp-build', 'prebuild-install', '@mapbox/node-pre-gyp', 'node-pre-gyp', 'node-addon-api', 'nan'];

/** Why a package cannot be bundled, or undefined when it can. */
function nativeReason(pkgDir: string): string | undefined {
  let pkg: Record<string, any>;
  try {
    pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as Record<string, any>;
  } catch {
    return undefined;
  }
  if (pkg.gypfile || existsSync(join(pkgDir, 'binding.gyp'))) return 'it is built with node-gyp (binding.gyp)';
  if (pkg.napi) return 'it is a napi-rs addon (a .node binary per platform)';
  if (pkg.binary) return 'it downloads a .node binary with node-pre-gyp';
  const deps = { ...pkg.dependencies, ...pkg.optionalDependencies } as Record<string, string>;
  const loader = NATIVE_LOADERS.find((d) => d in deps);
  return loader ? `it loads a .node binary through "${loader}"` : undefined;
}

/** The package folder of a bare import, found the way Node does (walking up node_modules). */
function packageDir(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

function packageName(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/**
 * Keeps native addons out of the bundle: a package that loads a `.node` binary stays an external
 * import (it must then be installed where the bundle runs: warned), and a direct `.node` import
 * is refused, since one JS file cannot carry a binary.
 */
function nativePlugin(externals: Set<string>, warnings: string[]): Plugin {
  const cache = new Map<string, string | undefined>();
  return {
    name: 'tscrapy-native',
    setup(build) {
      build.onResolve({ filter: /\.node$/ }, (args) => ({
        errors: [{ text: `"${args.path}" is a native addon (.node binary): it cannot be bundled into one JavaScript file. Import it through its npm package, which tscrapy then leaves external (install that package where the bundle runs).` }],
      }));
      build.onResolve({ filter: /^(?:@[^/]+\/)?[^./@][^/]*(?:\/.*)?$/ }, (args) => {
        if (args.path.startsWith('node:') || args.path === 'tscrapy' || args.path.startsWith('tscrapy/')) return undefined;
        const name = packageName(args.path);
        const key = `${args.resolveDir}\0${name}`;
        let reason = cache.get(key);
        if (!cache.has(key)) {
          const dir = packageDir(name, args.resolveDir);
          reason = dir ? nativeReason(dir) : undefined;
          cache.set(key, reason);
        }
        if (!reason) return undefined;
        if (!externals.has(name)) {
          externals.add(name);
          warnings.push(`"${name}" is left external because ${reason}: it is not in the bundle, so it must be installed (npm install ${name}) wherever the bundle runs, e.g. on the deploy server.`);
        }
        return { path: args.path, external: true };
      });
    },
  };
}

function diagnostics(messages: Message[]): BuildDiagnostic[] {
  return messages.map((m) => {
    const d: BuildDiagnostic = { text: m.text };
    if (m.location) {
      d.file = m.location.file === '<stdin>' || m.location.file === ENTRY_NAME ? 'the generated entry' : m.location.file;
      d.line = m.location.line;
      d.column = m.location.column + 1;
      d.lineText = m.location.lineText;
    }
    return d;
  });
}

/**
 * Bundles `entry` (source text, its imports resolved from `baseDir`) into one ES module for
 * Node 20, npm packages included, `tscrapy` left as an import. Output paths are declared at
 * `baseDir/bundle.mjs` so the source map names sources relative to the project
 * (`src/spiders/a.ts`), whatever folder the files are written to later.
 */
export async function bundle(entry: string, baseDir: string): Promise<BundleOutput> {
  const esbuild = await import('esbuild');
  const externals = new Set<string>();
  const warnings: string[] = [];
  let result;
  try {
    result = await esbuild.build({
      stdin: { contents: entry, resolveDir: baseDir, sourcefile: ENTRY_NAME, loader: 'js' },
      absWorkingDir: baseDir,
      outfile: join(baseDir, BUNDLE_FILE),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'bundle',
      external: ['tscrapy', 'tscrapy/*'],
      sourcemap: 'linked',
      // Class names are how components are named in settings; keep them through renaming.
      keepNames: true,
      banner: { js: BANNER },
      metafile: true,
      write: false,
      logLevel: 'silent',
      plugins: [nativePlugin(externals, warnings)],
    });
  } catch (err) {
    const failure = err as BuildFailure;
    if (Array.isArray(failure.errors)) throw new BuildError(diagnostics(failure.errors), `Build of ${baseDir} failed`);
    throw err;
  }
  const code = result.outputFiles.find((f) => f.path.endsWith('.mjs'));
  const map = result.outputFiles.find((f) => f.path.endsWith('.map'));
  if (!code || !map) throw new BuildError([{ text: 'esbuild produced no output' }]);
  for (const w of result.warnings) {
    const loc = w.location ? `${w.location.file}:${w.location.line}:${w.location.column + 1}: ` : '';
    warnings.push(`${loc}${w.text}`);
  }
  const inputs = Object.keys(result.metafile.inputs)
    .filter((p) => !p.startsWith('<') && p !== ENTRY_NAME)
    .map((p) => relative(baseDir, resolve(baseDir, p)).split(sep).join('/'))
    .sort();
  return { code: code.contents, map: map.contents, inputs, externals: [...externals].sort(), warnings };
}

/** esbuild's version, read from its package.json: importing esbuild would cost more than a cache hit saves. */
export function esbuildVersion(): string {
  try {
    const main = fileURLToPath(import.meta.resolve('esbuild'));
    return (JSON.parse(readFileSync(join(dirname(main), '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** sha256 hex of bytes or text. */
export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}
