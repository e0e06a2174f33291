import type { Dispatcher } from 'undici';
import { ConnectionError, DownloadTimeoutError, MaxSizeExceededError, TscrapyError } from '../../errors.js';
import { Headers } from '../../http/headers.js';
import type { Request } from '../../http/request.js';
import { Response } from '../../http/response.js';
import type { Logger } from '../../logger.js';
import { BodyDecoder, parseContentEncoding, responseEncodings } from '../body-decoder.js';
import { DownloadFailedError } from '../errors.js';
import { maskUrl } from '../mask.js';

/** Limits of one exchange, from settings or the request's meta. */
export interface ExchangeLimits {
  /** Seconds for the whole download; 0: none. */
  timeout: number;
  /** Decoded bytes; 0: no limit. */
  maxSize: number;
  /** Decoded bytes; 0: never warn. */
  warnSize: number;
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * One request and its response over undici's dispatch handler API: headers, then body chunks
 * fed to a BodyDecoder, then a Response. Compared with `Dispatcher.request()`, it needs no body
 * stream, async iterator or AbortController per download; with 64 downloads in flight, that state
 * lived long enough to be promoted to the old generation, so this is both less CPU and less GC.
 *
 * It never pauses undici: a connection that closes right after the body (`Connection: close`)
 * makes undici 7 finish the message from the socket's `end` event, which asserts that the parser
 * is not paused and so crashes the process from a place nobody can catch. Chunks a zlib stream
 * has not inflated yet wait in the decoder instead, bounded by DOWNLOAD_MAXSIZE counted on the
 * bytes received (as Scrapy counts them) as well as on the decoded ones.
 * Every callback from undici runs under a last-resort catch: whatever goes wrong inside fails
 * this one request, never the crawl.
 */
export class HttpExchange implements Dispatcher.DispatchHandler {
  /** The response, or the download's error (typed: timeout, size, connection). */
  readonly response: Promise<Response>;
  readonly #request: Request;
  readonly #limits: ExchangeLimits;
  readonly #logger: Logger;
  readonly #started = performance.now();
  #resolve!: (response: Response) => void;
  #reject!: (err: Error) => void;
  #controller: Dispatcher.DispatchController | null = null;
  #timer: NodeJS.Timeout | null = null;
  #decoder: BodyDecoder | null = null;
  /** Settled: later events (undici reporting our own abort) are ignored. */
  #done = false;
  /** undici finished the response: it must not be aborted any more. */
  #ended = false;
  #warned = false;
  /** Body bytes received so far, before decoding. */
  #received = 0;

  constructor(request: Request, limits: ExchangeLimits, logger: Logger) {
    this.#request = request;
    this.#limits = limits;
    this.#logger = logger;
    this.response = new Promise<Response>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    if (limits.timeout > 0) {
      this.#timer = setTimeout(() => {
        this.#abort(new DownloadTimeoutError(`Getting ${request.url} took longer than ${limits.timeout} seconds (DOWNLOAD_TIMEOUT or meta.download_timeout)`));
      }, Math.ceil(limits.timeout * 1000));
    }
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    // Timed out while waiting for a connection.
    if (this.#done) controller.abort(new DownloadTimeoutError(`Getting ${this.#request.url}: timed out before it was sent`));
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, rawHeaders: Record<string, string | string[] | undefined>): void {
    if (this.#done) return;
    try {
      this.#start(statusCode, rawHeaders);
    } catch (err) {
      this.#internalError(err);
    }
  }

  #start(statusCode: number, rawHeaders: Record<string, string | string[] | undefined>): void {
    const request = this.#request;
    request.meta.download_latency = (performance.now() - this.#started) / 1000;
    const headers = toHeaders(rawHeaders);
    const what = `<${request.method} ${request.url}>`;
    const { maxSize, warnSize } = this.#limits;
    const declared = Number(headers.get('content-length') ?? NaN);
    if (maxSize > 0 && declared > maxSize) {
      this.#abort(
        new MaxSizeExceededError(
          `Cancelling download of ${what}: expected response size (${declared}) larger than the download max size (${maxSize}); raise DOWNLOAD_MAXSIZE or meta.download_maxsize to allow it`,
        ),
      );
      return;
    }
    if (warnSize > 0 && declared > warnSize) this.#warn(declared, true, what);
    const encodings = request.method === 'HEAD' ? [] : decodable(headers.get('content-encoding'), request.headers.get('accept-encoding'));
    const decoder = new BodyDecoder(encodings, { maxSize, warnSize, what, onWarnSize: (n) => this.#warn(n, false, what) }, declared);
    decoder.body.then(
      (body) => {
        try {
          if (encodings.length > 0) headers.delete('content-encoding');
          const response = new Response({ url: request.url, status: statusCode, headers, body, request, protocol: 'HTTP/1.1' });
          if (encodings.length > 0) responseEncodings.set(response, encodings);
          this.#settle(response, null);
        } catch (err) {
          this.#internalError(err);
        }
      },
      (err: Error) => this.#abort(err),
    );
    this.#decoder = decoder;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#done || !this.#decoder) return;
    try {
      this.#received += chunk.length;
      const maxSize = this.#limits.maxSize;
      if (maxSize > 0 && this.#received > maxSize) {
        this.#abort(
          new MaxSizeExceededError(
            `Cancelling download of <${this.#request.method} ${this.#request.url}>: received ${this.#received} bytes, larger than the download max size (${maxSize}); raise DOWNLOAD_MAXSIZE or meta.download_maxsize to allow it`,
          ),
        );
        return;
      }
      this.#decoder.write(chunk);
    } catch (err) {
      this.#internalError(err);
    }
  }

  onResponseEnd(): void {
    this.#ended = true;
    try {
      this.#decoder?.end();
    } catch (err) {
      this.#internalError(err);
    }
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    this.#ended = true;
    this.fail(err);
  }

  /** The last resort: an unexpected error in this exchange fails its request, never the crawl. */
  #internalError(err: unknown): void {
    const e = err instanceof Error ? err : new Error(String(err));
    this.#abort(new DownloadFailedError(`Getting ${maskUrl(this.#request.url)} failed inside tscrapy: ${e.message}`, { cause: e }));
    try {
      this.#logger.error(`Unexpected error downloading ${maskUrl(this.#request.url)}: ${e.stack ?? e.message}`);
    } catch {
      // Even the log failed: the request has failed already, and nothing here may throw.
    }
  }

