import { mkdirSync, statSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/*
 * `mkdir -p` that always ends. Node 20's `mkdir(dir, { recursive: true })` loops forever, at full
 * CPU, where a file system answers ENOENT for a folder whose parent exists (procfs does:
 * `--json-stats /proc/self/x/stats.json` never returned). Here each folder is tried at most twice,
 * once before its parent is made and once after, and the second answer is the error.
 */

type Errno = NodeJS.ErrnoException;

/** Makes `dir` and the folders above it that are missing, each with `mode`; a folder already there is fine. */
export async function makeDir(dir: string, mode?: number): Promise<void> {
  if (await tryMkdir(dir, mode)) return;
  const parent = dirname(dir);
  if (parent === dir) throw noRootError(dir);
  await makeDir(parent, mode);
  if (!(await tryMkdir(dir, mode))) throw noFolderError(dir);
}

/** {@link makeDir}, synchronous. */
export function makeDirSync(dir: string, mode?: number): void {
  if (tryMkdirSync(dir, mode)) return;
  const parent = dirname(dir);
  if (parent === dir) throw noRootError(dir);
  makeDirSync(parent, mode);
  if (!tryMkdirSync(dir, mode)) throw noFolderError(dir);
}

/** True when `dir` is a folder now; false when its parent is missing; other failures throw. */
async function tryMkdir(dir: string, mode: number | undefined): Promise<boolean> {
  try {
    await mkdir(dir, { mode });
    return true;
  } catch (err) {
    if ((err as Errno).code === 'ENOENT') return false;
    if ((err as Errno).code === 'EEXIST' && (await stat(dir).catch(() => undefined))?.isDirectory()) return true;
    throw err;
  }
}

function tryMkdirSync(dir: string, mode: number | undefined): boolean {
  try {
    mkdirSync(dir, { mode });
    return true;
  } catch (err) {
    if ((err as Errno).code === 'ENOENT') return false;
    if ((err as Errno).code === 'EEXIST' && statSync(dir, { throwIfNoEntry: false })?.isDirectory()) return true;
    throw err;
  }
}

function noRootError(dir: string): Errno {
  return Object.assign(new Error(`ENOENT: no such file or directory, mkdir '${dir}'`), { code: 'ENOENT', path: dir, syscall: 'mkdir' });
}

/** The parent is there now, and `dir` still cannot be made: the file system does not hold folders there. */
function noFolderError(dir: string): Errno {
  return Object.assign(new Error(`ENOENT: this file system cannot hold a folder at '${dir}'`), { code: 'ENOENT', path: dir, syscall: 'mkdir' });
}
