/** Sub-tables, chosen by the top bits of a fingerprint: each grows alone, 1/256 of the set at a time. */
const PARTS_BITS = 8;
const PARTS = 1 << PARTS_BITS;
/** Slots per sub-table at first (8 bytes each). */
const FIRST_SLOTS = 64;
/** A sub-table grows (by half) past this load: it stays between 1/2 and 3/4 full. */
const MAX_LOAD = 0.75;

/**
 * A set of 64-bit fingerprint prefixes in typed arrays (open addressing, linear probing):
 * 1,000,000 fingerprints take 11 MB instead of ~100 MB for a Set of 40-char hex strings.
 * The set is split into 256 sub-tables so that growing rehashes one small table at a time: one
 * big table would hold its old and new arrays at once (24 MB at 1,000,000 when doubling) and
 * leave a large freed block to the allocator. Sub-tables grow by half, not by doubling, and are
 * kept at most 3/4 full: 8-byte slots probed in sequence stay cheap at that load. A 64-bit
 * prefix of SHA-1 collides by chance with probability ~n²/2⁶⁵ (≈3·10⁻⁸ for 10⁶).
 */
export class FingerprintSet {
  readonly #slots: Uint32Array[] = [];
  readonly #sizes = new Uint32Array(PARTS);
  /** A sub-table's size at which it grows. */
  readonly #limits = new Uint32Array(PARTS);
  #size = 0;

  constructor() {
    for (let p = 0; p < PARTS; p++) {
      this.#slots.push(new Uint32Array(FIRST_SLOTS * 2));
      this.#limits[p] = Math.floor(FIRST_SLOTS * MAX_LOAD);
    }
  }

  get size(): number {
    return this.#size;
  }

  /** Adds (hi, lo); returns false when it was there already. (0, 0) is stored as (0, 1). */
  add(hi: number, lo: number): boolean {
    hi >>>= 0;
    lo >>>= 0;
    if (hi === 0 && lo === 0) lo = 1;
    const part = hi >>> (32 - PARTS_BITS);
    if (!insert(this.#slots[part]!, hi, lo)) return false;
    this.#size++;
    if (++this.#sizes[part]! > this.#limits[part]!) this.#grow(part);
    return true;
  }

  #grow(part: number): void {
    const old = this.#slots[part]!;
    const cap = Math.ceil((old.length >>> 1) * 1.5);
    const slots = new Uint32Array(cap * 2);
    for (let i = 0; i < old.length; i += 2) {
      if (old[i] !== 0 || old[i + 1] !== 0) insert(slots, old[i]!, old[i + 1]!);
    }
    this.#slots[part] = slots;
    this.#limits[part] = Math.floor(cap * MAX_LOAD);
  }
}

/** Inserts (hi, lo) into one table of pairs; false when it was there already. */
function insert(slots: Uint32Array, hi: number, lo: number): boolean {
  const cap = slots.length >>> 1;
  // A well-mixed 32-bit hash scaled to [0, cap) (exact in doubles: both factors < 2^32).
  const h = (lo ^ Math.imul(hi, 0x9e3779b1)) >>> 0;
  let i = Math.floor((h * cap) / 4294967296);
  for (;;) {
    const a = slots[i * 2]!;
    const b = slots[i * 2 + 1]!;
    if (a === 0 && b === 0) break;
    if (a === hi && b === lo) return false;
    if (++i === cap) i = 0;
  }
  slots[i * 2] = hi;
  slots[i * 2 + 1] = lo;
  return true;
}

/** The first 64 bits of a hex fingerprint as two unsigned 32-bit halves. */
export function fingerprintPrefix(fp: string): [number, number] {
  const hi = parseInt(fp.substring(0, 8), 16);
  const lo = parseInt(fp.substring(8, 16), 16);
  if (Number.isNaN(hi) || Number.isNaN(lo)) {
    // Not hex (a custom fingerprinter): hash the string instead.
    let a = 0x811c9dc5;
    let b = 0x01000193;
    for (let i = 0; i < fp.length; i++) {
      a = Math.imul(a ^ fp.charCodeAt(i), 0x01000193);
      b = Math.imul(b ^ fp.charCodeAt(i), 0x5bd1e995);
    }
    return [a >>> 0, b >>> 0];
  }
  return [hi >>> 0, lo >>> 0];
}
