import type { ReOptions } from './regex.js';
import type { Selector, XPathOptions } from './selector.js';
import type { XPathVariable } from './xpath/values.js';

/**
 * The result of a query: an array of Selectors with parsel's list methods. `map`, `filter`
 * and friends return plain arrays (species is Array); `slice` and `filter` are overridden to
 * keep the list methods, since `response.css('tr').slice(1)` is common.
 */
export class SelectorList extends Array<Selector> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  /** `new SelectorList()`, `new SelectorList(selectors)`; a number gives that many empty slots, like Array. */
  constructor(items?: Iterable<Selector> | number) {
    if (typeof items === 'number') {
      super(items);
      return;
    }
    super();
    if (items) for (const s of items) this.push(s);
  }

  /** Runs `query` on every selector and concatenates the results. */
  css(query: string): SelectorList {
    if (this.length === 1) return this[0]!.css(query);
    const out = new SelectorList();
    for (let i = 0; i < this.length; i++) {
      const r = this[i]!.css(query);
      for (let k = 0; k < r.length; k++) out.push(r[k]!);
    }
    return out;
  }

  /** Runs an XPath query on every selector and concatenates the results (see `Selector.xpath`). */
  xpath(query: string, variables?: Record<string, XPathVariable>, options?: XPathOptions): SelectorList {
    if (this.length === 1) return this[0]!.xpath(query, variables, options);
    const out = new SelectorList();
    for (let i = 0; i < this.length; i++) {
      const r = this[i]!.xpath(query, variables, options);
      for (let k = 0; k < r.length; k++) out.push(r[k]!);
    }
    return out;
  }

  /** `get()` of the first selector, or `defaultValue` when the list is empty. */
  get(): string | undefined;
  get(defaultValue: string): string;
  get(defaultValue?: string): string | undefined {
    return this.length ? this[0]!.get() : defaultValue;
  }

  /** `get()` of every selector. */
  getall(): string[] {
    const out = new Array<string>(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this[i]!.get();
    return out;
  }

  /** parsel's old name for `get()`. */
  extractFirst(): string | undefined;
  extractFirst(defaultValue: string): string;
  extractFirst(defaultValue?: string): string | undefined {
    return this.length ? this[0]!.get() : defaultValue;
  }

  /** parsel's old name for `getall()`. */
  extract(): string[] {
    return this.getall();
  }

  /** `re()` of every selector, concatenated. */
  re(regex: RegExp | string, options?: ReOptions): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.length; i++) out.push(...this[i]!.re(regex, options));
    return out;
  }

  /** The first `re()` result over the selectors in order, or `defaultValue`. */
  reFirst(regex: RegExp | string): string | undefined;
  reFirst(regex: RegExp | string, defaultValue: string, options?: ReOptions): string;
  reFirst(regex: RegExp | string, defaultValue?: string, options?: ReOptions): string | undefined {
    for (let i = 0; i < this.length; i++) {
      const r = this[i]!.re(regex, options);
      if (r.length) return r[0];
    }
    return defaultValue;
  }

  /** The attributes of the first element, or `{}` for an empty list. */
  get attrib(): Record<string, string> {
    return this.length ? this[0]!.attrib : {};
  }

  override slice(start?: number, end?: number): SelectorList {
    return new SelectorList(super.slice(start, end));
  }

  override filter(predicate: (value: Selector, index: number, array: Selector[]) => unknown, thisArg?: unknown): SelectorList {
    return new SelectorList(super.filter(predicate, thisArg));
  }
}
