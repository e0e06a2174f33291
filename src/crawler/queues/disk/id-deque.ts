/** Ids per block: 64 KiB blocks, small enough that growing never copies or frees a large array. */
const BLOCK = 16384;

/**
 * A deque of 32-bit request ids in fixed-size blocks: LIFO pops from the back, FIFO from the
 * front. Growing adds a block instead of doubling one array, so a large frontier never holds an
 * old and a new copy at once, and memory freed by pops goes back in block-sized pieces.
 */
export class IdDeque {
  #blocks: Uint32Array[] = [];
  /** Next id to pop from the front, in blocks[0]. */
  #head = 0;
  /** Next free slot in the last block. */
  #tail = 0;
  #length = 0;
  /** One emptied block kept for reuse, so a deque hovering at a block boundary does not churn. */
  #spare: Uint32Array | null = null;

  get length(): number {
    return this.#length;
  }

  push(id: number): void {
    if (this.#blocks.length === 0 || this.#tail === BLOCK) {
      this.#blocks.push(this.#spare ?? new Uint32Array(BLOCK));
      this.#spare = null;
      this.#tail = 0;
    }
    this.#blocks[this.#blocks.length - 1]![this.#tail++] = id;
    this.#length++;
  }

  popBack(): number | undefined {
    if (this.#length === 0) return undefined;
    const id = this.#blocks[this.#blocks.length - 1]![--this.#tail]!;
    this.#length--;
    if (this.#length === 0) this.#clear();
    else if (this.#tail === 0) {
      this.#spare = this.#blocks.pop()!;
      this.#tail = BLOCK;
    }
    return id;
  }

  popFront(): number | undefined {
    if (this.#length === 0) return undefined;
    const id = this.#blocks[0]![this.#head++]!;
    this.#length--;
    if (this.#length === 0) this.#clear();
    else if (this.#head === BLOCK) {
      this.#spare = this.#blocks.shift()!;
      this.#head = 0;
    }
    return id;
  }

  /** Keeps only the ids for which `keep` is true, in order (used once, after loading a log). */
  filter(keep: (id: number) => boolean): void {
    const old = this.#blocks;
    const head = this.#head;
    const length = this.#length;
    this.#blocks = [];
    this.#clear();
    for (let k = 0; k < length; k++) {
      const i = head + k;
      const id = old[Math.floor(i / BLOCK)]![i % BLOCK]!;
      if (keep(id)) this.push(id);
    }
  }

  #clear(): void {
    if (this.#blocks.length) this.#spare = this.#blocks[0]!;
    this.#blocks = [];
    this.#head = 0;
    this.#tail = 0;
    this.#length = 0;
  }
}
