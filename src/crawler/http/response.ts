import { Headers, type HeadersInit } from './headers.js';
import { Request, type RequestOptions } from './request.js';

export interface ResponseInit {
  url: string;
  /** @default 200 */
  status?: number;
  headers?: HeadersInit;
  /** The decoded (decompressed) body. */
  body?: Uint8Array;
  /** The request this answers (after redirects: the last one). */
  request: Request;
  /** Labels shown in logs, e.g. 'cached'. */
  flags?: string[];
  /** The server's address, when known. */
  ip?: string;
  /** e.g. 'HTTP/1.1'. */
  protocol?: string;
}

const EMPTY = new Uint8Array(0);

/** A downloaded response. Text decoding and parsing happen lazily, once, on first use. */
export class Response {
  readonly url: string;
  readonly status: number;
  readonly headers: Headers;
  readonly body: Uint8Array;
  readonly request: Request;
  readonly flags: string[];
  readonly ip: string | undefined;
  readonly protocol: string | undefined;

  constructor(init: ResponseInit) {
    this.url = init.url;
    this.status = init.status ?? 200;
    this.headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers);
    this.body = init.body ?? EMPTY;
    this.request = init.request;
    this.flags = init.flags ?? [];
    this.ip = init.ip;
    this.protocol = init.protocol;
  }

  /** The request's meta (shared object: what a middleware writes, the callback reads). */
  get meta(): Record<string, any> {
    return this.request.meta;
  }

  /** Resolves `url` against this response's URL (or its `<base href>`). */
  urljoin(url: string): string {
    return new URL(url, this.url).href;
  }

  /**
   * A request for `url` resolved against this response. Options as for `new Request`;
   * the default callback is the spider's `parse`.
   */
  follow(url: string, options: RequestOptions = {}): Request {
    return new Request(this.urljoin(url), options);
  }

  /** A copy with some fields changed. */
  replace(changes: Partial<ResponseInit> = {}): Response {
    const Ctor = this.constructor as new (init: ResponseInit) => Response;
    return new Ctor({
      url: this.url,
      status: this.status,
      headers: this.headers,
      body: this.body,
      request: this.request,
      flags: this.flags,
      ip: this.ip,
      protocol: this.protocol,
      ...changes,
    } as ResponseInit);
  }

  toString(): string {
    return `<${this.status} ${this.url}>`;
  }
}
