import { InvalidArgumentError } from '../crawler/errors.js';
import { extractRegex } from '../selector/regex.js';
import { UnknownFieldError } from './errors.js';
import { Item, type FieldMeta } from './item.js';
import { Identity, toValueList, type Processor } from './processors.js';

/** What the loader queries: a Selector, a SelectorList or a Response (all have `css()` and `xpath()`). */
export interface LoaderSelector {
  css(query: string): { getall(): string[] } & Partial<LoaderSelector>;
  xpath(query: string, variables?: Record<string, unknown>): { getall(): string[] } & Partial<LoaderSelector>;
}

/** Options of `new ItemLoader(...)`. */
export interface ItemLoaderOptions<T extends object> {
  /** The item to fill; default: a new `defaultItemClass` (a plain object unless the loader sets one). */
  item?: T;
  /** What `addCss`/`addXpath` query. */
  selector?: LoaderSelector;
  /** Queried when no `selector` is given. */
  response?: LoaderSelector;
  /** Free values for processors and subclasses (`loader.context`). */
  context?: Record<string, unknown>;
}

/** Input and output processors of one field (Scrapy's `field_in` / `field_out`). */
export interface FieldProcessors {
  input?: Processor;
  output?: Processor;
}

/** Options given last to `add*`, `replace*` and `get*` (Scrapy's `re=` keyword). */
export interface ValueOptions {
  /** Keep only what this regex extracts from each value (parsel's rules: group `extract`, else groups, else the match). */
  re: RegExp | string;
}

type ProcessorArgs = Array<Processor | ValueOptions>;
type FieldName<T> = Extract<keyof T, string>;

/**
 * Fills an item from a page (Scrapy's ItemLoader): values are collected per field through the
 * field's input processor as they are added, and the output processor makes the final value
 * when `loadItem()` is called. Subclasses set the defaults:
 *
 * ```ts
 * class ProductLoader extends ItemLoader<Product> {
 *   static override defaultItemClass = Product;
 *   static override defaultInputProcessor = MapCompose((s: string) => s.trim());
 *   static override defaultOutputProcessor = TakeFirst();
 *   static override fieldProcessors = { tags: { output: Identity() } };
 * }
 * const loader = new ProductLoader({ response });
 * loader.addCss('name', 'h1::text');
 * loader.addValue('url', response.url);
 * yield loader.loadItem();
 * ```
 */
export class ItemLoader<T extends object = Record<string, unknown>> {
  /** The class of the item made when none is given; null: a plain object. */
  static defaultItemClass: (new () => object) | null = null;
  /** Applied to the values added to a field without an input processor of its own. @default Identity() */
  static defaultInputProcessor: Processor = Identity();
  /** Applied to the values of a field without an output processor of its own. @default Identity() */
  static defaultOutputProcessor: Processor = Identity();
  /** Processors per field; they win over the item field's `inputProcessor`/`outputProcessor`. */
  static fieldProcessors: Record<string, FieldProcessors> = {};

  /** The item being filled. */
  readonly item: T;
  /** What the loader queries; null when built without a selector or response. */
  readonly selector: LoaderSelector | null;
  /** Free values for processors and subclasses; holds `item`, `selector` and `response`. */
  readonly context: Record<string, unknown>;
  /** The loader this one was nested from (values are shared with it). */
  readonly parent: ItemLoader<T> | null;
  readonly #values: Map<string, unknown[]>;

  constructor(options: ItemLoaderOptions<T> = {}, parent: ItemLoader<T> | null = null) {
    const cls = this.constructor as typeof ItemLoader;
    this.item = options.item ?? ((cls.defaultItemClass ? new cls.defaultItemClass() : {}) as T);
    this.selector = options.selector ?? options.response ?? null;
    this.context = { ...options.context, item: this.item, selector: this.selector, response: options.response };
    this.parent = parent;
    this.#values = parent ? parent.#values : new Map();
    // As Scrapy does, the values an item already holds are collected first (no input processor).
    if (!parent && options.item) for (const [k, v] of Object.entries(options.item)) this.#values.set(k, [...toValueList(v)]);
  }

  /** Adds `value` (one value or a list) to `field` after `processors` and the field's input processor. */
  addValue(field: FieldName<T>, value: unknown, ...processors: ProcessorArgs): this {
    this.#add(field, this.getValue(value, ...processors));
    return this;
  }

  /** Replaces the values of `field` with `value` (see `addValue`). */
  replaceValue(field: FieldName<T>, value: unknown, ...processors: ProcessorArgs): this {
    this.#values.delete(this.#check(field));
    return this.addValue(field, value, ...processors);
  }

