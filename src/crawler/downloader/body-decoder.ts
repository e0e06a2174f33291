import { Transform, type TransformCallback } from 'node:stream';
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
  #warned = false;
  constructor(private readonly limits: BodyLimits) {}

  add(chunk: Buffer): void {
    this.size += chunk.length;
    const { maxSize, warnSize } = this.limits;
    if (maxSize > 0 && this.size > maxSize) {
      throw new MaxSizeExceededError(
        `Cancelling download of ${this.limits.what}: received ${this.size} bytes (decoded), larger than the download max size (${maxSize}); raise DOWNLOAD_MAXSIZE or meta.download_maxsize to allow it`,
      );
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
 * Takes a body chunk by chunk as it arrives and decodes `encodings` (in the order they were
 * applied, so undone in reverse), counting `limits` on the decoded bytes: a gzip bomb stops at
 * the limit. A compressed body of known small size is decoded in one call once complete; others
 * go through zlib streams as they arrive. Push-based, so that a download needs no stream of its
 * own: undici's dispatch handler feeds it.
 */
export class BodyDecoder {
  /** The decoded body; rejects as soon as decoding fails or the body passes the limit. */
  readonly body: Promise<Buffer>;
  readonly #encodings: readonly string[];
  readonly #limits: BodyLimits;
  readonly #guard: SizeGuard;
  /** The zlib streams of a body decoded as it arrives, first to last; null otherwise. */
  readonly #streams: Transform[] | null = null;
  #resolve!: (body: Buffer) => void;
  #reject!: (err: Error) => void;
  #settled = false;

  constructor(
    encodings: readonly string[],
    limits: BodyLimits,
    /** Content-Length, when declared: small compressed bodies are then decoded in one call. */
    declaredLength = NaN,
  ) {
    this.#encodings = encodings;
    this.#limits = limits;
    this.body = new Promise<Buffer>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // A failed download may never read the body: its rejection must not be reported as unhandled.
    this.body.catch(() => undefined);
    if (encodings.length === 0) {
      this.#guard = new SizeGuard(limits);
    } else if (declaredLength <= ONE_SHOT_MAX_COMPRESSED) {
      this.#guard = new SizeGuard({ ...limits, warnSize: 0, maxSize: ONE_SHOT_MAX_COMPRESSED + 1 });
    } else {
      this.#guard = new SizeGuard(limits);
      const streams = [...encodings].reverse().map(decoderFor);
      for (let i = 0; i < streams.length; i++) {
        const s = streams[i]!;
        s.on('error', (err) => this.#fail(err));
        if (i + 1 < streams.length) s.pipe(streams[i + 1]!);
      }
      const last = streams[streams.length - 1]!;
      last.on('data', (chunk: Buffer) => this.#add(chunk));
      last.on('end', () => this.#succeed(this.#guard.result()));
      this.#streams = streams;
    }
  }

  /**
   * Takes the next chunk of the body as it came. Chunks a zlib stream has not inflated yet wait
   * in it: the caller counts the bytes it feeds (see HttpExchange) rather than pausing its source.
   */
  write(chunk: Buffer): void {
    if (this.#settled) return;
    if (this.#streams) this.#streams[0]!.write(chunk);
    else this.#add(chunk);
  }

  /** The body is complete. */
  end(): void {
    if (this.#settled) return;
    if (this.#streams) {
      this.#streams[0]!.end();
    } else if (this.#encodings.length === 0) {
      this.#succeed(this.#guard.result());
    } else {
      decodeWhole(this.#guard.result(), this.#encodings, this.#limits).then(
        (body) => this.#succeed(body),
        (err: Error) => this.#fail(err),
      );
    }
  }

  /** Stops decoding: the download failed. */
  destroy(err: Error): void {
    this.#fail(err);
  }

  #add(chunk: Buffer): void {
    try {
      this.#guard.add(chunk);
    } catch (err) {
      this.#fail(err as Error);
    }
  }

  #succeed(body: Buffer): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#resolve(body);
  }

  #fail(err: Error): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#guard.chunks.length = 0;
    for (const s of this.#streams ?? []) s.destroy();
    this.#reject(err);
  }
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
