import { UnknownFieldError } from './errors.js';
import type { Processor } from './processors.js';

/** What a field declares besides its name (Scrapy's `Field(...)` metadata). */
export interface FieldMeta {
  /** Applied by ItemLoader to the values added to this field, unless the loader sets its own. */
  inputProcessor?: Processor;
  /** Applied by ItemLoader to the collected values when the item is loaded, unless the loader sets its own. */
  outputProcessor?: Processor;
  /** Anything else a pipeline or exporter wants to read from `Item.fields`. */
  [key: string]: unknown;
}

const FIELD = Symbol('tscrapy.field');

interface FieldMarker {
  readonly [FIELD]: FieldMeta;
}

function isFieldMarker(v: unknown): v is FieldMarker {
  return typeof v === 'object' && v !== null && FIELD in v;
}

/**
 * Declares a field of an `Item` class (Scrapy's `scrapy.Field()`); `T` is the type of its value.
 *
 * ```ts
 * class Product extends Item {
 *   name = Field<string>();
 *   price = Field<number>({ outputProcessor: TakeFirst() });
 * }
 * ```
 */
export function Field<T = unknown>(meta: FieldMeta = {}): T | undefined {
  return { [FIELD]: meta } as unknown as T | undefined;
}

/** Fields by class, learnt once by building an instance and watching its field initializers. */
const FIELDS = new WeakMap<Function, Readonly<Record<string, FieldMeta>>>();
/** Set while an instance is built to learn its class's fields. */
let probe: Record<string, FieldMeta> | null = null;

function fieldsOfClass(cls: Function): Readonly<Record<string, FieldMeta>> {
  let fields = FIELDS.get(cls);
  if (fields) return fields;
  const declared: Record<string, FieldMeta> = {};
  const outer = probe;
  probe = declared;
  try {
    new (cls as new () => unknown)();
  } finally {
    probe = outer;
  }
  fields = Object.freeze(declared);
  FIELDS.set(cls, fields);
  return fields;
}

function unknownField(cls: Function, key: string, fields: Readonly<Record<string, FieldMeta>>): UnknownFieldError {
  const names = Object.keys(fields);
  return new UnknownFieldError(
    `${cls.name} does not support field: ${key}. ` +
      (names.length ? `Its fields: ${names.join(', ')}` : `It declares no fields`) +
      `; declare it in the class (${key} = Field())`,
  );
}

/** The fields of an item type with their value types (methods left out). */
export type ItemValues<I> = { [K in keyof I as I[K] extends (...args: any[]) => unknown ? never : K]?: I[K] };

/**
 * A scraped item with declared fields, like Scrapy's `scrapy.Item`: fields are declared with
 * `Field()`, read and written as properties (`item.name = 'x'`), and setting a field the class
 * does not declare throws UnknownFieldError, at compile time in TypeScript and at run time.
 * Fields never set are absent (`'price' in item` is false, `item.price` is undefined), as in
 * Scrapy. Feeds export `toJSON()`: the fields that are set.
 *
 * ```ts
 * class Product extends Item {
 *   name = Field<string>();
 *   price = Field<number>();
 * }
 * const p = new Product({ name: 'Lamp' });
 * p.price = 12.5;
 * ```
 */
export class Item {
  /** Builds an item, setting `values` (each must be a declared field). */
  constructor(values?: object) {
    const cls = new.target;
    if (probe !== null) {
      const declared = probe;
      return new Proxy(this, { defineProperty: (_t, key, desc) => record(declared, key, desc.value), set: (_t, key, value) => record(declared, key, value) });
    }
    const fields = fieldsOfClass(cls);
    const store = (target: Item, key: string | symbol, value: unknown): boolean => {
      // The subclass's field initializers (`name = Field()`) run on this proxy: nothing to store.
      if (isFieldMarker(value)) return true;
      if (typeof key === 'string' && !Object.prototype.hasOwnProperty.call(fields, key)) throw unknownField(cls, key, fields);
      return Reflect.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
    };
    const proxy = new Proxy(this, {
      defineProperty: (target, key, desc) => ('value' in desc ? store(target, key, desc.value) : Reflect.defineProperty(target, key, desc)),
      set: (target, key, value) => store(target, key, value),
    });
    if (values) for (const [k, v] of Object.entries(values)) (proxy as unknown as Record<string, unknown>)[k] = v;
    return proxy;
  }

  /**
   * Builds an item with `values`, type-checked against the declared fields (the constructor,
   * which a subclass's declarations cannot type, checks them at run time only).
   */
  static create<I extends Item>(this: new (values?: object) => I, values: ItemValues<I>): I {
    return new this(values);
  }

  /** The declared fields of this item class, name → metadata. */
  static get fields(): Readonly<Record<string, FieldMeta>> {
    return fieldsOfClass(this);
  }

  /** The fields that are set, as a plain object (what feeds export). */
  toJSON(): Record<string, unknown> {
    return { ...(this as object) } as Record<string, unknown>;
  }

  /** A shallow copy (Scrapy's `item.copy()`). */
  copy(): this {
    const Ctor = this.constructor as new (values?: object) => this;
    return new Ctor(this.toJSON());
  }
}

function record(declared: Record<string, FieldMeta>, key: string | symbol, value: unknown): boolean {
  if (typeof key === 'string' && isFieldMarker(value)) declared[key] = value[FIELD];
  return true;
}
