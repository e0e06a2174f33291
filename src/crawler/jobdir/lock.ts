import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { JobdirLockedError } from './errors.js';

interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
  /** Tells two locks of the same pid apart (a pid can be reused after a crash). */
  nonce?: string;
}

/** How long a taker waits for another process that is breaking a stale lock (a few syscalls). */
const TAKEOVER_WAIT_MS = 5000;

/**
 * An exclusive lock on a JOBDIR: a file holding the owner's pid. It is written in full to a
 * private temp file and then `link()`ed into place, which fails when the lock exists: a lock is
 * never seen empty or half written, and never replaced. A lock left by a process that no longer
 * runs (a crash, `kill -9`) is stale and taken over; taking over happens under a second lock
 * (`lock.takeover`, made the same way), so two processes that both find a stale lock cannot both
 * remove it — the second would remove the first one's fresh lock.
 */
export class JobdirLock {
  readonly path: string;
  #text: string | null = null;

  constructor(path: string) {
    this.path = path;
  }

  /**
   * Takes the lock or throws JobdirLockedError naming the holder. Returns a note when a stale
   * lock was taken over (for the log).
   */
  acquire(): string | null {
    const text = lockText();
    let note: string | null = null;
    for (let attempt = 0; attempt < 5; attempt++) {
      if (linkNew(this.path, text)) {
        this.#text = text;
        return note;
      }
      const seen = readText(this.path);
      if (seen === undefined) continue; // released between our link and read: try again
      const holder = parseLock(seen);
      if (holder && !isStale(holder)) throw this.#locked(holder);
      const removed = this.#removeStale(seen);
      if (removed) note = holder ? `Removed the stale lock ${this.path} of process ${holder.pid} (started ${holder.startedAt}), which no longer runs` : `Removed the unreadable lock file ${this.path}`;
    }
    throw new JobdirLockedError(`Could not take the lock ${this.path}: other processes keep taking it`);
  }

  /** Removes the lock, if it is still this process's (never another process's lock). */
  release(): void {
    if (this.#text === null) return;
    const mine = this.#text;
    this.#text = null;
    if (readText(this.path) !== mine) return;
    try {
      unlinkSync(this.path);
    } catch {
      // Already gone: nothing to release.
    }
  }

  /**
   * Under `lock.takeover`: removes the lock if it still holds `seen` (the stale lock we read).
   * Returns true when it removed it; false when it changed meanwhile (the caller looks again).
   */
  #removeStale(seen: string): boolean {
    const guard = `${this.path}.takeover`;
    const deadline = Date.now() + TAKEOVER_WAIT_MS;
    while (!linkNew(guard, lockText())) {
      const g = readText(guard);
      const gh = g === undefined ? undefined : parseLock(g);
      // A taker that died inside its few syscalls leaves the guard behind.
      if (g !== undefined && (gh === null || (gh && isStale(gh)))) {
        if (readText(guard) === g) tryUnlink(guard);
        continue;
      }
      if (Date.now() > deadline) throw new JobdirLockedError(`Could not take the lock ${this.path}: ${guard} stays in place; if no tscrapy process uses this JOBDIR, delete it`);
      sleep(2);
    }
    try {
      if (readText(this.path) !== seen) return false;
      tryUnlink(this.path);
      return true;
    } finally {
      tryUnlink(guard);
    }
  }

  #locked(holder: LockInfo): JobdirLockedError {
    const who = holder.pid === process.pid && holder.host === hostname() ? 'another crawl in this process' : `process ${holder.pid} on ${holder.host}`;
    return new JobdirLockedError(
      `JOBDIR ${this.path.replace(/[/\\]lock$/, '')} is in use by ${who} (since ${holder.startedAt}); ` +
        `wait for it to finish or stop it, or use another JOBDIR. If no such process runs, delete ${this.path}`,
    );
  }
}

function lockText(): string {
  const info: LockInfo = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), nonce: randomBytes(8).toString('hex') };
  return JSON.stringify(info) + '\n';
}

/** Creates `path` holding `text`, complete from its first moment; false when `path` exists. */
function linkNew(path: string, text: string): boolean {
  const tmp = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return false;
  } finally {
    tryUnlink(tmp);
  }
}

/** The file's text, or undefined when it does not exist. */
function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** The holder, or null for a file that is not a lock (damaged, or left empty by an older tscrapy). */
function parseLock(text: string): LockInfo | null {
  try {
    const info = JSON.parse(text) as LockInfo;
    return typeof info?.pid === 'number' && typeof info.host === 'string' ? info : null;
  } catch {
    return null;
  }
}

/** A lock of a process on this host that no longer runs. Another host's lock is never judged. */
function isStale(holder: LockInfo): boolean {
  return holder.host === hostname() && holder.pid !== process.pid && !isAlive(holder.pid);
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

function tryUnlink(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Gone already.
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
