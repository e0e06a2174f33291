const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;

class Chunk {
  /** Offset of the record in its segment; 0 = no live record (acked, or never pushed). */
  off = new Uint32Array(CHUNK);
  live = 0;
}

/**
 * Where each live request record is, by id: 4 bytes per pending request. Ids grow by one per
 * push and pushes are appended to the log in id order, so each segment holds one run of ids:
 * the segment of an id is found from the first id of each segment (a short list), the offset
 * in chunked typed arrays, and the record's length from its header on disk. A chunk is freed
 * when all of its requests are acked.
 */
export class RecordTable {
  #chunks = new Map<number, Chunk>();
  #count = 0;
  /** Segments that hold pushes, oldest first, with the first id pushed to each. */
  #segIds: number[] = [];
  #segs: number[] = [];

  get count(): number {
    return this.#count;
  }

  /** The first id pushed to the oldest segment still held (0 when none): no lower id is live. */
  get firstId(): number {
    return this.#segIds[0] ?? 0;
  }

  /** Records the push of `id` at `off` in `seg`; ids must come in increasing order. */
  set(id: number, seg: number, off: number): void {
    const key = id >>> CHUNK_BITS;
    let c = this.#chunks.get(key);
    if (!c) {
      c = new Chunk();
      this.#chunks.set(key, c);
    }
    const i = id & (CHUNK - 1);
    if (c.off[i] === 0) {
      c.live++;
      this.#count++;
    }
    c.off[i] = off;
    if (this.#segs.length === 0 || this.#segs[this.#segs.length - 1] !== seg) {
      this.#segs.push(seg);
      this.#segIds.push(id);
    }
  }

  /** The offset of a live id's record, or 0 when it is not live. */
  offset(id: number): number {
    return this.#chunks.get(id >>> CHUNK_BITS)?.off[id & (CHUNK - 1)] ?? 0;
  }

  has(id: number): boolean {
    return this.offset(id) !== 0;
  }

  /** The segment holding the push of `id` (which must have been set). */
  segment(id: number): number {
    const ids = this.#segIds;
    let lo = 0;
    let hi = ids.length - 1;
    // The last segment whose first id is <= id.
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (ids[mid]! <= id) lo = mid;
      else hi = mid - 1;
    }
    return this.#segs[lo]!;
  }

  /** Forgets `id`; returns its segment, or -1 when it was not live. */
  delete(id: number, keepChunkFrom: number): number {
    const key = id >>> CHUNK_BITS;
    const c = this.#chunks.get(key);
    const i = id & (CHUNK - 1);
    if (!c || c.off[i] === 0) return -1;
    c.off[i] = 0;
    c.live--;
    this.#count--;
    // A chunk still being filled by new ids stays.
    if (c.live === 0 && (key + 1) * CHUNK <= keepChunkFrom) this.#chunks.delete(key);
    return this.segment(id);
  }

  /** Forgets the segments up to `seg` (deleted: none of their requests is live). */
  dropSegmentsThrough(seg: number): void {
    let k = 0;
    while (k < this.#segs.length - 1 && this.#segs[k]! <= seg) k++;
    if (k > 0) {
      this.#segs.splice(0, k);
      this.#segIds.splice(0, k);
    }
  }
}
