import { Agent, ProxyAgent, type Dispatcher } from 'undici';
import { TscrapyError } from '../../errors.js';
import type { Request } from '../../http/request.js';
import type { Response } from '../../http/response.js';
import type { Logger } from '../../logger.js';
import { maskUrl } from '../mask.js';
import { HttpExchange } from './http-exchange.js';
import { metaNumber, type DownloadHandler, type HandlerDefaults } from './types.js';

export interface HttpHandlerOptions extends HandlerDefaults {
  /** Connections kept per origin (CONCURRENT_REQUESTS_PER_DOMAIN). */
  connectionsPerOrigin: number;
  /** Verify TLS certificates (DOWNLOAD_TLS_VERIFY). */
  tlsVerify: boolean;
  logger: Logger;
}

/**
 * http and https over undici's dispatcher API (`Agent.dispatch`, see HttpExchange), which is
 * about twice as fast as undici's `fetch` on crawl workloads. One Agent per crawl with
 * keep-alive; one ProxyAgent per proxy (and credentials) in use.
 */
export class HttpHandler implements DownloadHandler {
  readonly #opts: HttpHandlerOptions;
  readonly #agent: Agent;
  readonly #proxies = new Map<string, ProxyAgent>();
  #closed = false;

  constructor(opts: HttpHandlerOptions) {
    this.#opts = opts;
    this.#agent = new Agent(this.#agentOptions());
  }

  #agentOptions(): Agent.Options {
    return {
      connections: this.#opts.connectionsPerOrigin,
      pipelining: 1,
      connect: { rejectUnauthorized: this.#opts.tlsVerify },
    };
  }

  #dispatcherFor(request: Request, headers: Record<string, string | string[]>): Dispatcher {
    const proxy = request.meta.proxy;
    if (typeof proxy !== 'string' || proxy === '') return this.#agent;
    // Proxy-Authorization belongs to the proxy (on CONNECT for https), never to the origin.
    const auth = headers['Proxy-Authorization'] ?? headers['proxy-authorization'];
    for (const k of Object.keys(headers)) if (k.toLowerCase() === 'proxy-authorization') delete headers[k];
    const token = Array.isArray(auth) ? auth[0] : auth;
    const key = `${proxy}\n${token ?? ''}`;
    let agent = this.#proxies.get(key);
    if (!agent) {
      agent = new ProxyAgent({
        ...this.#agentOptions(),
        uri: proxy,
        ...(token ? { token } : {}),
        // http targets go to the proxy in absolute form (like Scrapy); https ones through CONNECT.
        proxyTunnel: false,
        requestTls: { rejectUnauthorized: this.#opts.tlsVerify },
      });
      this.#proxies.set(key, agent);
      this.#opts.logger.debug(`Using proxy ${maskUrl(proxy)}`);
    }
    return agent;
  }

  download(request: Request): Promise<Response> {
    if (this.#closed) return Promise.reject(new TscrapyError(`Cannot download ${request}: the downloader is closed`));
    const meta = request.meta;
    const limits = {
      timeout: metaNumber(meta, 'download_timeout', this.#opts.timeout),
      maxSize: metaNumber(meta, 'download_maxsize', this.#opts.maxSize),
      warnSize: metaNumber(meta, 'download_warnsize', this.#opts.warnSize),
    };
    const url = new URL(request.url);
    const headers = request.headers.toObject();
    const dispatcher = this.#dispatcherFor(request, headers);
    const exchange = new HttpExchange(request, limits, this.#opts.logger);
    // Our own timer bounds the whole download; undici's idle timers only back it up.
    const idleMs = limits.timeout > 0 ? Math.ceil(limits.timeout * 1000) : 0;
    try {
      dispatcher.dispatch(
        {
          origin: url.origin,
          path: url.pathname + url.search,
          method: request.method as Dispatcher.HttpMethod,
          headers,
          body: request.body ? Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength) : null,
          headersTimeout: idleMs,
          bodyTimeout: idleMs,
        },
        exchange,
      );
    } catch (err) {
      // Invalid options (a header value with a newline, say) may throw before anything is sent.
      exchange.fail(err as Error);
    }
    return exchange.response;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // destroy() aborts what is still in flight (a stopped crawl); idle keep-alive sockets close too.
    await Promise.all([this.#agent, ...this.#proxies.values()].map((a) => a.destroy().catch(() => undefined)));
    this.#proxies.clear();
  }
}

