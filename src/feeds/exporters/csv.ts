import type { FileHandle } from 'node:fs/promises';
import { FeedResumeError } from '../errors.js';
import { readBytes } from '../tail.js';
import type { ExporterOptions, FeedFormat, ItemExporter, PlainItem, ReopenResult } from './types.js';
import { declaredFields, formatDate, jsonReplacer, replaceUnencodable, type DatetimeFormat } from './values.js';

const NEEDS_QUOTES = /[",\r\n]/;

const isScalar = (v: unknown) => v === null || v === undefined || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' || v instanceof Date;

/**
 * One CSV cell, quoted like Python's csv module (QUOTE_MINIMAL). A list (or Set) of plain values
 * is joined with commas, as Scrapy's CsvItemExporter does (`humor,inspirational`); other objects
 * and lists holding objects become JSON. null and undefined are empty.
 */
export function csvCell(value: unknown, datetimeFormat: DatetimeFormat = 'iso'): string {
  let s: string;
  if (value === null || value === undefined) s = '';
  else if (typeof value === 'string') s = value;
  else if (value instanceof Date) s = formatDate(value, datetimeFormat, 'text') ?? '';
  else if ((Array.isArray(value) || value instanceof Set) && [...value].every(isScalar)) {
    s = [...value].map((v: unknown) => (v === null || v === undefined ? '' : v instanceof Date ? (formatDate(v, datetimeFormat, 'text') ?? '') : String(v))).join(',');
  } else if (typeof value === 'object') s = JSON.stringify(value, jsonReplacer(datetimeFormat)) ?? '';
  else s = String(value);
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A CSV record with Python's `\r\n` terminator; a lone empty cell is written `""` so the row is not blank. */
export function csvRow(cells: readonly unknown[], datetimeFormat: DatetimeFormat = 'iso'): string {
  if (cells.length === 1 && (cells[0] === '' || cells[0] === null || cells[0] === undefined)) return '""\r\n';
  return cells.map((c) => csvCell(c, datetimeFormat)).join(',') + '\r\n';
}

/**
 * CSV with a header line. Columns: `fields`, else the declared fields of the first item when
 * it is an `Item`, else its keys (later keys are not added: a CSV file has one header). Characters the encoding cannot hold become `?`.
 */
export class CsvExporter implements ItemExporter {
  #fields: string[] | null;
  #headerWritten = false;
  #replaced = 0;
  constructor(private readonly options: ExporterOptions) {
    this.#fields = options.fields ? [...options.fields] : null;
  }
  /** Characters replaced by `?` so far (the encoding could not hold them). */
  get replacedCount(): number {
    return this.#replaced;
  }
  /** The columns in use (null until the first item when no fields were given). */
  get fields(): readonly string[] | null {
    return this.#fields;
  }
  header(): string {
    return '';
  }
  item(item: PlainItem): string {
    let out = '';
    if (this.#fields === null) this.#fields = [...(declaredFields(item) ?? Object.keys(item))];
    if (!this.#headerWritten) {
      out += csvRow(this.#fields);
      this.#headerWritten = true;
    }
    const cells = new Array<unknown>(this.#fields.length);
    for (let i = 0; i < cells.length; i++) cells[i] = item[this.#fields[i]!];
    out += csvRow(cells, this.options.datetimeFormat);
    const r = replaceUnencodable(out, this.options.maxCodePoint);
    this.#replaced += r.replaced;
    return r.text;
  }
  footer(): string {
    return '';
  }
  resume(info: ReopenResult): void {
    if (!info.hasHeader) return;
    this.#headerWritten = true;
    if (this.#fields === null && info.fields) this.#fields = info.fields;
  }
}

/** Parses the first record of `text` (the header); null when it is not complete. */
export function parseFirstRecord(text: string): string[] | null {
  const cells: string[] = [];
  let cell = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else cell += c;
      i++;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else if (c === '\r' || c === '\n') {
      cells.push(cell);
      return cells;
    } else cell += c;
    i++;
  }
  return null;
}

/** Offset just past the last record terminator outside quotes (a full scan: only after a crash). */
async function lastRecordEnd(file: FileHandle, size: number): Promise<number> {
  let quoted = false;
  let last = 0;
  const chunk = 1024 * 1024;
  for (let pos = 0; pos < size; pos += chunk) {
    const buf = await readBytes(file, pos, Math.min(chunk, size - pos));
    for (let i = 0; i < buf.length; i++) {
      const b = buf[i];
      if (b === 0x22) quoted = !quoted;
      else if (b === 0x0a && !quoted) last = pos + i + 1;
    }
  }
  return last;
}

async function reopenCsv(file: FileHandle, size: number, path: string, options: ExporterOptions): Promise<ReopenResult> {
  const lastByte = await readBytes(file, size - 1, 1);
  // A record is written whole, so a file ending in a newline ends with a whole record.
  const end = lastByte[0] === 0x0a ? size : await lastRecordEnd(file, size);
  const repaired = end < size ? `dropped a torn last record (${size - end} bytes)` : undefined;
  if (end === 0) return { truncateAt: 0, hasHeader: false, hasItems: false, ...(repaired ? { repaired } : {}) };
  const head = (await readBytes(file, 0, Math.min(end, 1024 * 1024))).toString(options.encoding);
  const fields = parseFirstRecord(head);
  if (!fields) throw new FeedResumeError(path, 'cannot append to it: its header line is longer than 1 MB or not CSV. Use -O to overwrite it');
  return { truncateAt: end, hasHeader: true, hasItems: true, fields, ...(repaired ? { repaired } : {}) };
}

export const CSV_FORMAT: FeedFormat = {
  name: 'csv',
  aliases: [],
  create: (options) => new CsvExporter(options),
  reopen: reopenCsv,
};
