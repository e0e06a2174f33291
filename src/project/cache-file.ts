import { readFile, readdir, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-file.js';
import { makeDir } from '../util/make-dir.js';

/**
 * How old a temporary file must be before it counts as left behind by a process that died
 * mid-write. Younger ones may belong to a writer that is still running: never touch those.
 */
export const STALE_TEMP_MS = 60 * 60 * 1000;

/** The temporary names tscrapy's writers use: `<name>.<pid>-<hex>.tmp`, `<name>.<uuid>.tmp`, `<hash>.tmp-<pid>-<ms>`. */
const TEMP_NAME = /\.(?:\d+-[0-9a-f]+|[0-9a-f-]{36})\.tmp$|\.tmp-\d+-\d+$/;

/**
 * Makes `path` hold exactly `data` in a folder that several processes share (a cache keyed by
 * content): an identical file already there, put by another process, is success; otherwise the
 * data goes to a temporary name of this writer's own and is renamed into place, so a reader sees
 * the old file or the new one, never half of one. Its folder is made when missing. Returns
 * whether it wrote.
 */
export async function ensureFile(path: string, data: string | Uint8Array): Promise<boolean> {
  const want = typeof data === 'string' ? Buffer.from(data) : data;
  const have = await readFile(path).catch(() => null);
  if (have && Buffer.compare(have, want) === 0) return false;
  await makeDir(dirname(path));
  await writeFileAtomic(path, want);
  return true;
}

/**
 * Removes the temporary files and folders in `dir` that a crashed writer left, once they are
 * older than {@link STALE_TEMP_MS}. Best effort: housekeeping never fails the caller.
 */
export async function removeStaleTemps(dir: string, now = Date.now()): Promise<void> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => TEMP_NAME.test(n));
  } catch {
    return;
  }
  for (const name of names) {
    const p = join(dir, name);
    try {
      if (now - (await stat(p)).mtimeMs > STALE_TEMP_MS) await rm(p, { recursive: true, force: true });
    } catch {
      // gone already (another process cleaned it), or not ours to remove
    }
  }
}
