/** Values accepted wherever headers are given. */
export type HeadersInit =
  | Headers
  | Record<string, string | string[] | number | undefined | null>
  | Iterable<readonly [string, string]>;

/**
 * Case-insensitive multi-valued HTTP headers that keep the first spelling of each name.
 * Lighter than the WHATWG `Headers` (no validation per call), and keeps every Set-Cookie.
 */
export class Headers {
  #map = new Map<string, { name: string; values: string[] }>();

  constructor(init?: HeadersInit) {
    if (!init) return;
    if (init instanceof Headers) {
      for (const [k, v] of init.#map) this.#map.set(k, { name: v.name, values: [...v.values] });
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
    return this.#map.get(name.toLowerCase())?.values[0] ?? null;
  }

  getAll(name: string): string[] {
    return this.#map.get(name.toLowerCase())?.values.slice() ?? [];
  }

  has(name: string): boolean {
    return this.#map.has(name.toLowerCase());
  }

  set(name: string, value: string | string[]): void {
    this.#map.set(name.toLowerCase(), { name, values: Array.isArray(value) ? [...value] : [value] });
  }

  /** Sets `name` only when it is absent (Scrapy's `setdefault`). */
  setDefault(name: string, value: string): void {
    if (!this.has(name)) this.set(name, value);
  }

  append(name: string, value: string): void {
    const e = this.#map.get(name.toLowerCase());
    if (e) e.values.push(value);
    else this.#map.set(name.toLowerCase(), { name, values: [value] });
  }

  delete(name: string): void {
    this.#map.delete(name.toLowerCase());
  }

  get size(): number {
    return this.#map.size;
  }

  /** [name, value] pairs, one per value, names as first given. */
  *[Symbol.iterator](): IterableIterator<[string, string]> {
    for (const { name, values } of this.#map.values()) for (const v of values) yield [name, v];
  }

  /** name → value (or values when repeated), e.g. for undici or JSON. */
  toObject(): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = {};
    for (const { name, values } of this.#map.values()) out[name] = values.length === 1 ? values[0]! : [...values];
    return out;
  }

  toJSON(): Record<string, string | string[]> {
    return this.toObject();
  }
}
