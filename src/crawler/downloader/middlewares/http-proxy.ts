import type { CrawlerContext } from '../../components.js';
import { InvalidArgumentError, NotConfigured } from '../../errors.js';
import type { Request } from '../../http/request.js';
import type { Logger } from '../../logger.js';
import { maskUrl } from '../mask.js';
import type { DownloaderMiddleware } from '../types.js';
import { percentDecode } from '../../../util/percent-decode.js';

/** Proxy settings from the environment (`http_proxy`, `https_proxy`, `no_proxy`, either case). */
export interface ProxyEnv {
  http?: string;
  https?: string;
  noProxy: string[];
}

export function proxyEnvFrom(env: NodeJS.ProcessEnv): ProxyEnv {
  const get = (k: string) => env[k] ?? env[k.toUpperCase()] ?? undefined;
  const out: ProxyEnv = { noProxy: (get('no_proxy') ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean) };
  const http = get('http_proxy');
  const https = get('https_proxy');
  if (http) out.http = http;
  if (https) out.https = https;
  return out;
}

/** Whether `no_proxy` entries (`*`, `host`, `.domain`, `host:port`) exempt `url`. */
export function bypassesProxy(url: URL, noProxy: readonly string[]): boolean {
  const host = url.hostname.toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  for (const entry of noProxy) {
    if (entry === '*') return true;
    const [h, p] = entry.startsWith('[') ? [entry.slice(0, entry.indexOf(']') + 1), entry.split(']:')[1]] : entry.split(':');
    if (p && p !== port) continue;
    const d = h!.replace(/^\*?\./, '');
    if (host === d || host.endsWith(`.${d}`)) return true;
  }
  return false;
}

/**
 * Sends requests through `meta.proxy`, or the proxy of the environment for the URL's scheme
 * (unless `no_proxy` matches). Credentials in the proxy URL become a Proxy-Authorization
 * header (moved onto the CONNECT for https by the handler) and are removed from the URL, so
 * they never appear in logs.
 */
export class HttpProxyMiddleware implements DownloaderMiddleware {
  constructor(
    private readonly env: ProxyEnv,
    private readonly logger: Logger,
  ) {}

  static fromCrawler(crawler: CrawlerContext): HttpProxyMiddleware {
    if (!crawler.settings.getBool('HTTPPROXY_ENABLED')) throw new NotConfigured('HTTPPROXY_ENABLED is off');
    return new HttpProxyMiddleware(proxyEnvFrom(process.env), crawler.logger.child('tscrapy.downloadermiddlewares.httpproxy'));
  }

  processRequest(request: Request): void {
    if (!/^https?:/i.test(request.url)) return;
    const meta = request.meta;
    if ('proxy' in meta) {
      if (!meta.proxy) {
        // An explicit empty proxy: go direct, and never send old proxy credentials.
        request.headers.delete('Proxy-Authorization');
        return;
      }
      this.#apply(request, String(meta.proxy), false);
      return;
    }
    // Parsed only when a proxy may apply: without one in the environment (most crawls) every
    // request would pay a URL parse for nothing.
    const proxy = /^https:/i.test(request.url) ? this.env.https : this.env.http;
    if (!proxy || bypassesProxy(new URL(request.url), this.env.noProxy)) return;
    this.#apply(request, proxy, true);
  }

  #apply(request: Request, proxy: string, fromEnv: boolean): void {
    let u: URL;
    try {
      u = new URL(proxy.includes('://') ? proxy : `http://${proxy}`);
    } catch {
      throw new InvalidArgumentError(`Invalid proxy URL ${JSON.stringify(maskUrl(proxy))} for ${request}: expected http://[user:pass@]host:port`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') {
      throw new InvalidArgumentError(`Unsupported proxy scheme ${u.protocol} in ${maskUrl(proxy)} for ${request}: use an http:// or https:// proxy`);
    }
    if (u.username || u.password) {
      const creds = `${percentDecode(u.username)}:${percentDecode(u.password)}`;
      request.headers.set('Proxy-Authorization', `Basic ${Buffer.from(creds).toString('base64')}`);
      u.username = '';
      u.password = '';
    } else if (request.meta._proxy_auth_for && request.meta._proxy_auth_for !== u.href) {
      // Credentials of another proxy must not go to this one.
      request.headers.delete('Proxy-Authorization');
    }
    request.meta.proxy = u.href.replace(/\/$/, '');
    if (request.headers.has('Proxy-Authorization')) request.meta._proxy_auth_for = u.href;
    if (fromEnv) request.meta._auto_proxy = true;
    this.logger.debug(`Proxying ${request} through ${maskUrl(request.meta.proxy)}`);
  }
}
