import type { Element } from 'domhandler';
import type { Selector } from '../../selector/selector.js';
import { SelectorList } from '../../selector/selector-list.js';
import { InvalidArgumentError } from '../errors.js';
import { Request, requestOfParsedUrl, type RequestOptions } from './request.js';

/** What `Response.followAll()` accepts. */
export type FollowAllInput = Iterable<string | Selector> | SelectorList | { css: string } | { xpath: string };

/** Schemes a link on a web page may lead to; anything else (javascript:, mailto:, tel:, data:) is skipped. */
const WEB_SCHEMES = new Set(['http:', 'https:']);

/** Tags whose `href` is a link, as in Scrapy's `_url_from_selector` (plus `<area>`). */
const LINK_TAGS = new Set(['a', 'link', 'area']);

/**
 * The URL a selector stands for: the string of an `::attr()`/`::text` result, or the `href`
 * of an `<a>`, `<link>` or `<area>` element. Returns null for such an element without href.
 * @throws InvalidArgumentError for any other element.
 */
export function urlFromSelector(sel: Selector): string | null {
  const root = sel.root;
  if (typeof root === 'string') return root;
  if (root.type === 'tag' && LINK_TAGS.has((root as Element).name)) {
    const href = (root as Element).attribs['href'];
    return typeof href === 'string' ? href : null;
  }
  const what = root.type === 'tag' ? `<${(root as Element).name}>` : `a ${root.type} node`;
  throw new InvalidArgumentError(
    `Cannot follow ${what}: only <a>, <link> and <area> elements or ::attr() results can be followed, e.g. 'a.next::attr(href)'`,
  );
}

/**
 * Resolves `href` against `base`: the absolute URL, or null when it is not a URL or leads to
 * a scheme a crawl cannot fetch from a page. `file:` is allowed only from a `file:` page, so
 * a remote page cannot point the crawler at local files.
 */
export function resolveLink(href: string, base: string, pageProtocol: string): string | null {
  return resolveWith(href, base, pageProtocol, authorityOf(base));
}

/**
 * An href that keeps its base's scheme and authority and replaces the rest: one `/`, not
 * followed by another `/` or a `\` (either would start a host), and no tab or newline (the URL
 * parser drops those, which could join two slashes). Most links on a site look like this.
 */
const PATH_ABSOLUTE = /^\/(?![/\\])[^\t\n\r]*$/;

/** `http(s)://authority` at the start of a base URL; the authority ends where the URL parser ends it (`/ ? # \`). */
const HTTP_AUTHORITY = /^https?:\/\/[^/?#\\]*/i;

/**
 * The `scheme://authority` of an http(s) base, which a path-absolute href can be appended to;
 * undefined for other bases.
 */
function authorityOf(base: string): string | undefined {
  return HTTP_AUTHORITY.exec(base)?.[0];
}

/**
 * resolveLink with the base's authority already found. A path-absolute href is parsed once,
 * appended to the authority, instead of parsing the base again for each link: the URL parser
 * reads the authority the same way in both, and takes path, query and fragment from the href.
 */
function resolveWith(href: string, base: string, pageProtocol: string, authority: string | undefined): string | null {
  let u: URL;
  try {
    u = authority !== undefined && PATH_ABSOLUTE.test(href) ? new URL(authority + href) : new URL(href, base);
  } catch {
    return null;
  }
  if (WEB_SCHEMES.has(u.protocol) || (u.protocol === pageProtocol && pageProtocol === 'file:')) return u.href;
  return null;
}

/**
 * Builds requests for `hrefs` resolved against `base`; unresolvable ones are counted, not thrown.
 * Each URL is parsed once, here: Request takes the parser's own output as it is
 * (requestOfParsedUrl) instead of parsing it again (≈15 links a page, a third of the crawl's
 * URL parsing).
 */
export function buildFollowRequests(
  hrefs: Iterable<string | null>,
  base: string,
  pageProtocol: string,
  options: RequestOptions,
): { requests: Request[]; invalid: number } {
  const requests: Request[] = [];
  let invalid = 0;
  const authority = authorityOf(base);
  for (const href of hrefs) {
    if (href === null) continue;
    const url = resolveWith(href, base, pageProtocol, authority);
    if (url === null) {
      invalid++;
      continue;
    }
    requests.push(requestOfParsedUrl(url, options));
  }
  return { requests, invalid };
}

/** The hrefs of a followAll input (selectors without href are skipped: anchors like `<a name>`). */
export function* hrefsOf(input: Iterable<string | Selector>): Generator<string | null> {
  for (const item of input) {
    if (typeof item === 'string') yield item;
    else if (item instanceof SelectorList) {
      throw new InvalidArgumentError('followAll() got a list of SelectorLists; pass one SelectorList or flatten it');
    } else yield urlFromSelector(item);
  }
}
