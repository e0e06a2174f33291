import { readFile, readdir, rm, stat, utimes } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { VERSION } from '../crawler/settings/defaults.js';
import { BUNDLE_FILE, MAP_FILE, bundle, esbuildVersion, sha256, type BundleOutput } from './bundler.js';
import { ensureFile, removeStaleTemps, STALE_TEMP_MS } from './cache-file.js';
import { generateEntry, type EntryInputs } from './entry.js';
import { tscrapyEntryUrl } from './load.js';
import { moduleFiles, moduleName, type ProjectInfo } from './project.js';

/** A built project: one ESM bundle plus its source map, on disk. */
export interface BuiltProject {
  project: ProjectInfo;
  /** Absolute path of bundle.mjs. */
  bundleFile: string;
  /** Absolute path of bundle.mjs.map (sources relative to the project's folder). */
  mapFile: string;
  /** Content hash of every input (sources, npm packages, entry, tool versions). */
  hash: string;
  /** True when the bundle came from the cache without running esbuild. */
  cached: boolean;
  /** Input files, relative to the project folder, sorted. */
  inputs: string[];
  /** npm packages left as imports (native addons); they must be installed where the bundle runs. */
  externals: string[];
  warnings: string[];
}

/** Options of buildProject. */
export interface BuildOptions {
  /** Write bundle.mjs and bundle.mjs.map here instead of the cache folder (always rebuilds). */
  outDir?: string;
  /** Reuse `<project>/.tscrapy/build/<hash>/` when no input changed. @default true */
  cache?: boolean;
}

/** How many cached builds are kept per project. */
const KEEP_BUILDS = 5;

/** Files that change how esbuild reads the sources without being listed as inputs. */
const CONFIG_FILES = ['tsconfig.json', 'package.json'];

/** The entry's inputs for a project: its settings module, spider modules and every module under its source root. */
export async function projectEntryInputs(project: ProjectInfo): Promise<EntryInputs> {
  const spiderFiles = (await Promise.all(project.spiderPaths.map((p) => moduleFiles(p)))).flat();
  const modules = (await moduleFiles(project.sourceRoot)).map((file) => ({ name: moduleName(project.sourceRoot, file), file }));
  return { baseDir: project.root, settingsFile: project.settingsFile, spiderFiles: [...new Set(spiderFiles)], modules };
}

async function readOr(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return '';
  }
}

/** sha256 of each input file, or null when one is gone. */
export async function hashInputs(baseDir: string, inputs: string[]): Promise<Record<string, string> | null> {
  const out: Record<string, string> = {};
  for (const rel of inputs) {
    try {
      out[rel] = sha256(await readFile(join(baseDir, rel)));
    } catch {
      return null;
    }
  }
  return out;
}

interface CacheIndex {
  hash: string;
  inputs: Record<string, string>;
  externals: string[];
  warnings: string[];
}

/**
 * Bundles the project with esbuild into one ES module for Node 20 (see {@link bundle}), cached
 * under `<project>/.tscrapy/build/<hash>/` by a content hash of every input, so a second
 * `crawl` with unchanged sources loads the previous bundle without running esbuild.
 */
