import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { JobdirLockedError } from './errors.js';

interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
}

/**
 * An exclusive lock on a JOBDIR: a file created with O_EXCL holding the owner's pid. A lock
 * left by a process that no longer runs (a crash, `kill -9`) is stale and taken over.
 */
export class JobdirLock {
  readonly path: string;
  #held = false;

  constructor(path: string) {
    this.path = path;
  }

  /**
   * Takes the lock or throws JobdirLockedError naming the holder. Returns a note when a stale
   * lock was taken over (for the log).
   */
  acquire(): string | null {
    let note: string | null = null;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = openSync(this.path, 'wx');
        const info: LockInfo = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
        writeSync(fd, JSON.stringify(info) + '\n');
        closeSync(fd);
        this.#held = true;
        return note;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const holder = readLock(this.path);
      if (holder && holder.host === hostname() && holder.pid !== process.pid && !isAlive(holder.pid)) {
        note = `Removed the stale lock ${this.path} of process ${holder.pid} (started ${holder.startedAt}), which no longer runs`;
      } else if (holder === undefined) {
        // Removed between our open and read: try again.
        continue;
      } else if (holder === null) {
        note = `Removed the unreadable lock file ${this.path} (a crash while it was being written)`;
      } else {
        const who = holder.pid === process.pid ? 'another crawl in this process' : `process ${holder.pid} on ${holder.host}`;
        throw new JobdirLockedError(
          `JOBDIR ${this.path.replace(/[/\\]lock$/, '')} is in use by ${who} (since ${holder.startedAt}); ` +
            `wait for it to finish or stop it, or use another JOBDIR. If no such process runs, delete ${this.path}`,
        );
      }
      try {
        unlinkSync(this.path);
      } catch {
        // Someone else removed it first; the next attempt decides.
      }
    }
    throw new JobdirLockedError(`Could not take the lock ${this.path}: other processes keep taking it`);
  }

  release(): void {
    if (!this.#held) return;
    this.#held = false;
    try {
      unlinkSync(this.path);
    } catch {
      // Already gone: nothing to release.
    }
  }
}

/** The holder, null for an unreadable (torn) file, undefined when the file is gone. */
function readLock(path: string): LockInfo | null | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const info = JSON.parse(text) as LockInfo;
    return typeof info.pid === 'number' ? info : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
