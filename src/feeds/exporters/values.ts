import type { PlainItem } from './types.js';

/**
 * The plain object behind an item: objects as they are, `toJSON()` results for item
 * classes, Maps as objects. Returns null for values that are not items (strings, arrays…).
 */
export function toPlainItem(item: unknown): PlainItem | null {
  if (item === null || typeof item !== 'object') return null;
  let value: unknown = item;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function' && !(value instanceof Date)) {
    value = (value as { toJSON(): unknown }).toJSON();
  }
  if (value instanceof Map) return Object.fromEntries(value) as PlainItem;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  return value as PlainItem;
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

/** JSON.stringify replacer for values JSON has no form for: bigint, Map, Set. Dates use toJSON (ISO). */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Map) return Object.fromEntries(value);
  if (value instanceof Set) return [...value];
  return value;
}

/** The item (projected to `fields`) as one JSON text. */
export function itemToJson(item: PlainItem, fields: readonly string[] | null, indent: number): string {
  const obj = fields === null ? item : Object.fromEntries(fieldEntries(item, fields, false));
  return JSON.stringify(obj, jsonReplacer, indent > 0 ? indent : undefined);
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
