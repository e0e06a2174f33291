/**
 * At most `max` tasks at once; the others wait in arrival order. A freed slot passes straight to
 * the next waiter, so a late arrival never overtakes one that is waiting.
 */
export class ConcurrencyLimit {
  readonly #max: number;
  readonly #waiters: Array<{ resolve: () => void; reject: (err: Error) => void }> = [];
  #active = 0;

  constructor(max: number) {
    this.#max = max;
  }

  /** Slots taken now. */
  get active(): number {
    return this.#active;
  }

  /** Takes a slot, waiting for one when all are taken; pair with {@link release}. */
  acquire(): Promise<void> {
    if (this.#active < this.#max) {
      this.#active++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /** Takes a slot if one is free now, without waiting; pair a true answer with {@link release}. */
  tryAcquire(): boolean {
    if (this.#active >= this.#max) return false;
    this.#active++;
    return true;
  }

  /** Gives a slot back (to the next waiter, if any). */
  release(): void {
    const next = this.#waiters.shift();
    if (next) next.resolve();
    else this.#active--;
  }

  /** Runs `fn` in a slot. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  /** Fails every waiting `acquire()` with `err` (e.g. when the owner closes). */
  rejectWaiting(err: Error): void {
    for (const w of this.#waiters.splice(0)) w.reject(err);
  }
}
