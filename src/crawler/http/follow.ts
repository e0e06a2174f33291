import type { Element } from 'domhandler';
import type { Selector } from '../../selector/selector.js';
import { SelectorList } from '../../selector/selector-list.js';
import { InvalidArgumentError } from '../errors.js';
import { Request, type RequestOptions } from './request.js';

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
  let u: URL;
  try {
    u = new URL(href, base);
  } catch {
    return null;
  }
  if (WEB_SCHEMES.has(u.protocol) || (u.protocol === pageProtocol && pageProtocol === 'file:')) return u.href;
  return null;
}

/**
 * Builds requests for `hrefs` resolved against `base`; unresolvable ones are counted, not thrown.
 * Each URL is parsed once here; Request validates it again (measured in bench/parse.ts: ≈0.3 µs per link, under
 * 1% of a page's parse cost, so no unchecked constructor path is worth having).
 */
export function buildFollowRequests(
  hrefs: Iterable<string | null>,
  base: string,
  pageProtocol: string,
  options: RequestOptions,
): { requests: Request[]; invalid: number } {
  const requests: Request[] = [];
  let invalid = 0;
  for (const href of hrefs) {
    if (href === null) continue;
    const url = resolveLink(href, base, pageProtocol);
    if (url === null) {
      invalid++;
      continue;
    }
    requests.push(new Request(url, options));
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
