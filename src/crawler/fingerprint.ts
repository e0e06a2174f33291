import { createHash, hash } from 'node:crypto';
import type { Request } from './http/request.js';

/**
 * The canonical form of a URL for duplicate detection: no fragment, query parameters sorted
 * by name (stable for equal names), percent-encoding normalised by the URL parser.
 * `https://A.com/p?b=2&a=1#x` → `https://a.com/p?a=1&b=2`.
 */
export function canonicalizeUrl(url: string, keepFragments = false): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url;
  }
  if (!keepFragments) u.hash = '';
  // Most URLs have zero or one parameter: skip the sort and its re-encoding then.
  if (u.search.length > 1 && u.search.includes('&')) {
    const params = [...u.searchParams];
    params.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    u.search = new URLSearchParams(params).toString();
  }
  return u.href;
}

/**
 * A request's identity for the duplicate filter and the HTTP cache: SHA-1 (hex) of the method,
 * the canonical URL and the body. Headers are not part of it, as in Scrapy.
 */
export function requestFingerprint(request: Request): string {
  // One-shot hashing is several times cheaper than a Hash object for these short inputs.
  const url = canonicalRequestUrl(request.url);
  if (!request.body || request.body.length === 0) return hash('sha1', `${request.method}\n${url}\n`, 'hex');
  const h = createHash('sha1');
  h.update(request.method);
  h.update('\n');
  h.update(url);
  h.update('\n');
  if (request.body) h.update(request.body);
  return h.digest('hex');
}

/**
 * `canonicalizeUrl` for a Request's URL, which the Request constructor already normalised with
 * the URL parser: without a fragment and with at most one query parameter it is canonical as it
 * is (most links), and re-parsing it would cost more than hashing it.
 */
function canonicalRequestUrl(url: string): string {
  return url.indexOf('#') === -1 && url.indexOf('&') === -1 ? url : canonicalizeUrl(url);
}