  /** Adds the texts matched by a CSS query (or several) to `field`. */
  addCss(field: FieldName<T>, query: string | string[], ...processors: ProcessorArgs): this {
    return this.addValue(field, this.#query('css', query), ...processors);
  }

  /** Replaces the values of `field` with the texts matched by a CSS query. */
  replaceCss(field: FieldName<T>, query: string | string[], ...processors: ProcessorArgs): this {
    return this.replaceValue(field, this.#query('css', query), ...processors);
  }

  /** Adds the texts matched by an XPath query (or several) to `field`. */
  addXpath(field: FieldName<T>, query: string | string[], ...processors: ProcessorArgs): this {
    return this.addValue(field, this.#query('xpath', query), ...processors);
  }

  /** Replaces the values of `field` with the texts matched by an XPath query. */
  replaceXpath(field: FieldName<T>, query: string | string[], ...processors: ProcessorArgs): this {
    return this.replaceValue(field, this.#query('xpath', query), ...processors);
  }

  /** `value` after the `{ re }` option (applied first, as Scrapy does) and `processors`, without adding it anywhere. */
  getValue(value: unknown, ...processors: ProcessorArgs): unknown {
    let out = value;
    const fns: Processor[] = [];
    for (const p of processors) {
      if (typeof p === 'function') fns.push(p);
      else if (p && typeof p === 'object' && 're' in p) out = toValueList(out).flatMap((v) => extractRegex(p.re, String(v)));
      else throw new InvalidArgumentError(`ItemLoader processors must be functions or { re } options, got ${typeof p}`);
    }
    for (const fn of fns) out = fn(out);
    return out;
  }

  /** The texts matched by a CSS query, after `processors` (not added to a field). */
  getCss(query: string | string[], ...processors: ProcessorArgs): unknown {
    return this.getValue(this.#query('css', query), ...processors);
  }

  /** The texts matched by an XPath query, after `processors` (not added to a field). */
  getXpath(query: string | string[], ...processors: ProcessorArgs): unknown {
    return this.getValue(this.#query('xpath', query), ...processors);
  }

  /** The values collected for `field` so far (after its input processor). */
  getCollectedValues(field: FieldName<T>): unknown[] {
    return [...(this.#values.get(field) ?? [])];
  }

  /** The value `loadItem()` would set on `field`: its collected values through its output processor. */
  getOutputValue(field: FieldName<T>): unknown {
    return this.getOutputProcessor(field)(this.getCollectedValues(field));
  }

  /** The input processor of `field`: `fieldProcessors`, else the item field's, else the default. */
  getInputProcessor(field: string): Processor {
    const cls = this.constructor as typeof ItemLoader;
    return cls.fieldProcessors[field]?.input ?? this.#fieldMeta(field)?.inputProcessor ?? cls.defaultInputProcessor;
  }

  /** The output processor of `field`: `fieldProcessors`, else the item field's, else the default. */
  getOutputProcessor(field: string): Processor {
    const cls = this.constructor as typeof ItemLoader;
    return cls.fieldProcessors[field]?.output ?? this.#fieldMeta(field)?.outputProcessor ?? cls.defaultOutputProcessor;
  }

  /** Sets every field with collected values to its output value (null or undefined results are not set, like Scrapy's None) and returns the item. */
  loadItem(): T {
    const item = this.item as Record<string, unknown>;
    for (const field of this.#values.keys()) {
      const value = this.getOutputValue(field as FieldName<T>);
      if (value !== undefined && value !== null) item[field] = value;
    }
    return this.item;
  }

  /** A loader over the elements matched by a CSS query, filling the same item (Scrapy's `nested_css`). */
  nestedCss(query: string, context: Record<string, unknown> = {}): this {
    return this.#nested(this.#selectorFor('css').css(query) as LoaderSelector, context);
  }

  /** A loader over the elements matched by an XPath query, filling the same item (Scrapy's `nested_xpath`). */
  nestedXpath(query: string, context: Record<string, unknown> = {}): this {
    const sel = this.#selectorFor('xpath');
    return this.#nested(sel.xpath(query) as LoaderSelector, context);
  }

  #nested(selector: LoaderSelector, context: Record<string, unknown>): this {
    const Ctor = this.constructor as new (options: ItemLoaderOptions<T>, parent: ItemLoader<T>) => this;
    return new Ctor({ item: this.item, selector, context: { ...this.context, ...context } }, this);
  }

  #add(field: FieldName<T>, value: unknown): void {
    const name = this.#check(field);
    const processed = this.getInputProcessor(name)(toValueList(value));
    const list = toValueList(processed);
    if (list.length === 0) return;
    const values = this.#values.get(name);
    if (values) values.push(...list);
    else this.#values.set(name, [...list]);
  }

  /** The field name, or UnknownFieldError when the item is an Item that does not declare it. */
  #check(field: string): string {
    if (typeof field !== 'string') throw new InvalidArgumentError(`ItemLoader field names are strings, got ${typeof field}`);
    if (this.item instanceof Item) {
      const fields = (this.item.constructor as typeof Item).fields;
      if (!Object.prototype.hasOwnProperty.call(fields, field)) {
        throw new UnknownFieldError(`${this.item.constructor.name} does not support field: ${field}. Its fields: ${Object.keys(fields).join(', ') || '(none)'}`);
      }
    }
    return field;
  }

  #fieldMeta(field: string): FieldMeta | undefined {
    return this.item instanceof Item ? (this.item.constructor as typeof Item).fields[field] : undefined;
  }

  #selectorFor(kind: 'css' | 'xpath'): LoaderSelector {
    const sel = this.selector;
    if (!sel) throw new InvalidArgumentError(`ItemLoader: ${kind} queries need a selector or response (new ItemLoader({ response }))`);
    return sel;
  }

  #query(kind: 'css' | 'xpath', query: string | string[]): string[] {
    const sel = this.#selectorFor(kind);
    const queries = Array.isArray(query) ? query : [query];
    return queries.flatMap((q) => (kind === 'css' ? sel.css(q) : sel.xpath(q)).getall());
  }
}
