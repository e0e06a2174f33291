import { InvalidArgumentError } from '../crawler/errors.js';
import type { FeedOptions } from '../crawler/settings/defaults.js';
import type { Settings } from '../crawler/settings/settings.js';
import { FeedConfigError } from './errors.js';
import { findFormat, formatNames } from './exporters/registry.js';
import type { ExporterOptions, FeedFormat } from './exporters/types.js';
import { hasBatchPlaceholder, placeholdersOf } from './uri.js';
import { DATETIME_FORMATS, type DatetimeFormat } from './exporters/values.js';

/** One feed with its options resolved against the FEED_EXPORT_* settings and checked. */
export interface FeedConfig extends ExporterOptions {
  /** The URI as configured (placeholders unrendered); it names the feed in messages and state. */
  readonly uri: string;
  readonly format: FeedFormat;
  /** Truncate when the job starts fresh (`-O`) instead of appending (`-o`). */
  readonly overwrite: boolean;
  /** Items per file; 0: one file. */
  readonly batchItemCount: number;
}

/** Encodings a feed can be written in: ASCII-compatible ones, so resuming can find record ends. */
const ENCODINGS: Record<string, { node: BufferEncoding; label: string; max: number }> = {
  utf8: { node: 'utf8', label: 'utf-8', max: 0x10ffff },
  latin1: { node: 'latin1', label: 'ISO-8859-1', max: 0xff },
  iso88591: { node: 'latin1', label: 'ISO-8859-1', max: 0xff },
  l1: { node: 'latin1', label: 'ISO-8859-1', max: 0xff },
  ascii: { node: 'latin1', label: 'US-ASCII', max: 0x7f },
  usascii: { node: 'latin1', label: 'US-ASCII', max: 0x7f },
};

function resolveEncoding(uri: string, raw: unknown): { node: BufferEncoding; label: string; max: number } {
  const key = String(raw ?? 'utf-8').toLowerCase().replace(/[-_\s]/g, '');
  const enc = ENCODINGS[key];
  if (!enc) throw new FeedConfigError(uri, `unsupported encoding ${JSON.stringify(raw)}; use utf-8, latin1 (iso-8859-1) or ascii`);
  return enc;
}

function nonNegativeInt(uri: string, name: string, raw: unknown): number {
  const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    throw new FeedConfigError(uri, `${name} must be a whole number ≥ 0, got ${JSON.stringify(raw)}`);
  }
  return n;
}

function fieldList(uri: string, name: string, raw: unknown): string[] | null {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'string') return raw.split(',').map((s) => s.trim()).filter(Boolean);
  if (Array.isArray(raw) && raw.every((f) => typeof f === 'string')) return [...raw];
  throw new FeedConfigError(uri, `${name} must be a list of field names, got ${JSON.stringify(raw)}`);
}

