import { InvalidArgumentError, SerializationError } from '../errors.js';
import { Headers, type HeadersInit } from './headers.js';
import type { Response } from './response.js';

/** What a callback may give back: items and requests, as an async/sync iterable, an array, a promise, or nothing. */
export type CallbackResult =
  | AsyncIterable<unknown>
  | Iterable<unknown>
  | Promise<unknown>
  | void
  | undefined
  | null;

/** A spider callback: called with the response and the request's `cbKwargs`. */
export type Callback = (response: Response, kwargs: Record<string, any>) => CallbackResult;
/** Called when the request fails (network error, non-allowed status, ignored request). */
export type Errback = (failure: Failure) => CallbackResult;

/** What an errback receives: the error and the request that failed (and the response, for HTTP errors). */
export interface Failure {
  error: Error;
  request: Request;
  response?: Response;
}

/** Options of a Request: everything but the URL. */
export interface RequestOptions {
  method?: string;
  headers?: HeadersInit;
  /** A string is encoded as UTF-8. */
  body?: string | Uint8Array | null;
  /** Cookies to send (name → value), merged with the crawl's cookie jar. */
  cookies?: Record<string, string>;
  /** Free data carried with the request to its response; must be JSON-safe for JOBDIR/Redis. */
  meta?: Record<string, any>;
  /** Higher runs first. @default 0 */
  priority?: number;
  /** Skip the duplicate filter. @default false */
  dontFilter?: boolean;
  /** A spider method (or its name); default: the spider's `parse`. */
  callback?: Callback | string | null;
  errback?: Errback | string | null;
  /** Keyword arguments passed to the callback. */
  cbKwargs?: Record<string, any>;
  /** Labels shown in logs, e.g. 'cached', 'redirected'. */
  flags?: string[];
}

/** The JSON form of a request (JOBDIR, Redis). Callbacks are referenced by method name. */
export interface RequestJSON {
  url: string;
  method: string;
  headers: Record<string, string | string[]>;
  body: string | null;
  /** 'base64' when the body is binary. */
  bodyEncoding?: 'base64';
  cookies: Record<string, string>;
  meta: Record<string, any>;
  priority: number;
  dontFilter: boolean;
  callback: string | null;
  errback: string | null;
  cbKwargs: Record<string, any>;
  flags: string[];
  /** Class name for JsonRequest/FormRequest. */
  kind?: string;
}

const SCHEMES = /^(?:https?|file|data|ftp):/i;

/**
 * The URL the Request being constructed takes as it is, set only around that one constructor
 * call by requestOfParsedUrl: it is already the URL parser's output, and parsing it again
 * gives it back unchanged.
 */
let parsedUrl: string | null = null;

/**
 * `new Request(url, options)` for a URL that is the URL parser's output already (`new
 * URL(…).href` of an http, https or file URL): the constructor does not parse it again.
 * For code that has just resolved the URL, such as `followAll()`.
 */
export function requestOfParsedUrl(url: string, options: RequestOptions): Request {
  parsedUrl = url;
  try {
    return new Request(url, options);
  } finally {
    parsedUrl = null;
  }
}

/**
 * Every option name of `T`, as a set for checkOptionNames. Built from a record keyed by
 * `keyof T`, so adding an option to the interface does not compile until it is listed here too.
 */
export function optionNames<T>(names: Record<keyof T, true>): ReadonlySet<string> {
  return new Set(Object.keys(names));
}

/** The names `new Request(url, options)` understands. */
export const REQUEST_OPTION_NAMES = optionNames<RequestOptions>({
  method: true, headers: true, body: true, cookies: true, meta: true, priority: true, dontFilter: true, callback: true, errback: true, cbKwargs: true, flags: true,
});

/**
 * Throws InvalidArgumentError naming an option of `options` that is not in `known` (a Scrapy
 * spelling such as `dont_filter` or `cb_kwargs` is told its tscrapy name): an option that is
 * silently ignored changes what a spider does without a word.
 */
export function checkOptionNames(what: string | (() => string), options: object, known: ReadonlySet<string>): void {
  for (const key in options) {
    if (known.has(key)) continue;
    if (typeof what === 'function') what = what();
    const camel = key.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
    const near = [...known].find((k) => k.toLowerCase() === camel.toLowerCase());
    throw new InvalidArgumentError(
      `${what} got an unknown option "${key}"` + (near ? `; did you mean "${near}"?` : '') + `. Valid options: ${[...known].join(', ')}`,
    );
  }
}

