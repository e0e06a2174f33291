import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { crawl } from '../../src/crawler/crawl.js';
import { BrowserRequest } from '../../src/crawler/downloader/handlers/browser/browser-request.js';
import type { Response } from '../../src/crawler/http/response.js';
import { MemorySink } from '../../src/crawler/logger.js';
import { Spider } from '../../src/crawler/spider.js';
import { allGone, chromiumTree, mainChromiumOf, skipWithoutChromium, type SeenProcess } from './chromium-processes.js';
import { startJsSite, type JsSite } from './js-site.js';

let site: JsSite;
before(async () => {
  site = await startJsSite();
});
after(() => site.close());

describe('a browser crash mid-crawl', { skip: skipWithoutChromium, timeout: 120_000 }, () => {
  it('is survived: the browser starts again and the failed pages are retried', async () => {
    let killed = false;
    let first: SeenProcess[] = [];
    // The browser is killed while it loads detail page 3 (the server holds that answer until then).
    site.onDetail = (n) => {
      if (n !== 3 || killed) return;
      killed = true;
      first = chromiumTree(process.pid);
      const main = mainChromiumOf(process.pid);
      assert.ok(main, 'the browser runs');
      process.kill(main, 'SIGKILL');
    };
    class Detail extends Spider {
      override name = 'crash';
      override async *start() {
        yield new BrowserRequest(`${site.origin}/list?n=6`);
      }
      override *parse(r: Response) {
        if (r.url.includes('/detail/')) yield { title: r.css('h1::text').get() };
        else yield* r.followAll(r.css('li.item a'), { meta: { browser: true } });
      }
    }
    const sink = new MemorySink();
    try {
      const { items, stats, reason } = await crawl(Detail, {
        settings: { LOG_LEVEL: 'INFO', LOGSTATS_INTERVAL: 0, STATS_DUMP: false, ROBOTSTXT_OBEY: false, RETRY_TIMES: 3, BROWSER_MAX_PAGES: 2 },
        logSink: sink,
      });
      assert.equal(reason, 'finished');
      assert.ok(killed);
      assert.deepEqual(items.map((i: any) => i.title).sort(), [1, 2, 3, 4, 5, 6].map((i) => `Detail ${i}`));
      assert.equal(stats['browser/crashes'], 1);
      assert.equal(stats['browser/launches'], 2);
      assert.ok(sink.lines.some((l) => /Chromium exited unexpectedly; it will be started again/.test(l)));
      assert.ok(await allGone(first), 'nothing of the crashed browser is left');
      assert.ok(await allGone(chromiumTree(process.pid)), 'the restarted browser closed with the crawl');
    } finally {
      site.onDetail = null;
    }
  });
});