  /** Fails the download with `err` and tells undici to stop it (closing the connection). */
  #abort(err: Error): void {
    if (this.#done) return;
    this.fail(err);
    if (this.#ended) return;
    try {
      this.#controller?.abort(err);
    } catch {
      // undici finished the exchange meanwhile: nothing is left to stop, and the request already failed.
    }
  }

  /** Fails the download with `err` (mapped to a typed error unless it is one). */
  fail(err: Error): void {
    if (this.#done) return;
    this.#decoder?.destroy(err);
    this.#settle(null, err instanceof TscrapyError ? err : mapError(err, this.#request));
  }

  #settle(response: Response | null, err: Error | null): void {
    if (this.#done) return;
    this.#done = true;
    if (this.#timer) clearTimeout(this.#timer);
    if (err) this.#reject(err);
    else this.#resolve(response!);
  }

  #warn(size: number, expected: boolean, what: string): void {
    if (this.#warned) return;
    this.#warned = true;
    const warnSize = this.#limits.warnSize;
    this.#logger.warn(
      expected
        ? `Expected response size (${size}) larger than the download warn size (${warnSize}) in request ${what}`
        : `Received more bytes (${size}) than the download warn size (${warnSize}) in request ${what}`,
    );
  }
}

/** The response's encodings when the request accepted all of them, else [] (body left as is). */
function decodable(contentEncoding: string | null, acceptEncoding: string | null): string[] {
  if (!contentEncoding || !acceptEncoding) return [];
  const encodings = parseContentEncoding(contentEncoding);
  if (!encodings || encodings.length === 0) return [];
  const accepted = acceptEncoding.toLowerCase();
  if (accepted.includes('*')) return encodings;
  return encodings.every((e) => accepted.includes(e === 'x-gzip' ? 'gzip' : e)) ? encodings : [];
}

function toHeaders(raw: Record<string, string | string[] | undefined>): Headers {
  const h = new Headers();
  for (const k in raw) {
    const v = raw[k];
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) h.append(k, x);
    else h.append(k, v);
  }
  return h;
}

/** undici's error as a ConnectionError or DownloadTimeoutError naming the (masked) URL and code. */
export function mapError(err: unknown, request: Request): Error {
  if (err instanceof TscrapyError) return err;
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e?.code ?? e?.cause?.code ?? 'UNKNOWN';
  const detail = e?.cause?.message && e.cause.message !== e.message ? `${e.message} (${e.cause.message})` : (e?.message ?? String(err));
  const where = maskUrl(request.url);
  if (TIMEOUT_CODES.has(code)) return new DownloadTimeoutError(`Getting ${where} timed out: ${detail} [${code}]`, { cause: err });
  return new ConnectionError(`Getting ${where} failed: ${detail} [${code}]`, { cause: err });
}
