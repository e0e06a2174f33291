/** How `JsonRequest` writes its body: the keyword arguments of Python's `json.dumps` that Scrapy passes. */
export interface JsonDumpsOptions {
  /** Object keys in sorted order, at every depth (Scrapy: `sort_keys=True`). @default true */
  sortKeys?: boolean;
  /** Item and key separators (Python's default `(', ', ': ')`). @default [', ', ': '] */
  separators?: readonly [string, string];
  /** Non-ASCII characters (and DEL) written as `\uXXXX` escapes, as Python's default `ensure_ascii=True`. @default true */
  ensureAscii?: boolean;
}

const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]/g;

/**
 * JSON text the way Python's `json.dumps(value, sort_keys=True)` writes it, so a body (and so a
 * request fingerprint or a body signature) is byte-identical to Scrapy's for the same data.
 * Values JSON.stringify has no form for are handled as it does (`toJSON()`, undefined and
 * functions left out of objects, null in arrays). Numbers use JavaScript's form: `1.0` is `1`.
 * Returns undefined when the value itself has no JSON form.
 */
export function pythonJsonDumps(value: unknown, options: JsonDumpsOptions = {}): string | undefined {
  const sortKeys = options.sortKeys ?? true;
  const [itemSep, keySep] = options.separators ?? [', ', ': '];
  const ensureAscii = options.ensureAscii ?? true;
  const str = (s: string): string => {
    const json = JSON.stringify(s);
    return ensureAscii ? json.replace(NOT_PRINTABLE_ASCII, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')) : json;
  };
  const seen = new Set<object>();
  const write = (key: string, v: unknown): string | undefined => {
    if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
      v = (v as { toJSON(key: string): unknown }).toJSON(key);
    }
    if (v instanceof Number || v instanceof String || v instanceof Boolean) v = v.valueOf();
    if (v === null) return 'null';
    switch (typeof v) {
      case 'string':
        return str(v);
      case 'number':
        return Number.isFinite(v) ? String(v) : 'null';
      case 'boolean':
        return String(v);
      case 'bigint':
        throw new TypeError('Do not know how to serialize a BigInt');
      case 'object':
        break;
      default:
        return undefined;
    }
    const obj = v as object;
    if (seen.has(obj)) throw new TypeError('Converting circular structure to JSON');
    seen.add(obj);
    let out: string;
    if (Array.isArray(obj)) {
      out = '[' + obj.map((x, i) => write(String(i), x) ?? 'null').join(itemSep) + ']';
    } else {
      const keys = Object.keys(obj);
      if (sortKeys) keys.sort();
      const parts: string[] = [];
      for (const k of keys) {
        const text = write(k, (obj as Record<string, unknown>)[k]);
        if (text !== undefined) parts.push(str(k) + keySep + text);
      }
      out = '{' + parts.join(itemSep) + '}';
    }
    seen.delete(obj);
    return out;
  };
  return write('', value);
}
