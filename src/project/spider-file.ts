import { stat } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { BUNDLE_FILE, bundle, sha256 } from './bundler.js';
import { writeOutputs } from './build.js';
import { removeStaleTemps } from './cache-file.js';
import { generateEntry } from './entry.js';
import { ProjectLoadError } from './errors.js';
import { loadProjectModule, tscrapyEntryUrl, type ProjectModule } from './load.js';

/** Folder of runspider bundles, private to the user. */
function runspiderCache(): string {
  let who = 'user';
  try {
    who = String(userInfo().uid >= 0 ? userInfo().uid : userInfo().username);
  } catch {
    // no user database entry (some containers)
  }
  return join(tmpdir(), `tscrapy-runspider-${who}`);
}

/**
 * Bundles one spider file (TypeScript or JavaScript, with its npm imports resolved from its
 * folder, `tscrapy` from the running tscrapy) and loads it: `runspider FILE.ts`. The file's
 * exported classes are its components; it has no settings module (use `customSettings`).
 */
export async function buildSpiderFile(file: string): Promise<ProjectModule> {
  const abs = resolve(file);
  const st = await stat(abs).catch(() => undefined);
  if (!st?.isFile()) throw new ProjectLoadError(`Spider file ${file} does not exist`);
  const baseDir = dirname(abs);
  const name = basename(abs).replace(/\.[^.]+$/, '');
  const entry = generateEntry({ baseDir, settingsFile: undefined, spiderFiles: [abs], modules: [{ name, file: abs }] });
  const out = await bundle(entry, baseDir);
  // Keyed by the running tscrapy too: the folder's node_modules/tscrapy points to it (linkTscrapy).
  const key = sha256(JSON.stringify([sha256(out.code), baseDir, tscrapyEntryUrl()])).slice(0, 16);
  const dir = join(runspiderCache(), key);
  await writeOutputs(out, dir, baseDir);
  await removeStaleTemps(dir);
  for (const w of out.warnings) process.emitWarning(w, { code: 'TSCRAPY_BUILD' });
  return loadProjectModule(join(dir, BUNDLE_FILE));
}
