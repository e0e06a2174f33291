/**
 * Decodes the `%XX` escapes of a URL's user name or password as Python's `urllib.parse.unquote`
 * does (Scrapy's proxy middleware and scrapyd-client's requests both use it): a `%` that does
 * not start a valid escape is kept as it is ("50%off" stays "50%off") instead of throwing like
 * `decodeURIComponent`, and bytes that are not UTF-8 become U+FFFD.
 */
export function percentDecode(s: string): string {
  return s.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => Buffer.from(run.replace(/%/g, ''), 'hex').toString('utf8'));
}
