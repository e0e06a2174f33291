import type { FileHandle } from 'node:fs/promises';
import type { DatetimeFormat } from './values.js';

/** A plain item as exporters see it: field name → value. */
export type PlainItem = Record<string, unknown>;

/** Options one exporter is built with (already validated). */
export interface ExporterOptions {
  /** Fields to export in this order; null: the item's own keys (csv: the first item's). */
  fields: string[] | null;
  /** Pretty-print indent (json, xml); 0: compact. */
  indent: number;
  /** Node encoding name the file is written in (utf8, latin1 or ascii). */
  encoding: BufferEncoding;
  /** Encoding name as written in an XML declaration. */
  encodingLabel: string;
  /** Highest code point the encoding can write; others are escaped or replaced. */
  maxCodePoint: number;
  /** How Dates are written (see formatDate). @default 'iso' */
  datetimeFormat?: DatetimeFormat;
}

/**
 * Turns items into text. An exporter is a pure formatter: the feed decides where the text
 * goes, so the same exporter serves files, stdout and resumed files.
 */
export interface ItemExporter {
  /** Text that opens a new, empty file (`[`, a CSV header is written with the first item). */
  header(): string;
  /** Text for one item; `first` is true when no item precedes it in the file. */
  item(item: PlainItem, first: boolean): string;
  /** Text that ends the file (`]`, `</items>`). */
  footer(): string;
  /** Called when continuing a file that already holds items (e.g. the CSV header it has). */
  resume?(info: ReopenResult): void;
}

/** What preparing an existing file for appending found. */
export interface ReopenResult {
  /** Length to truncate the file to before appending (drops the footer and any torn tail). */
  truncateAt: number;
  /** True when the file holds the format's header, so `header()` must not be written again. */
  hasHeader: boolean;
  /** True when the file already holds at least one item. */
  hasItems: boolean;
  /** Set when a torn tail was dropped: what and how many bytes, for a warning. */
  repaired?: string;
  /** CSV: the columns of the header found in the file. */
  fields?: string[];
}

/** One feed format: its names, how to build its exporter, how to continue its files. */
export interface FeedFormat {
  readonly name: string;
  /** Other names accepted for `format` and as file extensions. */
  readonly aliases: readonly string[];
  create(options: ExporterOptions): ItemExporter;
  /**
   * Inspects a non-empty file written in this format and says how to continue it: where
   * its footer or torn tail starts. Throws FeedResumeError when the file cannot be continued.
   */
  reopen(file: FileHandle, size: number, path: string, options: ExporterOptions): Promise<ReopenResult>;
}
