/**
 * Values printed the way Python's `pprint.pformat` prints them, for the log lines that
 * Scrapy's tools read back: the stats dump (`Dumping Scrapy stats:` + a dict, which LogParser
 * turns into JSON by swapping quotes and `None`) and `Overridden settings:`.
 */

const WIDTH = 80;

/** Python's `repr(str)`: single quotes unless the text has a `'` and no `"`. */
export function pyStr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return quote + out + quote;
}

function pyNumber(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  return String(n);
}

/** `repr()` on one line. */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'string') return pyStr(value);
  if (typeof value === 'number') return pyNumber(value);
  if (typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value instanceof Date) return pyStr(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (typeof value === 'object') return `{${sortedEntries(value as Record<string, unknown>).map(([k, v]) => `${pyStr(k)}: ${pyRepr(v)}`).join(', ')}}`;
  return pyStr(String(value));
}

/** pprint sorts dict keys (by code point, like Python's string order). */
function sortedEntries(obj: Record<string, unknown>): Array<[string, unknown]> {
  return Object.entries(obj)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * `pprint.pformat(value)`: the one-line repr when it fits in 80 columns, else one dict entry
 * (or list element) a line, continuation lines indented under the first, nested values
 * wrapped the same way.
 */
export function pformat(value: unknown, indent = 0): string {
  const flat = pyRepr(value);
  if (indent + flat.length <= WIDTH || value === null || typeof value !== 'object' || value instanceof Date) return flat;
  const pad = ' '.repeat(indent + 1);
  if (Array.isArray(value)) {
    if (value.length === 0) return flat;
    return `[${value.map((v, i) => (i ? pad : '') + pformat(v, indent + 1)).join(',\n')}]`;
  }
  const entries = sortedEntries(value as Record<string, unknown>);
  if (entries.length === 0) return flat;
  return `{${entries
    .map(([k, v], i) => {
      const key = `${pyStr(k)}: `;
      return (i ? pad : '') + key + pformat(v, indent + 1 + key.length);
    })
    .join(',\n')}}`;
}
