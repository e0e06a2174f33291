import { CSV_FORMAT } from './csv.js';
import { JSON_FORMAT } from './json.js';
import { JSONL_FORMAT } from './jsonl.js';
import type { FeedFormat } from './types.js';
import { XML_FORMAT } from './xml.js';

/** The built-in feed formats. */
export const FEED_FORMATS: readonly FeedFormat[] = [JSONL_FORMAT, JSON_FORMAT, CSV_FORMAT, XML_FORMAT];

/** The format named `name` (or one of its aliases), case-insensitive; undefined if none. */
export function findFormat(name: string): FeedFormat | undefined {
  const n = name.toLowerCase();
  return FEED_FORMATS.find((f) => f.name === n || f.aliases.includes(n));
}

/** "jsonl (jl, jsonlines), json, csv, xml": for error messages. */
export function formatNames(): string {
  return FEED_FORMATS.map((f) => (f.aliases.length ? `${f.name} (${f.aliases.join(', ')})` : f.name)).join(', ');
}
