/**
 * Answers a thread must give, per running thread, before the pool judges whether to grow: pages
 * differ in size, and one slow page must not decide.
 */
const WINDOW_JOBS_PER_THREAD = 32;

/**
 * The share of a thread's capacity the newest thread must have added for the pool to start
 * another. On a machine whose cores are taken (by the crawl's own main thread, the site, other
 * processes) a new thread slows the others down about as much as it parses: the pool then stops
 * where it is instead of growing to its maximum for nothing.
 */
const MIN_GAIN = 0.5;

/**
 * When ParsePool starts another thread. It is asked only while every running thread has a job
 * waiting (they are behind); it says yes when the threads there have been measured (enough
 * answers since the last start) and the last thread started added at least half a thread's
 * capacity (pages per second over all threads, from the time each job took). Once a start did
 * not pay, it never says yes again: the crawl keeps the threads it has.
 */
export class PoolGrowth {
  readonly #max: number;
  #jobs = 0;
  #ms = 0;
  /** Threads running and their measured capacity (jobs/ms) when the last thread was started. */
  #previous: { threads: number; capacity: number } | null = null;
  #stopped = false;

  /** @param max most threads the pool may run */
  constructor(max: number) {
    this.#max = max;
  }

  /** Whether a start did not pay, so the pool grows no more. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** A job answered after `ms` of the thread's time (from when it could start on it). */
  answered(ms: number): void {
    this.#jobs++;
    this.#ms += ms;
  }

  /** Whether to start one more thread now that all `running` threads (at least 1) are behind. */
  shouldGrow(running: number): boolean {
    if (this.#stopped || running >= this.#max || this.#jobs < WINDOW_JOBS_PER_THREAD * running || this.#ms <= 0) return false;
    const capacity = (running * this.#jobs) / this.#ms;
    const previous = this.#previous;
    if (previous !== null && capacity < previous.capacity * (1 + MIN_GAIN / previous.threads)) {
      this.#stopped = true;
      return false;
    }
    this.#previous = { threads: running, capacity };
    this.#jobs = 0;
    this.#ms = 0;
    return true;
  }
}
