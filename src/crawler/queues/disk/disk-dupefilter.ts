import type { DupeFilter } from '../types.js';
import type { DiskStore } from './disk-store.js';

/** The JOBDIR dupefilter: 64-bit fingerprint prefixes in memory, appended to `seen.bin`. */
export class DiskDupeFilter implements DupeFilter {
  readonly #store: DiskStore;

  constructor(store: DiskStore) {
    this.#store = store;
  }

  open(): void {
    this.#store.open();
  }

  seen(fingerprint: string): boolean {
    return this.#store.seenBefore(fingerprint);
  }

  size(): number {
    return this.#store.seen.size;
  }

  close(): Promise<void> {
    return this.#store.close();
  }
}
