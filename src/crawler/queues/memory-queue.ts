import type { Request } from '../http/request.js';
import type { RequestQueue } from './types.js';

/** A FIFO or LIFO run of requests of one priority; FIFO pops advance a head index instead of shifting. */
class Bucket {
  items: Request[] = [];
  head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  take(lifo: boolean): Request | undefined {
    if (lifo) return this.items.length > this.head ? this.items.pop() : undefined;
    const r = this.items[this.head];
    this.items[this.head++] = undefined as unknown as Request;
    // Compact once the consumed prefix dominates, keeping pops O(1) amortised.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return r;
  }
}

/**
 * In-memory priority queue: higher priority first; within a priority LIFO (Scrapy's default,
 * depth-first) or FIFO (breadth-first with DEPTH_PRIORITY > 0).
 */
export class MemoryQueue implements RequestQueue {
  #buckets = new Map<number, Bucket>();
  /** Priorities with a bucket, highest first. */
  #priorities: number[] = [];
  #size = 0;
  readonly #lifo: boolean;

  constructor(options: { lifo?: boolean } = {}) {
    this.#lifo = options.lifo ?? true;
  }

  open(): void {}

  push(request: Request): void {
    const p = request.priority;
    let b = this.#buckets.get(p);
    if (!b) {
      b = new Bucket();
      this.#buckets.set(p, b);
      let i = 0;
      while (i < this.#priorities.length && this.#priorities[i]! > p) i++;
      this.#priorities.splice(i, 0, p);
    }
    b.items.push(request);
    this.#size++;
  }

  pop(): Request | null {
    while (this.#priorities.length > 0) {
      const p = this.#priorities[0]!;
      const b = this.#buckets.get(p)!;
      const r = b.take(this.#lifo);
      if (b.length === 0) {
        this.#buckets.delete(p);
        this.#priorities.shift();
      }
      if (r) {
        this.#size--;
        return r;
      }
    }
    return null;
  }

  ack(): void {}

  size(): number {
    return this.#size;
  }

  close(): void {
    this.#buckets.clear();
    this.#priorities = [];
    this.#size = 0;
  }
}
