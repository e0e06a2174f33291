import type { DupeFilter } from './types.js';

/** Fingerprints kept in a Set for the life of the crawl. */
export class MemoryDupeFilter implements DupeFilter {
  #seen = new Set<string>();

  open(): void {}

  seen(fingerprint: string): boolean {
    if (this.#seen.has(fingerprint)) return true;
    this.#seen.add(fingerprint);
    return false;
  }

  size(): number {
    return this.#seen.size;
  }

  close(): void {
    this.#seen.clear();
  }
}
