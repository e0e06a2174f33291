/** What a GroupCommit runs, and how long requests wait to be committed together. */
export interface GroupCommitOptions {
  /** Writes everything requested so far (the checkpoint first, then the acks). */
  run: () => Promise<void>;
  /** Requests wait this long so that many go in one commit. */
  delayMs: number;
  /** A commit that failed while nobody awaited it (an awaiter sees the error itself). */
  onError: (err: unknown) => void;
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit, the one mechanism by which a persistent frontier (JOBDIR, Redis) forgets done
 * requests: `request()` asks for a commit within `delayMs` and resolves once it is done; one
 * commit at a time, each covering every request made before it started. The commit itself sends
 * the `checkpoint` signal first (feeds flushed and fsynced, state saved), so a request is never
 * acknowledged before the items it produced are durable.
 */
export class GroupCommit {
  readonly #o: GroupCommitOptions;
  #waiting: Deferred | null = null;
  #timer: NodeJS.Timeout | null = null;
  #committing: Promise<void> | null = null;
  #closed = false;

  constructor(options: GroupCommitOptions) {
    this.#o = options;
  }

  /** Asks for a commit; resolves once one that started after this call is done. */
  request(): Promise<void> {
    if (!this.#waiting) {
      let resolve!: () => void;
      let reject!: (err: unknown) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      // Awaiters still see a failure; a request nobody awaits must not crash the process.
      promise.catch(() => {});
      this.#waiting = { promise, resolve, reject };
      if (!this.#committing && !this.#timer && !this.#closed) this.#schedule();
    }
    return this.#waiting.promise;
  }

  /** Commits now (after the commit in progress, if any). */
  async commit(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    while (this.#committing) await this.#committing.catch(() => {});
    const d = this.#waiting;
    this.#waiting = null;
    this.#committing = this.#o.run();
    try {
      await this.#committing;
      d?.resolve();
    } catch (err) {
      d?.reject(err);
      throw err;
    } finally {
      this.#committing = null;
    }
  }

  /** A last commit; no more are scheduled after it. */
  async close(): Promise<void> {
    try {
      await this.commit();
    } finally {
      this.#closed = true;
    }
  }

  #schedule(): void {
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.commit().then(
        () => {
          if (this.#waiting && !this.#closed && !this.#timer) this.#schedule();
        },
        (err: unknown) => this.#o.onError(err),
      );
    }, this.#o.delayMs);
  }
}
