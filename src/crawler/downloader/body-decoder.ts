import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import buffer from 'node:buffer';
import zlib from 'node:zlib';
import { MaxSizeExceededError } from '../errors.js';

/** Content-Encodings the downloader decodes (zstd is not in Node 20's zlib). */
export const SUPPORTED_ENCODINGS: ReadonlySet<string> = new Set(['gzip', 'x-gzip', 'deflate', 'br']);

/** Size limits of one body, counted on the decoded bytes. 0 disables a limit. */
export interface BodyLimits {
  maxSize: number;
  warnSize: number;
  /** Names the request in messages. */
  what: string;
  /** Called once when the body passes `warnSize`. */
  onWarnSize(size: number): void;
}

// Lenient like browsers: a truncated final block still yields what arrived.
const ZLIB_OPTS = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };

/**
 * "deflate" is meant to be zlib-wrapped (RFC 9110) but some servers send raw deflate;
 * the first byte tells which (0x?8 is a zlib header's compression method), as Scrapy does.
 */
class AutoInflate extends Transform {
  #inner: zlib.Inflate | zlib.InflateRaw | null = null;

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    if (!this.#inner) {
      const inner = (chunk[0]! & 0x0f) === 8 ? zlib.createInflate(ZLIB_OPTS) : zlib.createInflateRaw(ZLIB_OPTS);
      inner.on('data', (d: Buffer) => this.push(d));
      inner.on('error', (e) => this.destroy(e));
      this.#inner = inner;
    }
    this.#inner.write(chunk, () => cb());
  }

  override _flush(cb: TransformCallback): void {
    if (!this.#inner) return cb();
    this.#inner.once('end', () => cb());
    this.#inner.end();
  }

  override _destroy(err: Error | null, cb: (error?: Error | null) => void): void {
    this.#inner?.destroy();
    cb(err);
  }
}

function decoderFor(encoding: string): Transform {
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip(ZLIB_OPTS);
    case 'deflate':
      return new AutoInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      throw new TypeError(`no decoder for Content-Encoding ${encoding}`);
  }
}

/** Counts bytes and throws as soon as `limits.maxSize` is passed, so a download stops there. */
class SizeGuard {
  readonly chunks: Buffer[] = [];
  size = 0;
  /** The limit error, kept because pipeline() may report the stream teardown's AbortError instead. */
  error: Error | null = null;
  #warned = false;
  constructor(private readonly limits: BodyLimits) {}

  add(chunk: Buffer): void {
    this.size += chunk.length;
    const { maxSize, warnSize } = this.limits;
    if (maxSize > 0 && this.size > maxSize) {
      this.error = new MaxSizeExceededError(
        `Cancelling download of ${this.limits.what}: received ${this.size} bytes (decoded), larger than the download max size (${maxSize}); raise DOWNLOAD_MAXSIZE or meta.download_maxsize to allow it`,
      );
      throw this.error;
    }
    if (warnSize > 0 && !this.#warned && this.size > warnSize) {
      this.#warned = true;
      this.limits.onWarnSize(this.size);
    }
    this.chunks.push(chunk);
  }

  result(): Buffer {
    return this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size);
  }
}

/** Compressed bodies up to this size (known from Content-Length) are decoded in one call. */
export const ONE_SHOT_MAX_COMPRESSED = 256 * 1024;

/**
 * Bodies are first inflated synchronously up to this decoded size: for a page that is several
 * times cheaper in CPU than a round trip through the thread pool (measured: −8% of a crawl's
 * CPU), and short enough (a millisecond or two) not to hold up the event loop. Larger bodies
 * start over in the thread pool.
 */
export const SYNC_MAX_DECODED = 1024 * 1024;

function inflateSync(encoding: string, data: Buffer, maxOutputLength: number): Buffer {
  if (encoding === 'br') return zlib.brotliDecompressSync(data, { maxOutputLength });
  const opts = { ...ZLIB_OPTS, maxOutputLength };
  if (encoding === 'deflate') return ((data[0]! & 0x0f) === 8 ? zlib.inflateSync : zlib.inflateRawSync)(data, opts);
  return zlib.gunzipSync(data, opts);
}

