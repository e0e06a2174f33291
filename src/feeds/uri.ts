import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FeedConfigError } from './errors.js';

/** Python-style `%(name)s` / `%(batch_id)05d` placeholders, and `%%` for a literal `%`. */
const PLACEHOLDER = /%(?:%|\((\w+)\)([-#0 +]*)(\d*)(?:\.(\d+))?([sdif]))/g;

/** Placeholders every feed URI may use; any other name must be an attribute of the spider. */
export const BUILTIN_PLACEHOLDERS = ['name', 'time', 'batch_id', 'batch_time'] as const;

/** Where a feed goes once its URI is rendered. */
export type FeedTarget = { kind: 'stdout' } | { kind: 'file'; path: string };

/** Names of the placeholders in `uri`; throws on a malformed `%(`. */
export function placeholdersOf(uri: string): string[] {
  const names: string[] = [];
  const rest = uri.replace(PLACEHOLDER, (m: string, name: string | undefined) => {
    if (name) names.push(name);
    return '';
  });
  const bad = rest.indexOf('%(');
  if (bad >= 0) {
    throw new FeedConfigError(
      uri,
      `malformed placeholder near ${JSON.stringify(rest.slice(bad, bad + 20))}; write %(name)s, %(time)s, %(batch_id)d, %(batch_id)05d, %(batch_time)s or %(spider_attribute)s (%% for a literal %)`,
    );
  }
  return names;
}

/** True when the URI names a per-batch file (needed with a batch item count). */
export function hasBatchPlaceholder(uri: string): boolean {
  return placeholdersOf(uri).some((n) => n === 'batch_id' || n === 'batch_time');
}

/** Scrapy's `%(time)s`: UTC, seconds, filesystem-safe (`2026-01-02T03-04-05+00-00`). */
export function feedTime(d: Date): string {
  return d.toISOString().slice(0, 19).replace(/:/g, '-') + '+00-00';
}

/** Scrapy's `%(batch_time)s`: like `%(time)s` with microseconds (`2026-01-02T03-04-05.123456+00-00`). */
export function feedBatchTime(d: Date, micros = 0): string {
  const ms = String(d.getUTCMilliseconds()).padStart(3, '0');
  return `${d.toISOString().slice(0, 19).replace(/:/g, '-')}.${ms}${String(micros % 1000).padStart(3, '0')}+00-00`;
}

function pad(s: string, flags: string, width: string, zeroOk: boolean): string {
  const w = width ? Number(width) : 0;
  if (s.length >= w) return s;
  if (flags.includes('-')) return s.padEnd(w, ' ');
  if (zeroOk && flags.includes('0')) {
    const neg = s.startsWith('-');
    return (neg ? '-' : '') + s.slice(neg ? 1 : 0).padStart(neg ? w - 1 : w, '0');
  }
  return s.padStart(w, ' ');
}

/**
 * Fills the placeholders of `uri` from `params`, then from `spider` attributes. Throws a
 * FeedConfigError naming the URI for unknown names, malformed placeholders or a value that
 * does not fit its conversion (`%(x)d` with a non-number).
 */
export function renderUri(uri: string, params: Record<string, unknown>, spider: object | null): string {
  placeholdersOf(uri);
  return uri.replace(PLACEHOLDER, (m: string, name: string | undefined, flags: string, width: string, precision: string | undefined, conv: string) => {
    if (!name) return '%';
    let value: unknown;
    if (Object.prototype.hasOwnProperty.call(params, name)) value = params[name];
    else if (spider && name in spider && typeof (spider as Record<string, unknown>)[name] !== 'function') {
      value = (spider as Record<string, unknown>)[name];
    } else {
      throw new FeedConfigError(
        uri,
        `unknown placeholder %(${name})${conv}: use one of ${BUILTIN_PLACEHOLDERS.map((n) => `%(${n})`).join(', ')} or the name of a spider attribute (the spider has no attribute "${name}")`,
      );
    }
    if (value instanceof Date) value = feedTime(value);
    if (value === undefined || value === null || (typeof value === 'object')) {
      throw new FeedConfigError(uri, `placeholder %(${name})${conv}: the spider attribute "${name}" is ${value === null ? 'null' : typeof value}, not a string or number`);
    }
    if (conv === 's') return pad(String(value), flags, width, false);
    const n = typeof value === 'number' ? value : Number(value);
    if (!Number.isFinite(n)) {
      throw new FeedConfigError(uri, `placeholder %(${name})${conv} needs a number, got ${JSON.stringify(value)}`);
    }
    const s = conv === 'f' ? n.toFixed(precision ? Number(precision) : 6) : String(Math.trunc(n));
    return pad(s, flags, width, true);
  });
}

/** The target of a rendered URI: `-` and `stdout:` are stdout; paths and `file://` URIs are files. */
export function parseTarget(uri: string, rendered: string, cwd = process.cwd()): FeedTarget {
  if (rendered === '-' || rendered === 'stdout:' || rendered === 'stdout://') return { kind: 'stdout' };
  if (rendered.startsWith('file://')) {
    const rest = rendered.slice('file://'.length);
    if (rest.startsWith('/')) {
      try {
        return { kind: 'file', path: fileURLToPath(rendered) };
      } catch (err) {
        throw new FeedConfigError(uri, `invalid file URI ${JSON.stringify(rendered)}: ${(err as Error).message}`);
      }
    }
    return { kind: 'file', path: resolve(cwd, decodeURIComponent(rest)) };
  }
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(rendered);
  // One letter is a Windows drive (C:\...), not a scheme.
  if (scheme && scheme[1]!.length > 1) {
    throw new FeedConfigError(uri, `unsupported storage "${scheme[1]}:"; use a file path, a file:// URI, "-" / "stdout:" for standard output, or a scheme of FEED_STORAGES (s3://bucket/key)`);
  }
  if (rendered === '') throw new FeedConfigError(uri, 'the URI is empty');
  return { kind: 'file', path: isAbsolute(rendered) ? rendered : resolve(cwd, rendered) };
}
