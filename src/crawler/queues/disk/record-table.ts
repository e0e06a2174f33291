const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;

class Chunk {
  seg = new Uint32Array(CHUNK);
  off = new Uint32Array(CHUNK);
  /** Record length; 0 = no live record (acked, or never pushed). */
  len = new Uint32Array(CHUNK);
  prio = new Int32Array(CHUNK);
  live = 0;
}

/**
 * Where each live request record is, by id (ids grow by one per push): segment, offset, length
 * and priority in chunked typed arrays, 16 bytes per pending request. A chunk is freed when
 * all of its requests are acked.
 */
export class RecordTable {
  #chunks = new Map<number, Chunk>();
  #count = 0;

  get count(): number {
    return this.#count;
  }

  set(id: number, seg: number, off: number, len: number, prio: number): void {
    const key = id >>> CHUNK_BITS;
    let c = this.#chunks.get(key);
    if (!c) {
      c = new Chunk();
      this.#chunks.set(key, c);
    }
    const i = id & (CHUNK - 1);
    if (c.len[i] === 0) {
      c.live++;
      this.#count++;
    }
    c.seg[i] = seg;
    c.off[i] = off;
    c.len[i] = len;
    c.prio[i] = prio;
  }

  /** The chunk and index of a live id, or null. */
  get(id: number): { chunk: Chunk; i: number } | null {
    const c = this.#chunks.get(id >>> CHUNK_BITS);
    const i = id & (CHUNK - 1);
    return c && c.len[i] !== 0 ? { chunk: c, i } : null;
  }

  /** Forgets `id`; returns its segment, or -1 when it was not live. */
  delete(id: number, keepChunkFrom: number): number {
    const key = id >>> CHUNK_BITS;
    const c = this.#chunks.get(key);
    const i = id & (CHUNK - 1);
    if (!c || c.len[i] === 0) return -1;
    c.len[i] = 0;
    c.live--;
    this.#count--;
    // A chunk still being filled by new ids stays.
    if (c.live === 0 && (key + 1) * CHUNK <= keepChunkFrom) this.#chunks.delete(key);
    return c.seg[i]!;
  }

  /** Calls `fn(id, priority)` for each live id, in ascending order. */
  forEach(fn: (id: number, priority: number) => void): void {
    for (const key of [...this.#chunks.keys()].sort((a, b) => a - b)) {
      const c = this.#chunks.get(key)!;
      for (let i = 0; i < CHUNK; i++) if (c.len[i] !== 0) fn(key * CHUNK + i, c.prio[i]!);
    }
  }
}
