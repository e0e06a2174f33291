import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { JobRecord } from '../job.js';
import { writeFileAtomicSync } from '../../util/atomic-file.js';

type Op = { t: 'put'; job: JobRecord } | { t: 'del'; id: string };

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

  constructor(dbsDir: string) {
    mkdirSync(dbsDir, { recursive: true, mode: 0o700 });
    this.file = join(dbsDir, 'jobs.jl');
    this.#fd = -1;
    const jobs = this.#replay();
    this.#compact(jobs);
  }

  /** Jobs found in the journal at open, in first-seen order. */
  loaded: JobRecord[] = [];

  #replay(): JobRecord[] {
    const jobs = new Map<string, JobRecord>();
    if (existsSync(this.file)) {
      for (const line of readFileSync(this.file, 'utf8').split('\n')) {
        if (!line) continue;
        let op: Op;
        try {
          op = JSON.parse(line) as Op;
        } catch {
          continue; // a torn write from a crash
        }
        if (op.t === 'put') jobs.set(op.job.id, op.job);
        else if (op.t === 'del') jobs.delete(op.id);
      }
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
