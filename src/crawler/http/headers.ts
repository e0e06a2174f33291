/** Values accepted wherever headers are given. */
export type HeadersInit =
  | Headers
  | Record<string, string | string[] | number | undefined | null>
  | Iterable<readonly [string, string]>;

/**
 * Case-insensitive multi-valued HTTP headers that keep the first spelling of each name.
 * Lighter than the WHATWG `Headers` (no validation per call), and keeps every Set-Cookie.
 * Stored as one flat array (lower-cased name, name as given, value; one triple per value):
 * requests wait in the scheduler by the thousand with one or two headers each, and a Map per
 * request cost ≈200 bytes more than this.
 */
export class Headers {
  #flat: string[] = [];

  constructor(init?: HeadersInit) {
    if (!init) return;
    if (init instanceof Headers) {
      this.#flat = init.#flat.slice();
    } else if (Symbol.iterator in init) {
      for (const [k, v] of init as Iterable<readonly [string, string]>) this.append(k, v);
    } else {
      for (const [k, v] of Object.entries(init)) {
        if (v === undefined || v === null) continue;
        if (Array.isArray(v)) for (const x of v) this.append(k, x);
        else this.append(k, String(v));
      }
    }
  }

  /** The first value of `name`, or null. */
  get(name: string): string | null {
    const key = name.toLowerCase();
    const f = this.#flat;
    for (let i = 0; i < f.length; i += 3) if (f[i] === key) return f[i + 2]!;
    return null;
  }

  getAll(name: string): string[] {
    const key = name.toLowerCase();
    const f = this.#flat;
    const out: string[] = [];
    for (let i = 0; i < f.length; i += 3) if (f[i] === key) out.push(f[i + 2]!);
    return out;
  }

  has(name: string): boolean {
    return this.get(name) !== null;
  }

  set(name: string, value: string | string[]): void {
    const key = name.toLowerCase();
    const values = Array.isArray(value) ? value : [value];
    const f = this.#flat;
    // Replaces the values where the name first was, so that the order of names is kept.
    const first = this.#find(key);
    if (first < 0) {
      if (f.length === 0 && values.length === 1) this.#flat = [key, name, values[0]!];
      else for (const v of values) f.push(key, name, v);
      return;
    }
    const rest: string[] = [];
    for (let i = first + 3; i < f.length; i += 3) if (f[i] !== key) rest.push(f[i]!, f[i + 1]!, f[i + 2]!);
    f.length = first;
    for (const v of values) f.push(key, name, v);
    for (const x of rest) f.push(x);
  }

  /** Sets `name` only when it is absent (Scrapy's `setdefault`). */
  setDefault(name: string, value: string): void {
    if (!this.has(name)) this.set(name, value);
  }

  append(name: string, value: string): void {
    const key = name.toLowerCase();
    const f = this.#flat;
    // An array made at its size: push() would reserve room for 16 more values.
    if (f.length === 0) {
      this.#flat = [key, name, value];
      return;
    }
    const first = this.#find(key);
    // Later values of a name keep its first spelling.
    f.push(key, first < 0 ? name : f[first + 1]!, value);
  }

  delete(name: string): void {
    const key = name.toLowerCase();
    const f = this.#flat;
    if (this.#find(key) < 0) return;
    const kept: string[] = [];
    for (let i = 0; i < f.length; i += 3) if (f[i] !== key) kept.push(f[i]!, f[i + 1]!, f[i + 2]!);
    this.#flat = kept;
  }

  /** Distinct names. */
  get size(): number {
    const f = this.#flat;
    let n = 0;
    for (let i = 0; i < f.length; i += 3) if (this.#find(f[i]!) === i) n++;
    return n;
  }

  /** [name, value] pairs, one per value, grouped by name in first-seen order, names as first given. */
  *[Symbol.iterator](): IterableIterator<[string, string]> {
    const f = this.#flat;
    for (let i = 0; i < f.length; i += 3) {
      if (this.#find(f[i]!) !== i) continue;
      for (let j = i; j < f.length; j += 3) if (f[j] === f[i]) yield [f[i + 1]!, f[j + 2]!];
    }
  }

  /** name → value (or values when repeated), e.g. for undici or JSON. */
  toObject(): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = {};
    for (const [name, value] of this) {
      const prev = out[name];
      if (prev === undefined) out[name] = value;
      else if (Array.isArray(prev)) prev.push(value);
      else out[name] = [prev, value];
    }
    return out;
  }

  toJSON(): Record<string, string | string[]> {
    return this.toObject();
  }

  /** Index of the first triple of `key`, or -1. */
  #find(key: string): number {
    const f = this.#flat;
    for (let i = 0; i < f.length; i += 3) if (f[i] === key) return i;
    return -1;
  }
}
