import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { crawl } from '../../src/crawler/crawl.js';
import { BrowserRequest } from '../../src/crawler/downloader/handlers/browser/browser-request.js';
import { BrowserResponse } from '../../src/crawler/downloader/handlers/browser/browser-response.js';
import { BrowserActionError } from '../../src/crawler/downloader/handlers/browser/errors.js';
import { Request, type Failure } from '../../src/crawler/http/request.js';
import type { Response } from '../../src/crawler/http/response.js';
import { MemorySink } from '../../src/crawler/logger.js';
import { Spider } from '../../src/crawler/spider.js';
import { skipWithoutChromium } from './chromium-processes.js';
import { startJsSite, type JsSite } from './js-site.js';

const quiet = { LOG_LEVEL: 'INFO', LOGSTATS_INTERVAL: 0, STATS_DUMP: false, ROBOTSTXT_OBEY: false };
let site: JsSite;
before(async () => {
  site = await startJsSite();
});
after(() => site.close());

function oneRequest(request: () => Request, parse: (r: Response) => unknown | Promise<unknown>, errback?: (f: Failure) => void) {
  return class extends Spider {
    override name = 'actions';
    override async *start() {
      yield request();
    }
    override async parse(response: Response) {
      return [await parse(response)] as never;
    }
    failed(f: Failure) {
      errback?.(f);
    }
  };
}

const allBatches = [0, 1, 2].flatMap((b) => [1, 2, 3].map((i) => `Batch ${b} item ${i}`));

describe('page actions', { skip: skipWithoutChromium, timeout: 120_000 }, () => {
  it('clicks "more" until the list is complete', async () => {
    const S = oneRequest(
      () =>
        new BrowserRequest(`${site.origin}/more`, {
          browser: {
            actions: [
              { action: 'waitForSelector', selector: '#more[data-next="1"]' },
              { action: 'click', selector: '#more', waitForSelector: '#more[data-next="2"]' },
              { action: 'click', selector: '#more', waitForSelector: 'li.item:nth-child(9)' },
            ],
          },
        }),
      (r) => ({ items: r.css('li.item::text').getall(), button: r.css('#more').length }),
    );
    const { items } = await crawl(S, { settings: quiet, logSink: new MemorySink() });
    assert.deepEqual(items, [{ items: allBatches, button: 0 }]);
  });

  it('scrolls to the bottom N times on an infinite-scroll page, and evaluates a script', async () => {
    const S = oneRequest(
      () =>
        new BrowserRequest(`${site.origin}/scroll`, {
          browser: {
            actions: [
              { action: 'waitForSelector', selector: 'li.item:nth-child(3)' },
              { action: 'scroll', times: 3, waitForSelector: 'li.item:nth-child(12)' },
              { action: 'evaluate', script: "document.body.dataset.count = String(document.querySelectorAll('li.item').length)" },
            ],
          },
        }),
      (r) => ({ n: r.css('li.item').length, count: r.css('body::attr(data-count)').get() }),
    );
    const { items } = await crawl(S, { settings: quiet, logSink: new MemorySink() });
    assert.deepEqual(items, [{ n: 12, count: '12' }]);
  });

  it('fails the request with a BrowserActionError naming the step when a selector never appears', async () => {
    const errors: Error[] = [];
    const S = oneRequest(
      () => new BrowserRequest(`${site.origin}/list?n=1`, { errback: 'failed', browser: { actions: [{ action: 'waitForSelector', selector: '#never' }] }, meta: { download_timeout: 1 } }),
      () => ({}),
      (f) => void errors.push(f.error),
    );
    const { items } = await crawl(S, { settings: { ...quiet, RETRY_ENABLED: false }, logSink: new MemorySink() });
    assert.deepEqual(items, []);
    assert.ok(errors[0] instanceof BrowserActionError, String(errors[0]));
    assert.match(errors[0]!.message, /Page action 0 \(waitForSelector\) failed/);
  });

  it('refuses malformed actions before opening a page', async () => {
    const errors: Error[] = [];
    const S = oneRequest(
      () => new Request(`${site.origin}/list?n=1`, { errback: 'failed', meta: { browser: { actions: [{ action: 'hover', selector: 'a' }] } } }),
      () => ({}),
      (f) => void errors.push(f.error),
    );
    const { stats } = await crawl(S, { settings: quiet, logSink: new MemorySink() });
    assert.match(String(errors[0]), /meta\.browser\.actions\[0\] .* must be an object with action waitForSelector, click, scroll, evaluate/);
    assert.equal(stats['browser/pages'], undefined);
  });

  it('hands the live page to the callback when asked, and closes it once the callback is done', async () => {
    let page: Page | null = null;
    let first: BrowserResponse | null = null;
    let pageAfter: unknown = 'not checked';
    class LivePage extends Spider {
      override name = 'live-page';
      override async *start() {
        yield new BrowserRequest(`${site.origin}/more`, { meta: { browserPage: true } });
      }
      override async *parse(r: Response) {
        assert.ok(r instanceof BrowserResponse);
        first = r;
        page = r.page!;
        assert.ok(page, 'the page is there');
        await page.click('#more');
        await page.waitForSelector('li.item:nth-child(6)');
        yield { n: await page.locator('li.item').count(), inHtml: r.css('li.item').length };
        // Runs after this callback's output was consumed (it needs a download first).
        yield new Request(`${site.origin}/list?n=1&next`, { callback: this.next });
      }
      next() {
        pageAfter = first!.page;
      }
    }
    const { items, stats } = await crawl(LivePage, { settings: quiet, logSink: new MemorySink() });
    assert.deepEqual(items, [{ n: 6, inHtml: 3 }]);
    assert.equal(pageAfter, null, 'the page was let go when the callback was done, before the crawl ended');
    assert.ok(page && (page as Page).isClosed(), 'the page was closed');
    assert.equal(stats['browser/pages_handed_to_callbacks'], 1);
  });

  it('closes the live page even when the callback throws', async () => {
    let page: Page | null = null;
    const S = oneRequest(
      () => new BrowserRequest(`${site.origin}/list?n=1`, { meta: { browserPage: true } }),
      (r) => {
        page = (r as BrowserResponse).page;
        throw new Error('callback failed');
      },
    );
    const { stats } = await crawl(S, { settings: quiet, logSink: new MemorySink() });
    assert.equal(stats['spider_exceptions/Error'], 1);
    assert.ok(page && (page as Page).isClosed());
  });
});