export async function buildProject(project: ProjectInfo, options: BuildOptions = {}): Promise<BuiltProject> {
  const inputs = await projectEntryInputs(project);
  const entry = generateEntry(inputs);
  const configs = await Promise.all(CONFIG_FILES.map((f) => readOr(join(project.root, f))));
  // The key of everything known before esbuild runs; the inputs it then reads are checked by content.
  // The running tscrapy is part of it: the folder's node_modules/tscrapy points to it (linkTscrapy),
  // and two installs crawling the project at once must not repoint each other's folder.
  const entryKey = sha256(JSON.stringify({ VERSION, esbuildVersion: esbuildVersion(), entry, configs, node: 20, tscrapy: tscrapyEntryUrl() })).slice(0, 16);
  const cacheRoot = join(project.root, '.tscrapy', 'build');
  const indexFile = join(cacheRoot, `index-${entryKey}.json`);
  const useCache = options.cache !== false && !options.outDir;

  if (useCache) {
    const index = await readIndex(indexFile);
    if (index) {
      const dir = join(cacheRoot, index.hash);
      const current = await hashInputs(project.root, Object.keys(index.inputs));
      if (current && JSON.stringify(current) === JSON.stringify(index.inputs) && (await exists(join(dir, BUNDLE_FILE)))) {
        // Marked as just used, so another crawl's pruning keeps it while this one loads it.
        const now = new Date();
        await utimes(dir, now, now).catch(() => undefined);
        return {
          project,
          bundleFile: join(dir, BUNDLE_FILE),
          mapFile: join(dir, MAP_FILE),
          hash: index.hash,
          cached: true,
          inputs: Object.keys(index.inputs),
          externals: index.externals,
          warnings: index.warnings,
        };
      }
    }
  }

  const out = await bundle(entry, project.root);
  const inputHashes = await hashInputs(project.root, out.inputs);
  // A null (an input vanished mid-build) still names a folder, but is never cached.
  const hash = sha256(entryKey + JSON.stringify(inputHashes ?? Date.now())).slice(0, 16);
  const dir = options.outDir ?? join(cacheRoot, hash);
  await writeOutputs(out, dir, project.root);
  if (!options.outDir) await removeStaleTemps(dir);
  if (useCache && inputHashes) {
    await ensureFile(join(project.root, '.tscrapy', '.gitignore'), '*\n').catch(() => undefined);
    const index: CacheIndex = { hash, inputs: inputHashes, externals: out.externals, warnings: out.warnings };
    await ensureFile(indexFile, JSON.stringify(index));
    await pruneCache(cacheRoot, hash);
  }
  return {
    project,
    bundleFile: join(dir, BUNDLE_FILE),
    mapFile: join(dir, MAP_FILE),
    hash,
    cached: false,
    inputs: out.inputs,
    externals: out.externals,
    warnings: out.warnings,
  };
}

/**
 * Writes bundle.mjs and its map into `dir`. The map gets a `sourceRoot` pointing back at
 * `baseDir` (relative), so stack traces of a local run name the real source files.
 *
 * Many processes may write the same content-addressed folder at once (crawls started together,
 * runspider workers of one file): each file is put in place by rename, an identical file already
 * there is success, and nothing another process may be reading is ever removed. The map goes
 * first, so a bundle.mjs that is there always has its map beside it.
 */
export async function writeOutputs(out: BundleOutput, dir: string, baseDir: string): Promise<void> {
  const map = JSON.parse(Buffer.from(out.map).toString('utf8')) as Record<string, unknown>;
  const back = relative(dir, baseDir).split(sep).join('/');
  map.sourceRoot = back === '' ? '' : back + '/';
  await ensureFile(join(dir, MAP_FILE), JSON.stringify(map));
  await ensureFile(join(dir, BUNDLE_FILE), out.code);
}

async function readIndex(file: string): Promise<CacheIndex | null> {
  try {
    const v = JSON.parse(await readFile(file, 'utf8')) as CacheIndex;
    return typeof v.hash === 'string' && /^[0-9a-f]{16}$/.test(v.hash) && v.inputs ? v : null;
  } catch {
    return null;
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * Removes all but the newest KEEP_BUILDS build folders (never `keep`), and temporary files a
 * crashed build left. A folder is removed only once it has not been written or used for
 * STALE_TEMP_MS: another crawl of the project may be loading it right now.
 */
async function pruneCache(cacheRoot: string, keep: string): Promise<void> {
  await removeStaleTemps(cacheRoot);
  try {
    const dirs = (await readdir(cacheRoot, { withFileTypes: true })).filter((e) => e.isDirectory() && /^[0-9a-f]{16}$/.test(e.name));
    if (dirs.length <= KEEP_BUILDS) return;
    const withTimes = await Promise.all(dirs.map(async (d) => ({ name: d.name, t: (await stat(join(cacheRoot, d.name))).mtimeMs })));
    withTimes.sort((a, b) => b.t - a.t);
    const now = Date.now();
    for (const d of withTimes.slice(KEEP_BUILDS)) {
      if (d.name !== keep && now - d.t > STALE_TEMP_MS) await rm(join(cacheRoot, d.name), { recursive: true, force: true });
    }
  } catch {
    // Pruning is housekeeping; a failure (e.g. another crawl pruned the same folder) must not fail the build.
  }
}