/** An HTTP request to be scheduled and downloaded. Treat as immutable: use `replace()` for a changed copy. */
export class Request {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly body: Uint8Array | null;
  readonly meta: Record<string, any>;
  priority: number;
  readonly dontFilter: boolean;
  readonly callback: Callback | string | null;
  readonly errback: Errback | string | null;
  // Made on first use: requests wait in the scheduler by the thousand, mostly without any.
  #cookies: Record<string, string> | undefined;
  #cbKwargs: Record<string, any> | undefined;
  #flags: string[] | undefined;

  constructor(url: string, options: RequestOptions = {}) {
    this.url = url === parsedUrl ? url : Request.checkUrl(url);
    parsedUrl = null;
    checkOptionNames(() => `Request ${this.url}`, options, REQUEST_OPTION_NAMES);
    this.method = (options.method ?? 'GET').toUpperCase();
    // Like Scrapy, a request owns copies of the caller's containers: a start() that reuses one
    // meta object for each request (`meta.n = n`) must not see the last value in every callback.
    this.headers = new Headers(options.headers);
    const body = options.body;
    this.body = body == null ? null : typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    this.#cookies = options.cookies && { ...options.cookies };
    this.meta = options.meta ? { ...options.meta } : {};
    this.priority = options.priority ?? 0;
    this.dontFilter = options.dontFilter ?? false;
    this.callback = options.callback ?? null;
    this.errback = options.errback ?? null;
    this.#cbKwargs = options.cbKwargs && { ...options.cbKwargs };
    this.#flags = options.flags && [...options.flags];
  }

