import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { crawl } from '../../src/crawler/crawl.js';
import { RequestNotSentError } from '../../src/crawler/downloader/errors.js';
import { BrowserRequest } from '../../src/crawler/downloader/handlers/browser/browser-request.js';
import { BrowserHandler } from '../../src/crawler/downloader/handlers/browser/handler.js';
import { browserSettings } from '../../src/crawler/downloader/handlers/browser/options.js';
import { RenderRouter } from '../../src/crawler/downloader/handlers/browser/router.js';
import { HttpHandler } from '../../src/crawler/downloader/handlers/http.js';
import { HttpDownloader } from '../../src/crawler/downloader/http-downloader.js';
import { Request } from '../../src/crawler/http/request.js';
import type { Response } from '../../src/crawler/http/response.js';
import { Logger, MemorySink } from '../../src/crawler/logger.js';
import { Settings } from '../../src/crawler/settings/settings.js';
import { Spider } from '../../src/crawler/spider.js';
import { skipWithoutChromium } from './chromium-processes.js';
import { startJsSite, type JsSite } from './js-site.js';

const quiet = { LOG_LEVEL: 'INFO', LOGSTATS_INTERVAL: 0, STATS_DUMP: false, ROBOTSTXT_OBEY: false, TELNETCONSOLE_ENABLED: false };
/** Only an upper bound: the held pages are let go as soon as the plain responses are in. */
const HOLD_AT_MOST_MS = 30_000;
let site: JsSite;

before(async () => {
  site = await startJsSite();
});
after(() => site.close());

/**
 * `rendered` detail pages first in the start order, then `plain` plain pages. The site holds every
 * detail page until all plain responses reached the callback (or HOLD_AT_MOST_MS passed); returns
 * whether the plain responses all came while the rendered pages were held.
 */
async function crawlHeld(rendered: number, plain: number, settings: Record<string, unknown>) {
  let plainSeen = 0;
  let allPlain!: () => void;
  const plainDone = new Promise<void>((r) => (allPlain = r));
  let held = true;
  let bound: NodeJS.Timeout | undefined;
  const letGo = new Promise<void>((r) => {
    bound = setTimeout(r, HOLD_AT_MOST_MS);
    void plainDone.then(() => r());
  }).then(() => {
    held = false;
    clearTimeout(bound);
  });
  let plainWhileHeld = 0;
  site.onDetail = () => letGo;
  const S = class extends Spider {
    override name = 'mixed';
    override async *start() {
      for (let i = 1; i <= rendered; i++) yield new BrowserRequest(`${site.origin}/detail/${i}`);
      for (let i = 1; i <= plain; i++) yield new Request(`${site.origin}/list?n=1&plain=${i}`);
    }
    override parse(response: Response) {
      if (!response.flags.includes('browser')) {
        if (held) plainWhileHeld++;
        if (++plainSeen === plain) allPlain();
      }
      return [{ url: response.url, browser: response.flags.includes('browser') }];
    }
  };
  try {
    const result = await crawl(S, { settings: { ...quiet, ...settings }, logSink: new MemorySink() });
    return { ...result, plainWhileHeld };
  } finally {
    site.onDetail = null;
    clearTimeout(bound);
  }
}

describe('plain requests beside rendered ones', { skip: skipWithoutChromium, timeout: 120_000 }, () => {
  it('are not held behind rendered requests waiting for a browser page (neither by the per-domain limit nor CONCURRENT_REQUESTS)', async () => {
    // Two pages render (held by the site), four more rendered requests wait for a page: before,
    // those six filled the domain's four places and the crawl's four, and no plain request went.
    const { items, reason, plainWhileHeld } = await crawlHeld(6, 6, { BROWSER_MAX_PAGES: 2, CONCURRENT_REQUESTS: 4, CONCURRENT_REQUESTS_PER_DOMAIN: 4 });
    assert.equal(reason, 'finished');
    assert.equal(items.filter((i: any) => i.browser).length, 6);
    assert.equal(items.filter((i: any) => !i.browser).length, 6);
    assert.equal(plainWhileHeld, 6, 'every plain response came while the rendered pages were still loading');
    assert.ok(site.maxInFlight <= 2, `no more than BROWSER_MAX_PAGES rendered pages at once: ${site.maxInFlight}`);
  });

  it('count against CONCURRENT_REQUESTS only past BROWSER_MAX_WAITING, and are let go unsent (page given back) when the crawl stops', async () => {
    const logger = new Logger('test', 40, new MemorySink());
    const settings = browserSettings(new Settings({ BROWSER_MAX_PAGES: 1, BROWSER_MAX_WAITING: 3 }));
    const plain = new HttpHandler({ connectionsPerOrigin: 4, tlsVerify: true, timeout: 30, maxSize: 0, warnSize: 0, logger });
    const router = new RenderRouter(plain, false, () => new BrowserHandler({ ...settings, timeout: 30, maxSize: 0, tlsVerify: true, logger }), settings.maxWaiting);
    const downloader = new HttpDownloader({ middlewares: [], handlers: { http: router }, totalConcurrency: 2, perSlotConcurrency: 4, delay: 0, randomizeDelay: false, logger, maxWaitingAdmission: router.maxWaiting });
    const spider = new Spider();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let arrived!: () => void;
    const firstArrived = new Promise<void>((r) => (arrived = r));
    site.onDetail = () => {
      arrived();
      return gate;
    };
    site.hits.clear();
    try {
      // Without middlewares, fetch() reaches the handler's admission at once (no await before it).
      const first = downloader.fetch(new BrowserRequest(`${site.origin}/detail/1`), spider).catch((e: unknown) => e);
      const waiting: Array<Promise<unknown>> = [];
      for (let i = 2; i <= 4; i++) {
        waiting.push(downloader.fetch(new BrowserRequest(`${site.origin}/detail/${i}`), spider).catch((e: unknown) => e));
        assert.equal(downloader.backoutReason(), null, `request ${i}: three may wait for the page outside CONCURRENT_REQUESTS`);
      }
      waiting.push(downloader.fetch(new BrowserRequest(`${site.origin}/detail/5`), spider).catch((e: unknown) => e));
      assert.notEqual(downloader.backoutReason(), null, 'the fourth waiting one counts: with the page being rendered, that makes CONCURRENT_REQUESTS');
      await firstArrived;
      const page = await downloader.fetch(new Request(`${site.origin}/list?n=1&plain`), spider);
      assert.equal((page as Response).status, 200, 'a plain request goes while the only page is busy');
      assert.equal(downloader.stopStarting(), 4);
      for (const e of await Promise.all(waiting)) assert.ok(e instanceof RequestNotSentError, String(e));
      release();
      assert.equal(((await first) as Response).status, 200);
      await new Promise(setImmediate); // every promise callback of the page hand-overs has run
      assert.equal(router.browser!.openPages, 0, 'the page went back, not to the requests let go');
      for (let i = 2; i <= 5; i++) assert.equal(site.hits.get(`/detail/${i}`), undefined);
    } finally {
      site.onDetail = null;
      release();
      await downloader.close();
    }
  });
});
