import type { JobRecord } from './job.js';

/** Higher priority first; FIFO (lower seq) among equals. */
function before(a: JobRecord, b: JobRecord): boolean {
  return a.priority > b.priority || (a.priority === b.priority && a.seq < b.seq);
}

/**
 * The pending jobs of every project in one global order (Scrapyd orders per project and
 * polls projects in turn; one order makes `priority` mean the same across projects).
 * A sorted array with binary insertion: schedule and pop are O(log n) compares plus a
 * memmove, fine for the tens of thousands of pending jobs a server sees.
 */
export class PendingQueue {
  readonly #items: JobRecord[] = [];

  get size(): number {
    return this.#items.length;
  }

  push(job: JobRecord): void {
    let lo = 0;
    let hi = this.#items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(this.#items[mid]!, job)) lo = mid + 1;
      else hi = mid;
    }
    this.#items.splice(lo, 0, job);
  }

  /** The next job to run, removed from the queue; undefined when empty. */
  shift(): JobRecord | undefined {
    return this.#items.shift();
  }

  /** Removes the job with `id`; returns it, or undefined when it is not pending. */
  remove(id: string): JobRecord | undefined {
    const i = this.#items.findIndex((j) => j.id === id);
    return i < 0 ? undefined : this.#items.splice(i, 1)[0];
  }

  /** Removes every pending job of `project`; returns them. */
  removeProject(project: string): JobRecord[] {
    const out: JobRecord[] = [];
    for (let i = this.#items.length - 1; i >= 0; i--) {
      if (this.#items[i]!.project === project) out.push(...this.#items.splice(i, 1));
    }
    return out.reverse();
  }

  /** Pending jobs in run order. */
  list(): readonly JobRecord[] {
    return this.#items;
  }
}
