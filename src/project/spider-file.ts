import { chmod, lstat, mkdir, stat } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { BUNDLE_FILE, bundle, sha256 } from './bundler.js';
import { writeOutputs } from './build.js';
import { removeStaleTemps } from './cache-file.js';
import { generateEntry } from './entry.js';
import { ProjectLoadError } from './errors.js';
import { loadProjectModule, tscrapyEntryUrl, type ProjectModule } from './load.js';

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
  await mkdir(dir, { recursive: true, mode: 0o700 }).catch(() => undefined);
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
  const dir = join(await runspiderCache(), key);
  await writeOutputs(out, dir, baseDir);
  await removeStaleTemps(dir);
  for (const w of out.warnings) process.emitWarning(w, { code: 'TSCRAPY_BUILD' });
  return loadProjectModule(join(dir, BUNDLE_FILE));
}
