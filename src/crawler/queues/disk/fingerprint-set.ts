/**
 * A set of 64-bit fingerprint prefixes in one typed array (open addressing, linear probing):
 * 1,000,000 fingerprints take 16 MB instead of ~100 MB for a Set of 40-char hex strings.
 * A 64-bit prefix of SHA-1 collides by chance with probability ~n²/2⁶⁵ (≈3·10⁻⁸ for 10⁶).
 */
export class FingerprintSet {
  #slots: Uint32Array;
  #mask: number;
  #size = 0;

  constructor(capacity = 1 << 16) {
    let cap = 1 << 4;
    while (cap < capacity * 2) cap <<= 1;
    this.#slots = new Uint32Array(cap * 2);
    this.#mask = cap - 1;
  }

  get size(): number {
    return this.#size;
  }

  /** Adds (hi, lo); returns false when it was there already. (0, 0) is stored as (0, 1). */
  add(hi: number, lo: number): boolean {
    if (hi === 0 && lo === 0) lo = 1;
    const slots = this.#slots;
    let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & this.#mask;
    for (;;) {
      const h = slots[i * 2]!;
      const l = slots[i * 2 + 1]!;
      if (h === 0 && l === 0) break;
      if (h === hi >>> 0 && l === lo >>> 0) return false;
      i = (i + 1) & this.#mask;
    }
    slots[i * 2] = hi;
    slots[i * 2 + 1] = lo;
    if (++this.#size * 2 > this.#mask + 1) this.#grow();
    return true;
  }

  #grow(): void {
    const old = this.#slots;
    const cap = (this.#mask + 1) * 2;
    this.#slots = new Uint32Array(cap * 2);
    this.#mask = cap - 1;
    this.#size = 0;
    for (let i = 0; i < old.length; i += 2) {
      if (old[i] !== 0 || old[i + 1] !== 0) this.add(old[i]!, old[i + 1]!);
    }
  }
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
