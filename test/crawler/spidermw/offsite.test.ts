import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { crawl } from '../../../src/crawler/crawl.js';
import { Request } from '../../../src/crawler/http/request.js';
import { Response } from '../../../src/crawler/http/response.js';
import { MemorySink } from '../../../src/crawler/logger.js';
import { Spider } from '../../../src/crawler/spider.js';
import { OffsiteMiddleware } from '../../../src/crawler/spidermw/offsite.js';
import { testContext } from '../../support/context.js';

const SECRET = 'secret-marker-4f1c';
const quiet = { LOG_LEVEL: 'INFO', LOGSTATS_INTERVAL: 0, STATS_DUMP: false };

describe('OffsiteMiddleware and URLs that are not http(s)', { timeout: 60_000 }, () => {
  let dir: string;
  let secretUrl: string;
  let localIndexUrl: string;
  let server: Server;
  let origin: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tscrapy-offsite-'));
    await writeFile(join(dir, 'secret.txt'), SECRET);
    secretUrl = pathToFileURL(join(dir, 'secret.txt')).href;
    await writeFile(join(dir, 'index.html'), `<html><body><a href="secret.txt">local</a></body></html>`);
    localIndexUrl = pathToFileURL(join(dir, 'index.html')).href;
    server = createServer((req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(
        req.url === '/'
          ? `<html><body><a href="${secretUrl}">a</a><a href="file:///etc/passwd">b</a><a href="data:text/plain,${SECRET}">c</a><a href="/next">next</a></body></html>`
          : '<html><body>next page</body></html>',
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((r) => server.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  /** Follows every link of every page with follow() (which accepts file: and data:), and keeps each page. */
  function linkFollower(startUrls: string[], allowedDomains?: string[]) {
    return class extends Spider {
      override name = 'follower';
      override startUrls = startUrls;
      override allowedDomains = allowedDomains;
      override *parse(response: Response) {
        yield { url: response.url, text: response.text };
        for (const href of response.css('a::attr(href)').getall()) yield response.follow(href, { meta: { allow_offsite: true } });
      }
    };
  }

  for (const allowedDomains of [['127.0.0.1'], undefined]) {
    it(`never fetches a file: or data: link found on an http page (allowedDomains ${JSON.stringify(allowedDomains)})`, async () => {
      const sink = new MemorySink();
      const result = await crawl(linkFollower([`${origin}/`], allowedDomains), { settings: quiet, logSink: sink });
      const items = result.items as Array<{ url: string; text: string }>;
      assert.deepEqual(items.map((i) => i.url).sort(), [`${origin}/`, `${origin}/next`]);
      assert.ok(items.every((i) => !i.text.includes(SECRET) || i.url === `${origin}/`));
      assert.equal(result.stats['offsite/filtered'], 3);
      assert.equal(result.stats['downloader/request_count'], 2);
      const warnings = sink.lines.filter((l) => l.includes('WARNING') && l.includes('Filtered offsite request'));
      assert.equal(warnings.length, 2, 'one warning per scheme');
      assert.ok(warnings.some((l) => l.includes('file: URLs are followed only when the spider\'s start requests use file:')));
    });
  }

  it('follows file: links when the start requests are file: URLs (a local crawl)', async () => {
    const result = await crawl(linkFollower([localIndexUrl]), { settings: quiet, logSink: new MemorySink() });
    const items = result.items as Array<{ url: string; text: string }>;
    assert.deepEqual(items.map((i) => i.url).sort(), [localIndexUrl, secretUrl].sort());
    assert.equal(result.stats['offsite/filtered'], undefined);
  });

  it('learns the schemes of requests start() yields, and of the page a request comes from', () => {
    const ctx = testContext();
    const mw = OffsiteMiddleware.fromCrawler(ctx);
    const page = (url: string) => new Response({ url, request: new Request(url) });
    const keep = (url: string, from: Response | null) => mw.processOutput(new Request(url), from) !== null;
    assert.equal(keep('data:text/plain,x', page('https://example.com/')), false);
    assert.equal(keep('file:///etc/passwd', page('https://example.com/')), false);
    assert.equal(keep('https://example.com/a', page('https://example.com/')), true, 'no allowedDomains: every host');
    assert.equal(keep('file:///srv/a.html', page('file:///srv/index.html')), true, 'a local page may link to a local page');
    assert.equal(keep('data:text/plain,x', null), true, 'start() may use any scheme');
    assert.equal(keep('data:text/plain,y', page('https://example.com/')), true, 'once start() used data:');
    assert.equal(ctx.stats.getValue('offsite/filtered'), 2);
  });
});