  /** Cookies to send (name → value), merged with the crawl's cookie jar. */
  get cookies(): Record<string, string> {
    return (this.#cookies ??= {});
  }

  /** Keyword arguments passed to the callback. */
  get cbKwargs(): Record<string, any> {
    return (this.#cbKwargs ??= {});
  }

  /** Labels shown in logs, e.g. 'cached', 'redirected'. */
  get flags(): string[] {
    return (this.#flags ??= []);
  }

  /** Validates an absolute URL and returns its normalised form. */
  static checkUrl(url: unknown): string {
    if (typeof url !== 'string') throw new InvalidArgumentError(`Request url must be a string, got ${typeof url}`);
    if (!SCHEMES.test(url)) {
      throw new InvalidArgumentError(
        `Request url must be absolute with a scheme (http://, https://, file://, data:), got ${JSON.stringify(url)}` +
          (url.includes('.') && !url.includes(':') ? `; did you mean "https://${url}"?` : ''),
      );
    }
    if (url.startsWith('data:')) return url;
    try {
      return new URL(url).href;
    } catch {
      throw new InvalidArgumentError(`Request url is not a valid URL: ${JSON.stringify(url)}`);
    }
  }

  /** The body as UTF-8 text. */
  get text(): string {
    return this.body ? Buffer.from(this.body).toString('utf8') : '';
  }

  /** A copy with some options changed. */
  replace(changes: RequestOptions & { url?: string } = {}): Request {
    const Ctor = this.constructor as typeof Request;
    const { url, ...options } = changes;
    return new Ctor(url ?? this.url, { ...this.options(), ...options });
  }

  /** The options this request was built with; the constructor copies them again. */
  protected options(): RequestOptions {
    return {
      method: this.method,
      headers: this.headers,
      body: this.body,
      cookies: this.#cookies,
      meta: this.meta,
      priority: this.priority,
      dontFilter: this.dontFilter,
      callback: this.callback,
      errback: this.errback,
      cbKwargs: this.#cbKwargs,
      flags: this.#flags,
    };
  }

  /**
   * The JSON form, with callbacks as method names of `spider`. Throws SerializationError naming
   * the request and the key when a callback is not a spider method or a value is not JSON-safe.
   */
  toJSON(spider?: object): RequestJSON {
    const body = this.body;
    let bodyText: string | null = null;
    let bodyEncoding: 'base64' | undefined;
    if (body) {
      const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
      const text = buf.toString('utf8');
      if (Buffer.byteLength(text) === buf.length && !text.includes('\ufffd')) bodyText = text;
      else {
        bodyText = buf.toString('base64');
        bodyEncoding = 'base64';
      }
    }
    const json: RequestJSON = {
      url: this.url,
      method: this.method,
      headers: this.headers.toObject(),
      body: bodyText,
      cookies: this.cookies,
      meta: checkJsonSafe(this, 'meta', this.meta),
      priority: this.priority,
      dontFilter: this.dontFilter,
      callback: methodName(this, 'callback', this.callback, spider),
      errback: methodName(this, 'errback', this.errback, spider),
      cbKwargs: checkJsonSafe(this, 'cbKwargs', this.cbKwargs),
      flags: this.flags,
    };
    if (bodyEncoding) json.bodyEncoding = bodyEncoding;
    if (this.constructor !== Request) json.kind = this.constructor.name;
    return json;
  }

  /** Rebuilds a request from `toJSON()` output; callbacks are looked up on `spider` by name. */
  static fromJSON(json: RequestJSON, spider?: object): Request {
    const resolve = (name: string | null, key: string) => {
      if (name === null) return null;
      const fn = spider ? (spider as Record<string, unknown>)[name] : undefined;
      if (typeof fn !== 'function') {
        throw new SerializationError(`Cannot restore ${key} "${name}" of request ${json.url}: the spider has no method of that name`);
      }
      return fn as Callback;
    };
    const body = json.body === null ? null : Buffer.from(json.body, json.bodyEncoding === 'base64' ? 'base64' : 'utf8');
    const Ctor = (json.kind && REQUEST_KINDS.get(json.kind)) || Request;
    return new Ctor(json.url, {
      method: json.method,
      headers: json.headers,
      body,
      cookies: json.cookies,
      meta: json.meta,
      priority: json.priority,
      dontFilter: json.dontFilter,
      callback: resolve(json.callback, 'callback'),
      errback: resolve(json.errback, 'errback') as Errback | null,
      cbKwargs: json.cbKwargs,
      flags: json.flags,
    });
  }

  toString(): string {
    return `<${this.method} ${this.url}>`;
  }
}

/** Request subclasses that `fromJSON` can rebuild, by class name. */
export const REQUEST_KINDS = new Map<string, typeof Request>();

function methodName(req: Request, key: string, fn: unknown, spider?: object): string | null {
  if (fn === null || fn === undefined) return null;
  if (typeof fn === 'string') return fn;
  if (spider && typeof fn === 'function') {
    for (let o: object | null = spider; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
      for (const name of Object.getOwnPropertyNames(o)) {
        if (name === 'constructor') continue;
        const d = Object.getOwnPropertyDescriptor(o, name);
        if (d && 'value' in d && d.value === fn) return name;
      }
    }
    // Bound methods (this.parse.bind(this)) are named "bound parse".
    const bound = /^bound (\w+)$/.exec((fn as { name: string }).name);
    if (bound && typeof (spider as Record<string, unknown>)[bound[1]!] === 'function') return bound[1]!;
  }
  throw new SerializationError(
    `Cannot serialize request ${req.url}: its ${key} is not a method of the spider; use a spider method or its name`,
  );
}

function checkJsonSafe<T>(req: Request, key: string, value: T): T {
  const bad = findUnserializable(value, key);
  if (bad) throw new SerializationError(`Cannot serialize request ${req.url}: ${bad}`);
  return value;
}

function findUnserializable(v: unknown, path: string, depth = 0): string | null {
  if (depth > 64) return `${path} is nested too deeply (a cycle?)`;
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return null;
  if (typeof v === 'number') return Number.isFinite(v) ? null : `${path} is ${v}, which JSON cannot hold`;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const r = findUnserializable(v[i], `${path}[${i}]`, depth + 1);
      if (r) return r;
    }
    return null;
  }
  if (typeof v === 'object') {
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) {
      return `${path} is a ${proto?.constructor?.name ?? 'object'}, which cannot be saved as JSON; store plain data`;
    }
    for (const [k, x] of Object.entries(v as object)) {
      const r = findUnserializable(x, `${path}.${k}`, depth + 1);
      if (r) return r;
    }
    return null;
  }
  return `${path} is a ${typeof v}, which cannot be saved as JSON; store plain data`;
}
