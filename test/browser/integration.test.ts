import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { crawl } from '../../src/crawler/crawl.js';
import { BrowserRequest } from '../../src/crawler/downloader/handlers/browser/browser-request.js';
import { Request } from '../../src/crawler/http/request.js';
import type { Response } from '../../src/crawler/http/response.js';
import { MemorySink } from '../../src/crawler/logger.js';
import { Spider } from '../../src/crawler/spider.js';
import { startLocalProxy, type LocalProxy } from '../crawler/downloader/local-proxy.js';
import { skipWithoutChromium } from './chromium-processes.js';
import { startJsSite, type JsSite } from './js-site.js';

const quiet = { LOG_LEVEL: 'INFO', LOGSTATS_INTERVAL: 0, STATS_DUMP: false, ROBOTSTXT_OBEY: false };
let site: JsSite;
let proxy: LocalProxy;
let dir: string;
before(async () => {
  site = await startJsSite();
  proxy = await startLocalProxy();
  dir = await mkdtemp(join(tmpdir(), 'tscrapy-browser-'));
});
after(async () => {
  await site.close();
  await proxy.close();
  await rm(dir, { recursive: true, force: true });
});

describe('rendered requests in the crawl', { skip: skipWithoutChromium, timeout: 120_000 }, () => {
  it('share cookies both ways with the cookie jar', async () => {
    const seen: Record<string, unknown> = {};
    class Cookies extends Spider {
      override name = 'cookies';
      override async *start() {
        yield new Request(`${site.origin}/set-cookie`);
      }
      override *parse() {
        yield new BrowserRequest(`${site.origin}/echo`, { callback: this.rendered });
      }
      *rendered(r: Response) {
        seen.pageCookie = site.lastHeaders.get('/echo')?.cookie;
        seen.scriptSaw = r.css('#js::text').get();
        yield new Request(`${site.origin}/echo?after`, { callback: this.after });
      }
      after() {
        seen.afterCookie = site.lastHeaders.get('/echo')?.cookie;
      }
    }
    await crawl(Cookies, { settings: quiet, logSink: new MemorySink() });
    assert.equal(seen.pageCookie, 'session=abc123', 'the browser sent the jar cookie');
    assert.equal(seen.scriptSaw, 'session=abc123', "the page's script saw it");
    assert.match(String(seen.afterCookie), /fromjs=yes/, 'a cookie set by the script reached the jar');
    assert.match(String(seen.afterCookie), /session=abc123/);
  });

  it("send the crawler's User-Agent and default headers", async () => {
    class Ua extends Spider {
      override name = 'ua';
      override async *start() {
        yield new BrowserRequest(`${site.origin}/echo?ua`);
      }
      override parse() {}
    }
    await crawl(Ua, { settings: { ...quiet, USER_AGENT: 'tscrapy-test/1.0', DEFAULT_REQUEST_HEADERS: { 'Accept-Language': 'fr' } }, logSink: new MemorySink() });
    const h = site.lastHeaders.get('/echo')!;
    assert.equal(h['user-agent'], 'tscrapy-test/1.0');
    assert.equal(h['accept-language'], 'fr');
  });

  it('go through meta.proxy', async () => {
    proxy.seen.length = 0;
    class Proxied extends Spider {
      override name = 'proxied';
      override async *start() {
        yield new BrowserRequest(`${site.origin}/list?n=2&proxied`, { meta: { proxy: proxy.url } });
      }
      override parse(r: Response) {
        return [{ n: r.css('li.item').length }];
      }
    }
    const { items } = await crawl(Proxied, { settings: quiet, logSink: new MemorySink() });
    assert.deepEqual(items, [{ n: 2 }]);
    assert.ok(proxy.seen.some((s) => s.target === `${site.origin}/list?n=2&proxied`), JSON.stringify(proxy.seen));
  });

  it('obey robots.txt like any request', async () => {
    site.hits.delete('/private');
    class Robots extends Spider {
      override name = 'robots';
      override async *start() {
        yield new BrowserRequest(`${site.origin}/private`);
        yield new BrowserRequest(`${site.origin}/list?n=1&robots`);
      }
      override parse(r: Response) {
        return [{ url: r.url }];
      }
    }
    const { items } = await crawl(Robots, { settings: { ...quiet, ROBOTSTXT_OBEY: true }, logSink: new MemorySink() });
    assert.deepEqual(items, [{ url: `${site.origin}/list?n=1&robots` }]);
    assert.equal(site.hits.get('/private'), undefined);
  });

  it('send the method and body of the request (a rendered form POST)', async () => {
    class Post extends Spider {
      override name = 'post';
      override async *start() {
        yield new Request(`${site.origin}/form`, { method: 'POST', body: 'q=shoes&page=2', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, meta: { browser: true } });
      }
      override parse(r: Response) {
        return [{ m: r.css('#m::text').get() }];
      }
    }
    const { items } = await crawl(Post, { settings: quiet, logSink: new MemorySink() });
    assert.deepEqual(items, [{ m: 'POST q=shoes&page=2' }]);
  });

  it('save a screenshot and a PDF on request', async () => {
    const png = join(dir, 'page.png');
    const pdf = join(dir, 'page.pdf');
    class Shots extends Spider {
      override name = 'shots';
      override async *start() {
        yield new BrowserRequest(`${site.origin}/list?n=3&shot`, { browser: { screenshot: png, pdf } });
      }
      override parse() {}
    }
    await crawl(Shots, { settings: quiet, logSink: new MemorySink() });
    assert.deepEqual([...(await readFile(png)).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    assert.equal((await readFile(pdf)).subarray(0, 5).toString(), '%PDF-');
  });
});
