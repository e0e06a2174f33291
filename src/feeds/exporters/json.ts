import type { FileHandle } from 'node:fs/promises';
import { FeedResumeError } from '../errors.js';
import { readBytes, searchTail, trimEnd } from '../tail.js';
import type { ExporterOptions, FeedFormat, ItemExporter, PlainItem, ReopenResult } from './types.js';
import { escapeJsonFor, itemToJson } from './values.js';

/**
 * A JSON array, one element per item. The layout is fixed so a file can be continued and a
 * torn tail found without parsing it whole: `[`, then each element after `\n` (first) or
 * `,\n`, then `\n]\n`. Elements never hold a raw newline followed by a non-space (strings
 * escape newlines; indented lines start with spaces), so such a newline marks an element start.
 */
export class JsonExporter implements ItemExporter {
  constructor(private readonly options: ExporterOptions) {}
  header(): string {
    return '[';
  }
  item(item: PlainItem, first: boolean): string {
    const text = escapeJsonFor(itemToJson(item, this.options.fields, this.options.indent, this.options.datetimeFormat), this.options.maxCodePoint);
    return (first ? '\n' : ',\n') + text;
  }
  footer(): string {
    return '\n]\n';
  }
}

const isSpace = (b: number | undefined): boolean => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

function tryParse(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Position of the last element start in `buf` (after `[\n` or `,\n`), or -1. */
function lastElementStart(buf: Buffer, end: number): number {
  let p = buf.lastIndexOf(0x0a, end - 1);
  while (p > 0) {
    const before = buf[p - 1];
    const after = buf[p + 1];
    if ((before === 0x2c || before === 0x5b) && after !== undefined && p + 1 < end && !isSpace(after)) return p + 1;
    p = buf.lastIndexOf(0x0a, p - 1);
  }
  return -1;
}

async function reopenJson(file: FileHandle, size: number, path: string): Promise<ReopenResult> {
  const result = await searchTail(file, size, (tail, offset, whole): ReopenResult | undefined => {
    const t = trimEnd(tail);
    if (t === 0) return whole ? { truncateAt: 0, hasHeader: false, hasItems: false, repaired: `dropped ${size} bytes of whitespace` } : undefined;
    // Our own footer: `\n]`. The byte before the newline tells whether the array is empty.
    if (tail[t - 1] === 0x5d && t >= 2 && tail[t - 2] === 0x0a) {
      const before = trimEnd(tail, t - 1);
      if (before === 0 && !whole) return undefined;
      if (tail[before - 1] === 0x5b) return { truncateAt: offset + before, hasHeader: true, hasItems: false };
      return { truncateAt: offset + before, hasHeader: true, hasItems: true };
    }
    const s = lastElementStart(tail, t);
    if (s >= 0) {
      const text = tail.toString('latin1', s, t);
      // latin1 keeps bytes 1:1; only structure matters for JSON.parse here, and multi-byte
      // UTF-8 sequences sit inside strings, so they cannot break or fake validity.
      if (tryParse(text)) {
        // Complete last element, no footer: the crawl stopped before closing the array.
        return { truncateAt: offset + t, hasHeader: true, hasItems: true };
      }
      if (text.endsWith(']') && tryParse(text.slice(0, -1))) {
        // A closed array whose footer is not ours (`...}]`): continue after the last element.
        const before = trimEnd(tail, t - 1);
        return { truncateAt: offset + before, hasHeader: true, hasItems: true };
      }
      const sep = s - 2;
      if (tail[sep] === 0x2c) {
        return { truncateAt: offset + sep, hasHeader: true, hasItems: true, repaired: `dropped a torn last element (${size - offset - sep} bytes)` };
      }
      return { truncateAt: offset + sep + 1, hasHeader: true, hasItems: false, repaired: `dropped a torn first element (${size - offset - sep - 1} bytes)` };
    }
    if (!whole) return undefined;
    // No element boundary anywhere: only the header, or a compact array written by something else.
    const text = tail.toString('utf8', 0, t);
    if (text.trim() === '[') return { truncateAt: t, hasHeader: true, hasItems: false };
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed) && text.endsWith(']')) {
        return { truncateAt: trimEnd(tail, t - 1), hasHeader: true, hasItems: parsed.length > 0 };
      }
    } catch {
      // fall through to the error
    }
    return undefined;
  });
  if (!result) {
    const head = (await readBytes(file, 0, Math.min(size, 60))).toString('utf8');
    throw new FeedResumeError(path, `cannot append to it: it is not a JSON array (starts with ${JSON.stringify(head)}). Use -O to overwrite it or choose another file`);
  }
  return result;
}

export const JSON_FORMAT: FeedFormat = {
  name: 'json',
  aliases: [],
  create: (options) => new JsonExporter(options),
  reopen: (file, size, path) => reopenJson(file, size, path),
};
