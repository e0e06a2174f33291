import { Headers } from '../../http/headers.js';
import type { Request } from '../../http/request.js';
import type { Response } from '../../http/response.js';
import type { Logger } from '../../logger.js';
import type { Spider } from '../../spider.js';
import { MaxRedirectsError, RedirectLoopError } from '../errors.js';

/** Headers that describe a body; dropped when a redirect turns the request into a bodiless GET. */
const BODY_HEADERS = ['Content-Type', 'Content-Length', 'Content-Encoding', 'Content-Language', 'Content-Location'];

/** Whether the status reaches the spider as is (meta.handle_httpstatus_list/_all, spider.handleHttpStatusList). */
export function statusHandledBySpider(request: Request, response: Response, spider: Spider): boolean {
  const meta = request.meta;
  if (meta.handle_httpstatus_all) return true;
  const list = meta.handle_httpstatus_list;
  if (Array.isArray(list) && list.includes(response.status)) return true;
  const spiderList = (spider as { handleHttpStatusList?: unknown }).handleHttpStatusList;
  return Array.isArray(spiderList) && spiderList.includes(response.status);
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return '';
  }
}

/**
 * The follow-up of a redirect from `request` to `url`, like Scrapy's BaseRedirectMiddleware:
 * keeps callback, errback, meta and dontFilter; counts `redirect_times`; records
 * `redirect_urls` and `redirect_reasons`; drops Authorization and Cookie across domains;
 * throws MaxRedirectsError past REDIRECT_MAX_TIMES and RedirectLoopError on a loop.
 */
export function buildRedirect(
  request: Request,
  url: string,
  reason: number | string,
  opts: { maxTimes: number; priorityAdjust: number; toGet: boolean; logger: Logger },
): Request {
  const meta = request.meta;
  const times = (Number(meta.redirect_times) || 0) + 1;
  const maxTimes = typeof meta.redirect_max_times === 'number' ? meta.redirect_max_times : opts.maxTimes;
  if (times > maxTimes) {
    throw new MaxRedirectsError(`Discarding ${request}: max redirections (${maxTimes}) reached (REDIRECT_MAX_TIMES)`);
  }
  const previous: string[] = Array.isArray(meta.redirect_urls) ? meta.redirect_urls : [];
  const chain = [...previous, request.url];
  const method = opts.toGet ? 'GET' : request.method;
  // One bounce back to a URL is common (login, cookie check); the second one is a loop.
  if (chain.filter((u) => u === url).length >= 2 && method === request.method) {
    throw new RedirectLoopError(`Discarding ${request}: redirect loop back to ${url} (chain: ${chain.join(' -> ')})`);
  }
  const headers = new Headers(request.headers);
  if (opts.toGet) for (const h of BODY_HEADERS) headers.delete(h);
  const fromHost = hostOf(request.url);
  const toHost = hostOf(url);
  if (fromHost !== toHost) {
    headers.delete('Authorization');
    headers.delete('Cookie');
  }
  const fromScheme = request.url.slice(0, request.url.indexOf(':'));
  const toScheme = url.slice(0, url.indexOf(':'));
  const newMeta: Record<string, any> = {
    ...meta,
    redirect_times: times,
    redirect_urls: chain,
    redirect_reasons: [...(Array.isArray(meta.redirect_reasons) ? meta.redirect_reasons : []), reason],
  };
  if (fromScheme !== toScheme && newMeta._auto_proxy) {
    // The proxy came from the environment for the old scheme: let HttpProxyMiddleware choose again.
    delete newMeta.proxy;
    delete newMeta._auto_proxy;
    headers.delete('Proxy-Authorization');
  }
  delete newMeta.download_not_before;
  const redirected = request.replace({
    url,
    method,
    headers,
    body: opts.toGet ? null : request.body,
    meta: newMeta,
    priority: request.priority + opts.priorityAdjust,
  });
  opts.logger.debug(`Redirecting (${reason}) to ${redirected} from ${request}`);
  return redirected;
}
