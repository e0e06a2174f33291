import { Item } from '../../items/item.js';
import type { PlainItem } from './types.js';

const DECLARED_FIELDS = Symbol('tscrapy.declaredFields');

/**
 * The plain object behind an item: objects as they are, `toJSON()` results for item
 * classes, Maps as objects. Returns null for values that are not items (strings, arrays…).
 * For an `Item`, the plain object also carries the class's declared fields (see declaredFields).
 */
export function toPlainItem(item: unknown): PlainItem | null {
  if (item === null || typeof item !== 'object') return null;
  if (item instanceof Item) {
    const plain = item.toJSON();
    Object.defineProperty(plain, DECLARED_FIELDS, { value: Object.keys((item.constructor as typeof Item).fields) });
    return plain;
  }
  let value: unknown = item;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function' && !(value instanceof Date)) {
    value = (value as { toJSON(): unknown }).toJSON();
  }
  if (value instanceof Map) return Object.fromEntries(value) as PlainItem;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  return value as PlainItem;
}

/**
 * The fields an `Item` class declares, set or not, in order (undefined for other items): a CSV
 * header is made from them, as Scrapy's CsvItemExporter makes it from `item.fields`, so a field
 * the first item leaves unset still gets its column.
 */
export function declaredFields(item: PlainItem): readonly string[] | undefined {
  return (item as { [DECLARED_FIELDS]?: readonly string[] })[DECLARED_FIELDS];
}

/**
 * The (name, value) pairs to export, in order: `fields` when given (absent fields skipped
 * unless `includeEmpty`, then undefined), else the item's own keys.
 */
export function fieldEntries(item: PlainItem, fields: readonly string[] | null, includeEmpty: boolean): Array<[string, unknown]> {
  if (fields === null) return Object.entries(item);
  const out: Array<[string, unknown]> = [];
  for (const f of fields) {
    if (Object.prototype.hasOwnProperty.call(item, f)) out.push([f, item[f]]);
    else if (includeEmpty) out.push([f, undefined]);
  }
  return out;
}

/** The ways feeds write a Date (setting FEED_EXPORT_DATETIME_FORMAT, feed option `datetimeFormat`). */
export const DATETIME_FORMATS = ['iso', 'scrapy'] as const;
export type DatetimeFormat = (typeof DATETIME_FORMATS)[number];

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * A Date as a feed writes it. `iso`: `2024-01-02T03:04:05.678Z` (what JSON.stringify and
 * Date.parse use). `scrapy`: what Scrapy's exporters write for a UTC datetime — JSON and JSON
 * Lines use `2024-01-02 03:04:05` (ScrapyJSONEncoder), CSV and XML `str(datetime)`,
 * `2024-01-02 03:04:05.678000` (microseconds only when not zero). An invalid Date is null.
 */
export function formatDate(d: Date, format: DatetimeFormat, target: 'json' | 'text'): string | null {
  const t = d.getTime();
  if (Number.isNaN(t)) return null;
  if (format === 'iso') return d.toISOString();
  const s = `${String(d.getUTCFullYear()).padStart(4, '0')}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
  const ms = d.getUTCMilliseconds();
  return target === 'text' && ms !== 0 ? `${s}.${String(ms * 1000).padStart(6, '0')}` : s;
}

/**
 * A JSON.stringify replacer for values JSON has no form for: bigint, Map, Set; Dates in
 * `datetimeFormat`; undefined (a missing value, such as `.get()` with no match) as null, the
 * way Scrapy writes None, instead of dropping the key.
 */
export function jsonReplacer(datetimeFormat: DatetimeFormat = 'iso'): (this: unknown, key: string, value: unknown) => unknown {
  return function replace(this: unknown, key: string, value: unknown): unknown {
    if (value === undefined) return null;
    if (typeof value === 'bigint') return value.toString();
    if (value instanceof Map) return Object.fromEntries(value);
    if (value instanceof Set) return [...value];
    // Dates reach a replacer already turned into strings by their toJSON: look at the holder.
    const raw = (this as Record<string, unknown>)[key];
    if (raw instanceof Date) return formatDate(raw, datetimeFormat, 'json');
    return value;
  };
}

const REPLACERS = new Map(DATETIME_FORMATS.map((f) => [f, jsonReplacer(f)]));

/** The item (projected to `fields`) as one JSON text. */
export function itemToJson(item: PlainItem, fields: readonly string[] | null, indent: number, datetimeFormat: DatetimeFormat = 'iso'): string {
  const obj = fields === null ? item : Object.fromEntries(fieldEntries(item, fields, false));
  // A replacer function takes JSON.stringify off V8's fast path (several times slower for a
  // typical item); it changes nothing for values JSON has a form for.
  if (isPlainJson(obj, 0)) return JSON.stringify(obj, null, indent > 0 ? indent : undefined);
  return JSON.stringify(obj, REPLACERS.get(datetimeFormat)!, indent > 0 ? indent : undefined);
}

/** Nesting beyond which isPlainJson gives up (the replacer then handles the value, as before). */
const PLAIN_JSON_MAX_DEPTH = 8;

/**
 * Whether jsonReplacer would leave every value in `value` as it is: strings, numbers, booleans,
 * null, and arrays and plain objects (no toJSON) of those. undefined, bigint, Map, Set, Date and
 * class instances are not: the replacer (or their toJSON) changes them.
 */
function isPlainJson(value: unknown, depth: number): boolean {
  if (value === null) return true;
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return true;
    case 'object':
      break;
    default:
      return false;
  }
  if (depth >= PLAIN_JSON_MAX_DEPTH) return false;
  const proto = Object.getPrototypeOf(value);
  if (proto === Array.prototype) {
    const a = value as unknown[];
    for (let i = 0; i < a.length; i++) if (!isPlainJson(a[i], depth + 1)) return false;
    return true;
  }
  if (proto !== Object.prototype && proto !== null) return false;
  const o = value as Record<string, unknown>;
  if ('toJSON' in o) return false;
  for (const key in o) if (!isPlainJson(o[key], depth + 1)) return false;
  return true;
}

// eslint-disable-next-line no-control-regex
const NON_ASCII = /[\u0080-\uffff]/g;
const NON_LATIN1 = /[\u0100-\uffff]/g;

/** JSON text with characters the encoding cannot hold written as \uXXXX escapes (still the same JSON). */
export function escapeJsonFor(text: string, maxCodePoint: number): string {
  if (maxCodePoint >= 0x10ffff) return text;
  const re = maxCodePoint <= 0x7f ? NON_ASCII : NON_LATIN1;
  return text.replace(re, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** Text with characters the encoding cannot hold replaced by `?` (CSV has no escape); counts them. */
export function replaceUnencodable(text: string, maxCodePoint: number): { text: string; replaced: number } {
  if (maxCodePoint >= 0x10ffff) return { text, replaced: 0 };
  let replaced = 0;
  const re = maxCodePoint <= 0x7f ? /[\u0080-\uffff]/g : /[\u0100-\uffff]/g;
  // A surrogate pair is one character: replace it by one `?`.
  const out = text.replace(/[\ud800-\udbff][\udc00-\udfff]/g, '?').replace(re, () => {
    replaced++;
    return '?';
  });
  return { text: out, replaced };
}