/** The format named by `format`, else guessed from the URI's file extension. */
export function resolveFormat(uri: string, format: unknown): FeedFormat {
  if (format !== undefined && format !== null && format !== '') {
    const f = findFormat(String(format));
    if (!f) throw new FeedConfigError(uri, `unknown format ${JSON.stringify(format)}; valid formats: ${formatNames()}`);
    return f;
  }
  const base = uri.replace(/[?#].*$/, '').split(/[/\\]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  const ext = dot > 0 ? base.slice(dot + 1) : '';
  const f = ext ? findFormat(ext) : undefined;
  if (!f) {
    throw new FeedConfigError(
      uri,
      `no format given and none can be guessed from ${ext ? `the extension ".${ext}"` : 'the URI'}; set "format" (or -o FILE:FORMAT) to one of: ${formatNames()}`,
    );
  }
  return f;
}

/** The FEEDS setting as uri → options (an object, or a JSON string from `-s FEEDS=…`). */
export function readFeedsSetting(settings: Settings): Record<string, FeedOptions> {
  const feeds = settings.getDict<FeedOptions>('FEEDS');
  for (const [uri, opts] of Object.entries(feeds)) {
    if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) {
      throw new FeedConfigError(uri, `options must be an object such as {"format": "jsonl"}, got ${JSON.stringify(opts)}`);
    }
  }
  return feeds;
}

/** Resolves one feed's options against the FEED_EXPORT_* settings; throws FeedConfigError. */
export function resolveFeed(uri: string, options: FeedOptions, settings: Settings): FeedConfig {
  const o = options as FeedOptions & Record<string, unknown>;
  placeholdersOf(uri);
  const format = resolveFormat(uri, o.format);
  const enc = resolveEncoding(uri, o.encoding ?? settings.get('FEED_EXPORT_ENCODING') ?? 'utf-8');
  const fields = fieldList(uri, 'fields', o.fields) ?? fieldList(uri, 'FEED_EXPORT_FIELDS', settings.get('FEED_EXPORT_FIELDS'));
  const indent = nonNegativeInt(uri, 'indent', o.indent ?? settings.get('FEED_EXPORT_INDENT') ?? 0);
  const datetimeFormat = datetimeFormatOf(uri, o.datetimeFormat ?? o['datetime_format'] ?? settings.get('FEED_EXPORT_DATETIME_FORMAT') ?? 'iso');
  const batchItemCount = nonNegativeInt(
    uri,
    'batchItemCount',
    o.batchItemCount ?? o['batch_item_count'] ?? settings.get('FEED_EXPORT_BATCH_ITEM_COUNT') ?? 0,
  );
  if (batchItemCount > 0 && !hasBatchPlaceholder(uri)) {
    throw new FeedConfigError(
      uri,
      `batchItemCount is ${batchItemCount} (a new file every ${batchItemCount} items) but the URI has no %(batch_id)d or %(batch_time)s placeholder, so every batch would overwrite the same file; add one, e.g. items-%(batch_id)05d.${format.name}`,
    );
  }
  return {
    uri,
    format,
    overwrite: o.overwrite === true || (o.overwrite as unknown) === 'true',
    fields,
    indent,
    encoding: enc.node,
    encodingLabel: enc.label,
    maxCodePoint: enc.max,
    datetimeFormat,
    batchItemCount,
  };
}

function datetimeFormatOf(uri: string, value: unknown): DatetimeFormat {
  if ((DATETIME_FORMATS as readonly unknown[]).includes(value)) return value as DatetimeFormat;
  throw new FeedConfigError(uri, `datetimeFormat (FEED_EXPORT_DATETIME_FORMAT) must be one of ${DATETIME_FORMATS.join(', ')}, got ${JSON.stringify(value)}`);
}

/**
 * FEEDS entries for `-o VALUE` (append) or `-O VALUE` (overwrite): `FILE`, `FILE:FORMAT`,
 * `-:FORMAT` for stdout. The format comes from `:FORMAT` when that names a format, else from
 * the file's extension. Throws InvalidArgumentError naming the value when there is none.
 */
export function feedsFromCliOption(value: string, overwrite: boolean): Record<string, FeedOptions> {
  const flag = overwrite ? '-O' : '-o';
  let uri = value;
  let format: string | undefined;
  const colon = value.lastIndexOf(':');
  if (colon > 0) {
    const suffix = value.slice(colon + 1);
    if (findFormat(suffix)) {
      uri = value.slice(0, colon);
      format = findFormat(suffix)!.name;
    }
  }
  if (uri === '-') uri = 'stdout:';
  if (!format) {
    if (uri === 'stdout:') {
      throw new InvalidArgumentError(`${flag} ${value}: say which format to write to stdout, e.g. ${flag} -:jsonl (formats: ${formatNames()})`);
    }
    try {
      format = resolveFormat(uri, undefined).name;
    } catch {
      throw new InvalidArgumentError(
        `${flag} ${value}: cannot tell the format from the file name; add it as ${flag} ${value}:FORMAT with one of: ${formatNames()}`,
      );
    }
  }
  return { [uri]: { format, overwrite } };
}

/** FEEDS entries for several `-o`/`-O` values, in order (a later value for the same URI wins). */
export function feedsFromCliOptions(append: readonly string[], overwrite: readonly string[]): Record<string, FeedOptions> {
  return Object.assign({}, ...append.map((v) => feedsFromCliOption(v, false)), ...overwrite.map((v) => feedsFromCliOption(v, true))) as Record<string, FeedOptions>;
}
