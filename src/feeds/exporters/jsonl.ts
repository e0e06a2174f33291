import { FeedResumeError } from '../errors.js';
import { readBytes } from '../tail.js';
import type { ExporterOptions, FeedFormat, ItemExporter, PlainItem, ReopenResult } from './types.js';
import { escapeJsonFor, itemToJson } from './values.js';

/** One JSON object per line (JSON Lines). Indent is ignored: a record must stay on one line. */
export class JsonLinesExporter implements ItemExporter {
  constructor(private readonly options: ExporterOptions) {}
  header(): string {
    return '';
  }
  item(item: PlainItem): string {
    return escapeJsonFor(itemToJson(item, this.options.fields, 0, this.options.datetimeFormat), this.options.maxCodePoint) + '\n';
  }
  footer(): string {
    return '';
  }
}

/** Drops a torn last line (one with no newline: the write of that record never finished). */
export async function reopenLines(file: import('node:fs/promises').FileHandle, size: number, path: string, what: string): Promise<ReopenResult> {
  const last = await readBytes(file, size - 1, 1);
  if (last[0] === 0x0a) return { truncateAt: size, hasHeader: true, hasItems: true };
  // Find the last newline, reading backwards in growing chunks.
  let chunk = 64 * 1024;
  for (;;) {
    const start = Math.max(0, size - chunk);
    const buf = await readBytes(file, start, size - start);
    const nl = buf.lastIndexOf(0x0a);
    if (nl >= 0) {
      const cut = start + nl + 1;
      return { truncateAt: cut, hasHeader: true, hasItems: true, repaired: `dropped a torn last ${what} (${size - cut} bytes)` };
    }
    if (start === 0) break;
    chunk *= 4;
  }
  if (size > 0) {
    return { truncateAt: 0, hasHeader: false, hasItems: false, repaired: `dropped a torn first ${what} (${size} bytes)` };
  }
  throw new FeedResumeError(path, 'unexpected empty file');
}

export const JSONL_FORMAT: FeedFormat = {
  name: 'jsonl',
  aliases: ['jl', 'jsonlines'],
  create: (options) => new JsonLinesExporter(options),
  reopen: (file, size, path) => reopenLines(file, size, path, 'line'),
};
