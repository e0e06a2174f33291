import { closeSync, fsyncSync, openSync, readSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { JobRecord } from '../job.js';
import { isSafeName } from '../names.js';
import { writeFileAtomicSync } from '../../util/atomic-file.js';
import { makeDirSync } from '../../util/make-dir.js';

type Op = { t: 'put'; job: JobRecord } | { t: 'del'; id: string };

/** No record comes near this (arguments and settings are capped at 64 KiB); a longer line is damage. */
const MAX_LINE_BYTES = 8 * 1024 * 1024;
const CHUNK = 1024 * 1024;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringMap = (v: unknown) => isObject(v) && Object.values(v).every((x) => typeof x === 'string');

/** The op a journal line holds, or why it cannot be used. */
function parseOp(line: string): Op | string {
  let op: unknown;
  try {
    op = JSON.parse(line);
  } catch {
    return 'not JSON';
  }
  if (isObject(op) && op.t === 'del' && typeof op.id === 'string') return op as Op;
  if (!isObject(op) || op.t !== 'put' || !isObject(op.job)) return 'not a job record';
  const j = op.job;
  const names = [j.id, j.project, j.spider].every((n) => typeof n === 'string' && isSafeName(n));
  const state = j.state === 'pending' || j.state === 'running' || j.state === 'finished';
  if (!names || !state || typeof j.seq !== 'number' || !isStringMap(j.args) || !isStringMap(j.settings)) return 'a job record with missing or invalid fields';
  return op as Op;
}

/** Calls `onLine` with each line of `fd` (without its newline); a line over MAX_LINE_BYTES comes as null. */
function forEachLine(fd: number, onLine: (line: Buffer | null, last: boolean) => void): void {
  const buf = Buffer.allocUnsafe(CHUNK);
  let carry: Buffer[] = [];
  let carried = 0;
  let oversized = false;
  for (;;) {
    const n = readSync(fd, buf, 0, CHUNK, null);
    if (n === 0) break;
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl >= 0 && nl < n; nl = buf.indexOf(10, start)) {
      if (oversized || carried + nl - start > MAX_LINE_BYTES) onLine(null, false);
      else onLine(Buffer.concat([...carry, buf.subarray(start, nl)]), false);
      carry = [];
      carried = 0;
      oversized = false;
      start = nl + 1;
    }
    if (start < n && !oversized) {
      carried += n - start;
      if (carried > MAX_LINE_BYTES) {
        oversized = true;
        carry = [];
      } else carry.push(Buffer.from(buf.subarray(start, n)));
    }
  }
  if (oversized) onLine(null, true);
  else if (carried > 0) onLine(Buffer.concat(carry), true);
}

/**
 * The jobs database: an append-only journal (dbs_dir/jobs.jl) of whole job records, one
 * JSON line per state change, replayed at start. Each write is a synchronous append, so a
 * reply that says "scheduled" is on disk in the OS's hands before it is sent: `kill -9` of
 * the server loses nothing (a power cut may lose the last writes; call `sync()` to fsync).
 * A torn last line from a crash is skipped. The journal is compacted (atomic rewrite) at
 * open and whenever it holds far more lines than live jobs.
 */
export class JobsDb {
  readonly file: string;
  #fd: number;
  #lines = 0;
  #live = 0;

  /**
   * Opens (or creates) the journal in `dbsDir`. A journal that cannot be read whole never
   * stops the server: unusable records are skipped, the original file is kept beside it as
   * `jobs.jl.damaged-TIME` with nothing removed, and `log` says what happened.
   */
  constructor(dbsDir: string, log: (msg: string) => void = () => {}) {
    makeDirSync(dbsDir, 0o700);
    this.file = join(dbsDir, 'jobs.jl');
    this.#fd = -1;
    const jobs = this.#replay(log);
    this.#compact(jobs);
  }

  /** Jobs found in the journal at open, in first-seen order. */
  loaded: JobRecord[] = [];

  #replay(log: (msg: string) => void): JobRecord[] {
    const jobs = new Map<string, JobRecord>();
    const problems: string[] = [];
    let fd: number;
    try {
      fd = openSync(this.file, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') problems.push(`cannot be opened (${(err as Error).message})`);
      fd = -1;
    }
    if (fd >= 0) {
      let lineNo = 0;
      try {
        forEachLine(fd, (line, last) => {
          lineNo++;
          if (line === null) return void problems.push(`line ${lineNo} is longer than ${MAX_LINE_BYTES} bytes`);
          if (line.length === 0) return;
          const op = parseOp(line.toString('utf8'));
          if (typeof op === 'string') {
            // an unfinished last line is a write cut short by a crash, not damage
            if (!(last && op === 'not JSON')) problems.push(`line ${lineNo} is ${op}`);
            return;
          }
          if (op.t === 'put') jobs.set(op.job.id, op.job);
          else jobs.delete(op.id);
        });
      } catch (err) {
        problems.push(`could not be read past line ${lineNo} (${(err as Error).message})`);
      } finally {
        closeSync(fd);
      }
    }
    if (problems.length) {
      const kept = `${this.file}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      let where = `the original is kept as ${kept}`;
      try {
        renameSync(this.file, kept);
      } catch (err) {
        where = `the original could not be kept aside (${(err as Error).message}) and is replaced`;
      }
      const shown = problems.slice(0, 5).join('; ') + (problems.length > 5 ? `; and ${problems.length - 5} more` : '');
      log(`The jobs database ${this.file} is damaged: ${shown}. Loaded the ${jobs.size} jobs it could read; ${where}.`);
    }
    this.loaded = [...jobs.values()];
    return this.loaded;
  }

  #compact(jobs: JobRecord[]): void {
    if (this.#fd >= 0) closeSync(this.#fd);
    writeFileAtomicSync(this.file, jobs.map((job) => `${JSON.stringify({ t: 'put', job })}\n`).join(''));
    this.#fd = openSync(this.file, 'a', 0o600);
    this.#lines = jobs.length;
    this.#live = jobs.length;
  }

  #append(op: Op): void {
    writeSync(this.#fd, `${JSON.stringify(op)}\n`);
    this.#lines++;
  }

  /** Records a job's current state (insert or update). `isNew` keeps the live count right. */
  put(job: JobRecord, isNew = false): void {
    this.#append({ t: 'put', job });
    if (isNew) this.#live++;
  }

  /** Forgets a job (pruned from history, cancelled while pending). */
  delete(id: string): void {
    this.#append({ t: 'del', id });
    this.#live = Math.max(0, this.#live - 1);
  }

  /** Rewrites the journal from `all` when it has grown to over 4× the live jobs. */
  maybeCompact(all: () => JobRecord[]): void {
    if (this.#lines > 4 * this.#live + 1000) this.#compact(all());
  }

  /** Flushes the journal to stable storage. */
  sync(): void {
    fsyncSync(this.#fd);
  }

  close(): void {
    if (this.#fd >= 0) {
      try {
        fsyncSync(this.#fd);
      } catch {
        // closing anyway
      }
      closeSync(this.#fd);
      this.#fd = -1;
    }
  }
}