function inflateInPool(encoding: string, data: Buffer, maxOutputLength: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const cb = (err: Error | null, out: Buffer) => (err ? reject(err) : resolve(out));
    const opts = { ...ZLIB_OPTS, maxOutputLength };
    if (encoding === 'br') zlib.brotliDecompress(data, { maxOutputLength }, cb);
    else if (encoding === 'deflate') ((data[0]! & 0x0f) === 8 ? zlib.inflate : zlib.inflateRaw)(data, opts, cb);
    else zlib.gunzip(data, opts, cb);
  });
}

/** Inflates `data` (one encoding), synchronously when it decodes to at most SYNC_MAX_DECODED. */
async function inflateOnce(encoding: string, data: Buffer, maxOutputLength: number): Promise<Buffer> {
  const syncCap = Math.min(maxOutputLength, SYNC_MAX_DECODED);
  try {
    return inflateSync(encoding, data, syncCap);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_BUFFER_TOO_LARGE' || syncCap === maxOutputLength) throw err;
  }
  return inflateInPool(encoding, data, maxOutputLength);
}

/**
 * Decodes a small compressed body already in memory with one zlib call per encoding: several
 * times cheaper than a stream pipeline for typical pages, and still
 * bomb-proof, because `maxOutputLength` stops inflating just past the limit.
 */
async function decodeWhole(data: Buffer, encodings: readonly string[], limits: BodyLimits): Promise<Buffer> {
  const cap = limits.maxSize > 0 ? limits.maxSize + 1 : buffer.constants.MAX_LENGTH;
  let out = data;
  for (let i = encodings.length - 1; i >= 0; i--) {
    try {
      out = out.length === 0 ? out : await inflateOnce(encodings[i]!, out, cap);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new MaxSizeExceededError(
          `Cancelling download of ${limits.what}: more than ${limits.maxSize} bytes once decoded, larger than the download max size; raise DOWNLOAD_MAXSIZE or meta.download_maxsize to allow it`,
        );
      }
      throw err;
    }
  }
  if (limits.warnSize > 0 && out.length > limits.warnSize) limits.onWarnSize(out.length);
  return out;
}

/**
 * Reads `source` fully, decoding `encodings` (in the order they were applied, so undone in
 * reverse) as a stream. undici counts `maxResponseSize` before decoding and `request()` does
 * not decode, so the cap is enforced here on decoded bytes: a gzip bomb stops at the limit.
 */
export async function readBody(
  source: Readable,
  encodings: readonly string[],
  limits: BodyLimits,
  /** Content-Length, when declared: small compressed bodies are then decoded in one call. */
  declaredLength = NaN,
): Promise<Buffer> {
  if (encodings.length > 0 && declaredLength <= ONE_SHOT_MAX_COMPRESSED) {
    const raw = await readBody(source, [], { ...limits, warnSize: 0, maxSize: ONE_SHOT_MAX_COMPRESSED + 1 });
    return decodeWhole(raw, encodings, limits);
  }
  const guard = new SizeGuard(limits);
  if (encodings.length === 0) {
    try {
      for await (const chunk of source) guard.add(chunk as Buffer);
    } catch (err) {
      source.on('error', () => undefined).destroy();
      throw err;
    }
    return guard.result();
  }
  const decoders = [...encodings].reverse().map(decoderFor);
  const streams: unknown[] = [
    source,
    ...decoders,
    async function collect(decoded: AsyncIterable<Buffer>) {
      for await (const chunk of decoded) guard.add(chunk);
    },
  ];
  try {
    await (pipeline as (...s: unknown[]) => Promise<void>)(...streams);
  } catch (err) {
    throw guard.error ?? err;
  }
  return guard.result();
}

/**
 * The encodings of a Content-Encoding header (`gzip, br` → ['gzip', 'br']), without identity.
 * Null when one is unknown: the body is then left as it came.
 */
export function parseContentEncoding(header: string | null): string[] | null {
  if (!header) return [];
  const out: string[] = [];
  for (const part of header.split(',')) {
    const e = part.trim().toLowerCase();
    if (e === '' || e === 'identity') continue;
    if (!SUPPORTED_ENCODINGS.has(e)) return null;
    out.push(e);
  }
  return out;
}

/**
 * The Content-Encodings a handler undid for a response (its header is removed after decoding,
 * as Scrapy does); HttpCompressionMiddleware reads it for its stats.
 */
export const responseEncodings = new WeakMap<object, readonly string[]>();
