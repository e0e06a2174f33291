import { InvalidArgumentError } from '../errors.js';
import { pythonJsonDumps, type JsonDumpsOptions } from './python-json.js';
import { REQUEST_KINDS, Request, type RequestOptions } from './request.js';

/** Options of a JsonRequest: a Request's, plus the data to send as JSON. */
export interface JsonRequestOptions extends RequestOptions {
  /**
   * Sent as the JSON body, written as Scrapy writes it (sorted keys, `", "` and `": "`
   * separators, non-ASCII escaped; see `dumpsKwargs`); makes the method POST unless one is
   * given. Ignored when `body` is given too.
   */
  data?: unknown;
  /**
   * How `data` is written (Scrapy's `dumps_kwargs`). `{ separators: [',', ':'], sortKeys: false,
   * ensureAscii: false }` gives `JSON.stringify`'s compact form.
   * @default { sortKeys: true, separators: [', ', ': '], ensureAscii: true }
   */
  dumpsKwargs?: JsonDumpsOptions;
}

const ACCEPT = 'application/json, text/javascript, */*; q=0.01';

/**
 * A request with a JSON body and JSON headers (Scrapy's JsonRequest): Content-Type and Accept
 * are `application/json` unless set, and `data` becomes the body.
 *
 * ```ts
 * new JsonRequest('https://api.example.com/search', { data: { q: 'shoes', page: 2 } }); // POST
 * ```
 */
export class JsonRequest extends Request {
  /** How `data` is written; kept for `replace({ data })`. */
  readonly dumpsKwargs: JsonDumpsOptions | undefined;

  constructor(url: string, options: JsonRequestOptions = {}) {
    super(url, withJsonBody(url, options));
    this.dumpsKwargs = options.dumpsKwargs;
    this.headers.setDefault('Content-Type', 'application/json');
    this.headers.setDefault('Accept', ACCEPT);
  }

  /** A copy with some options changed; `data` replaces the body (unless `body` is given). */
  override replace(changes: JsonRequestOptions & { url?: string } = {}): JsonRequest {
    const dumpsKwargs = changes.dumpsKwargs ?? this.dumpsKwargs;
    if (changes.data !== undefined && changes.body == null) {
      const { data, ...rest } = changes;
      return super.replace({ ...rest, dumpsKwargs, body: stringify(changes.url ?? this.url, data, dumpsKwargs) } as JsonRequestOptions) as JsonRequest;
    }
    return super.replace({ ...changes, dumpsKwargs } as JsonRequestOptions) as JsonRequest;
  }
}

function withJsonBody(url: string, options: JsonRequestOptions): RequestOptions {
  const { data, dumpsKwargs, ...rest } = options;
  if (data === undefined || rest.body != null) return rest;
  return { ...rest, body: stringify(url, data, dumpsKwargs), method: rest.method ?? 'POST' };
}

function stringify(url: string, data: unknown, dumpsKwargs: JsonDumpsOptions | undefined): string {
  try {
    const s = pythonJsonDumps(data, dumpsKwargs);
    if (s === undefined) throw new Error(`${typeof data} has no JSON form`);
    return s;
  } catch (e) {
    throw new InvalidArgumentError(`JsonRequest ${url}: data cannot be sent as JSON (${(e as Error).message})`, { cause: e });
  }
}

REQUEST_KINDS.set('JsonRequest', JsonRequest);
