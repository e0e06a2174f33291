import type { FileHandle } from 'node:fs/promises';
import { FeedResumeError } from '../errors.js';
import { readBytes, searchTail, trimEnd } from '../tail.js';
import type { ExporterOptions, FeedFormat, ItemExporter, PlainItem, ReopenResult } from './types.js';
import { fieldEntries, formatDate } from './values.js';

// Characters XML 1.0 cannot hold at all, even escaped: dropped.
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Text content escaped for XML; characters outside the encoding become character references. */
export function escapeXmlText(text: string, maxCodePoint: number): string {
  let out = text.replace(INVALID_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  if (maxCodePoint < 0x10ffff) {
    const re = maxCodePoint <= 0x7f ? /[^\u0000-\u007f]/gu : /[^\u0000-\u00ff]/gu;
    out = out.replace(re, (c) => `&#${c.codePointAt(0)};`);
  }
  return out;
}

/** A field name as an XML element name: invalid characters become `_`, a bad first character gets a `_` prefix. */
export function xmlName(name: string): string {
  let n = name.replace(/[^A-Za-z0-9_.\-\u00b7\u00c0-\ufffd]/g, '_');
  if (n === '' || !/^[A-Za-z_\u00c0-\ufffd]/.test(n) || /^xml/i.test(n)) n = '_' + n;
  return n;
}

/**
 * Scrapy's XmlItemExporter shape: `<items><item><field>value</field></item></items>`;
 * objects become nested elements, arrays repeat `<value>`. Each item starts on its own line
 * (after `\n` + one indent), which is how a resumed file finds its last whole item.
 */
export class XmlExporter implements ItemExporter {
  readonly #pad: string;
  constructor(private readonly options: ExporterOptions) {
    this.#pad = ' '.repeat(Math.max(0, options.indent));
  }
  header(): string {
    return `<?xml version="1.0" encoding="${this.options.encodingLabel}"?>\n<items>`;
  }
  item(item: PlainItem): string {
    const parts: string[] = ['\n', this.#pad, '<item>'];
    // A field holding undefined or null (a missing value) is an empty element, as Scrapy writes None's field.
    for (const [name, value] of fieldEntries(item, this.options.fields, false)) this.#field(parts, xmlName(name), value, 2);
    if (this.#pad) parts.push('\n', this.#pad);
    parts.push('</item>');
    return parts.join('');
  }
  footer(): string {
    return '\n</items>\n';
  }

  #field(parts: string[], name: string, value: unknown, depth: number): void {
    const indent = this.#pad ? '\n' + this.#pad.repeat(depth) : '';
    if (value instanceof Date) value = formatDate(value, this.options.datetimeFormat ?? 'iso', 'text');
    else if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
      value = (value as { toJSON(): unknown }).toJSON();
    }
    if (value instanceof Map) value = Object.fromEntries(value);
    if (value instanceof Set) value = [...value];
    parts.push(indent, '<', name, '>');
    if (Array.isArray(value)) {
      for (const v of value) this.#field(parts, 'value', v, depth + 1);
      if (value.length && indent) parts.push(indent);
    } else if (value !== null && typeof value === 'object') {
      const entries = Object.entries(value);
      for (const [k, v] of entries) this.#field(parts, xmlName(k), v, depth + 1);
      if (entries.length && indent) parts.push(indent);
    } else if (value !== null && value !== undefined) {
      parts.push(escapeXmlText(String(value), this.options.maxCodePoint));
    }
    parts.push('</', name, '>');
  }
}

function count(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}

async function reopenXml(file: FileHandle, size: number, path: string, options: ExporterOptions): Promise<ReopenResult> {
  const start = Buffer.from(`\n${' '.repeat(Math.max(0, options.indent))}<item>`);
  const result = await searchTail(file, size, (tail, offset, whole): ReopenResult | undefined => {
    const t = trimEnd(tail);
    const text = tail.toString('latin1', 0, t);
    if (text.endsWith('</items>')) {
      const before = trimEnd(tail, t - '</items>'.length);
      const hasItems = !tail.toString('latin1', 0, before).endsWith('<items>');
      return { truncateAt: offset + before, hasHeader: true, hasItems };
    }
    const s = tail.lastIndexOf(start, t);
    if (s >= 0) {
      // Tags are counted on the raw text: content escapes `<`, so only real tags match.
      const el = text.slice(s);
      if (el.endsWith('</item>') && count(el, '<item>') === count(el, '</item>')) {
        return { truncateAt: offset + t, hasHeader: true, hasItems: true };
      }
      return { truncateAt: offset + s, hasHeader: true, hasItems: true, repaired: `dropped a torn last item (${size - offset - s} bytes)` };
    }
    if (!whole) return undefined;
    const root = text.indexOf('<items>');
    if (root >= 0 && text.startsWith('<?xml')) {
      const end = root + '<items>'.length;
      return { truncateAt: end, hasHeader: true, hasItems: false, ...(end < size ? { repaired: `dropped ${size - end} bytes after <items>` } : {}) };
    }
    if (new XmlExporter(options).header().startsWith(text)) {
      return { truncateAt: 0, hasHeader: false, hasItems: false, repaired: `dropped a torn header (${size} bytes)` };
    }
    return undefined;
  });
  if (!result) {
    const head = (await readBytes(file, 0, Math.min(size, 60))).toString('utf8');
    throw new FeedResumeError(path, `cannot append to it: it is not an <items> XML feed (starts with ${JSON.stringify(head)}). Use -O to overwrite it or choose another file`);
  }
  return result;
}

export const XML_FORMAT: FeedFormat = {
  name: 'xml',
  aliases: [],
  create: (options) => new XmlExporter(options),
  reopen: reopenXml,
};
