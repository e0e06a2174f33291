import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildFollowRequests, resolveLink } from '../../../src/crawler/http/follow.js';
import { Request, requestOfParsedUrl } from '../../../src/crawler/http/request.js';

/** What resolving must give: the URL parser's own resolution, null for what it rejects or a crawl must not follow. */
function expected(href: string, base: string): string | null {
  try {
    const u = new URL(href, base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

// Bases with credentials, ports, IPv6, odd case, queries and fragments; hrefs that look
// path-absolute but are not (a second slash or a backslash names a host, a tab or newline is
// dropped by the parser), dot segments, percent-encoding, queries and fragments only.
const BASES = [
  'http://shop.test/catalogue/page-2.html',
  'https://user:pa%40ss@shop.test:8443/a/b?x=1#frag',
  'http://[::1]:8080/dir/',
  'HTTP://Shop.TEST/Dir/Page',
  'http://127.0.0.1:35413/product/12',
  'http://shop.test',
  'http://shop.test?q=1',
  'http://xn--nxasmq6b.test/p',
];
const HREFS = [
  '/product/7',
  '/',
  '/a b/ü?q=é s#ß',
  '/../../x/./y/../z',
  '/%2e%2e/x',
  '/.%2E/x',
  '//evil.test/x',
  '/\\evil.test/x',
  '/\t/evil.test/x',
  '/\n/evil.test/x',
  '/\r/evil.test',
  ' /leading-space',
  '/trailing-space ',
  '/x\u0000y',
  '/x\u001fy',
  '/@evil.test/x',
  '/:80/x',
  '/x?y=/../z',
  '/x#/../y',
  '/?only=query',
  '/#only-fragment',
  '/[::1]/x',
  'relative/x',
  '../up',
  '?q=2',
  '#f',
  'https://other.test/a',
  'javascript:alert(1)',
  'mailto:a@b.test',
  'http://[bad',
  '',
];

describe('resolveLink', () => {
  it('gives what the URL parser gives against the base, for path-absolute hrefs and every look-alike', () => {
    for (const base of BASES) {
      for (const href of HREFS) {
        assert.equal(resolveLink(href, base, 'http:'), expected(href, base), `${JSON.stringify(href)} against ${base}`);
      }
    }
  });

  it('follows file: links only from a file: page', () => {
    assert.equal(resolveLink('/etc/passwd', 'file:///site/index.html', 'file:'), 'file:///etc/passwd');
    assert.equal(resolveLink('file:///etc/passwd', 'http://shop.test/', 'http:'), null);
  });

  it('builds the same requests through buildFollowRequests, counting what it skips', () => {
    const base = 'https://user:pw@shop.test:8443/c/page-1.html';
    const { requests, invalid } = buildFollowRequests(HREFS, base, 'https:', { callback: 'parseItem' });
    const want = HREFS.map((h) => expected(h, base)).filter((u): u is string => u !== null);
    assert.deepEqual(
      requests.map((r) => r.url),
      want,
    );
    assert.equal(invalid, HREFS.length - want.length);
    for (const r of requests) assert.equal(r.url, new Request(r.url).url);
  });
});

describe('requestOfParsedUrl', () => {
  it('makes the same request as the constructor, and the next constructor checks its URL again', () => {
    const a = requestOfParsedUrl('https://shop.test/p?q=1', { callback: 'parseItem', meta: { n: 1 } });
    const b = new Request('https://shop.test/p?q=1', { callback: 'parseItem', meta: { n: 1 } });
    assert.deepEqual(a.toJSON(), b.toJSON());
    assert.throws(() => new Request('/relative'), /must be absolute/);
  });

  it('leaves no URL unchecked behind when the constructor throws', () => {
    assert.throws(() => requestOfParsedUrl('/relative', { dont_filter: true } as never), /unknown option "dont_filter"/);
    assert.throws(() => new Request('/relative'), /must be absolute/);
  });
});
