import { chmod, lstat, readFile, stat } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { VERSION } from '../crawler/settings/defaults.js';
import { BUNDLE_FILE, bundle, esbuildVersion, sha256 } from './bundler.js';
import { hashInputs, writeOutputs } from './build.js';
import { ensureFile, removeStaleTemps } from './cache-file.js';
import { generateEntry } from './entry.js';
import { ProjectLoadError } from './errors.js';
import { loadProjectModule, tscrapyEntryUrl, type ProjectModule } from './load.js';
import { makeDir } from '../util/make-dir.js';

/** Path of the folder of runspider bundles. */
function runspiderCachePath(): string {
  let who = 'user';
  try {
    who = String(userInfo().uid >= 0 ? userInfo().uid : userInfo().username);
  } catch {
    // no user database entry (some containers)
  }
  return join(tmpdir(), `tscrapy-runspider-${who}`);
}

/**
 * The folder of runspider bundles, private to the user. It sits in the shared temp folder, where
 * another user could create that name first (or a link to elsewhere) and put a bundle there that
 * this user would then run: such a folder is refused, not used.
 */
async function runspiderCache(): Promise<string> {
  const dir = runspiderCachePath();
  // What is there is checked below, whether this made it or found it.
  await makeDir(dir, 0o700).catch(() => undefined);
  const st = await lstat(dir).catch((err: Error) => {
    throw new ProjectLoadError(`Cannot create the runspider cache ${dir}: ${err.message}. Point TMPDIR to a folder you can write.`, { cause: err });
  });
  const uid = process.getuid?.();
  const problem = !st.isDirectory() ? 'is not a folder (a link or a file)' : uid !== undefined && st.uid !== uid ? `belongs to another user (uid ${st.uid})` : undefined;
  if (problem) {
    throw new ProjectLoadError(
      `The runspider cache ${dir} ${problem}, so a bundle found there may not be yours: tscrapy does not use it. ` +
        'Remove it if it is yours (it is rebuilt), or point TMPDIR to a folder of your own.',
    );
  }
  // Ours, but made under a loose umask: nobody else may add bundles to it from now on.
  if ((st.mode & 0o077) !== 0) await chmod(dir, 0o700);
  return dir;
}

/** Where a spider file's last bundle is, and the content hash of each file esbuild read for it. */
interface RunspiderIndex {
  /** The bundle's folder in the runspider cache. */
  key: string;
  /** Input path (relative to the spider's folder) → sha256. */
  inputs: Record<string, string>;
  warnings: string[];
}

/** Files that change how esbuild reads the sources without being listed as inputs (as for projects). */
const CONFIG_FILES = ['tsconfig.json', 'package.json'];

/**
 * The index file of `abs` in the cache: keyed by everything that decides the bundle before
 * esbuild runs (the file's path, which fixes the generated entry; tscrapy and esbuild versions;
 * the running tscrapy; the folder's config files). The files esbuild then read are checked by
 * content on each use.
 */
async function indexFile(cache: string, abs: string): Promise<string> {
  const configs = await Promise.all(CONFIG_FILES.map((f) => readFile(join(dirname(abs), f), 'utf8').catch(() => '')));
  const key = sha256(JSON.stringify({ VERSION, esbuild: esbuildVersion(), abs, tscrapy: tscrapyEntryUrl(), configs })).slice(0, 16);
  return join(cache, `index-${key}.json`);
}

/** The cached bundle of the spider file when no input changed since it was built, else null. */
async function cachedBundle(index: string, cache: string, baseDir: string): Promise<{ bundleFile: string; warnings: string[] } | null> {
  let v: RunspiderIndex;
  try {
    v = JSON.parse(await readFile(index, 'utf8')) as RunspiderIndex;
  } catch {
    return null;
  }
  if (typeof v.key !== 'string' || !/^[0-9a-f]{16}$/.test(v.key) || !v.inputs || !Array.isArray(v.warnings)) return null;
  const current = await hashInputs(baseDir, Object.keys(v.inputs));
  if (!current || JSON.stringify(current) !== JSON.stringify(v.inputs)) return null;
  const bundleFile = join(cache, v.key, BUNDLE_FILE);
  if (!(await stat(bundleFile).catch(() => undefined))) return null;
  return { bundleFile, warnings: v.warnings };
}

/**
 * The bundle of one spider file in the runspider cache, built with esbuild unless the cache
 * holds one made from the same inputs (`cached`: esbuild was not loaded at all).
 */
export async function spiderFileBundle(file: string): Promise<{ bundleFile: string; cached: boolean; warnings: string[] }> {
  const abs = resolve(file);
  const st = await stat(abs).catch(() => undefined);
  if (!st?.isFile()) throw new ProjectLoadError(`Spider file ${file} does not exist`);
  const baseDir = dirname(abs);
  const cache = await runspiderCache();
  const index = await indexFile(cache, abs);
  const hit = await cachedBundle(index, cache, baseDir);
  if (hit) return { ...hit, cached: true };
  const name = basename(abs).replace(/\.[^.]+$/, '');
  const entry = generateEntry({ baseDir, settingsFile: undefined, spiderFiles: [abs], modules: [{ name, file: abs }] });
  const out = await bundle(entry, baseDir);
  // Keyed by the running tscrapy too: the folder's node_modules/tscrapy points to it (linkTscrapy).
  const key = sha256(JSON.stringify([sha256(out.code), baseDir, tscrapyEntryUrl()])).slice(0, 16);
  const dir = join(cache, key);
  await writeOutputs(out, dir, baseDir);
  await removeStaleTemps(dir);
  // Written once the bundle is in place, so an index never points to a folder being written.
  const inputs = await hashInputs(baseDir, out.inputs);
  if (inputs) {
    const record: RunspiderIndex = { key, inputs, warnings: out.warnings };
    // Only a shortcut: when it cannot be written, the next run builds again.
    await ensureFile(index, JSON.stringify(record)).catch(() => undefined);
    await removeStaleTemps(cache);
  }
  return { bundleFile: join(dir, BUNDLE_FILE), cached: false, warnings: out.warnings };
}

/**
 * Bundles one spider file (TypeScript or JavaScript, with its npm imports resolved from its
 * folder, `tscrapy` from the running tscrapy) and loads it: `runspider FILE.ts`. The file's
 * exported classes are its components; it has no settings module (use `customSettings`).
 */
export async function buildSpiderFile(file: string): Promise<ProjectModule> {
  const built = await spiderFileBundle(file);
  for (const w of built.warnings) process.emitWarning(w, { code: 'TSCRAPY_BUILD' });
  return loadProjectModule(built.bundleFile);
}
