import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { crawl, CrawlerProcess } from '../../src/crawler/crawl.js';
import { Crawler } from '../../src/crawler/crawler.js';
import { DropItem } from '../../src/crawler/errors.js';
import { Request, type Failure } from '../../src/crawler/http/request.js';
import type { Response } from '../../src/crawler/http/response.js';
import { MemorySink } from '../../src/crawler/logger.js';
import { Spider } from '../../src/crawler/spider.js';
import { startCatalogueSite, type CatalogueSite } from '../../src/demo/catalogue-site.js';
import { CatalogueSpider, type ProductItem } from '../../src/demo/catalogue-spider.js';

const quiet = { LOG_LEVEL: 'INFO', LOGSTATS_INTERVAL: 0, STATS_DUMP: false };
let site: CatalogueSite;

before(async () => {
  site = await startCatalogueSite({ products: 120, productBytes: 4000 });
});
after(() => site.close());

const idOf = (item: unknown) => Number((item as ProductItem).url.split('/').pop());

describe('crawl()', { timeout: 60_000 }, () => {
  it('scrapes every product of the shop once, following pagination and redirects', async () => {
    const sink = new MemorySink();
    const { items, stats, reason } = await crawl(CatalogueSpider, { args: { startUrl: `${site.origin}/` }, settings: quiet, logSink: sink });
    assert.equal(reason, 'finished');
    assert.deepEqual(items.map(idOf).sort((a, b) => a - b), site.expectedProductIds());
    const first = items.find((i) => idOf(i) === 3) as ProductItem;
    assert.equal(first.sku, 'SKU-000003');
    assert.equal(first.name, 'Product 3');
    assert.equal(typeof first.price, 'number');
    assert.equal(stats.item_scraped_count, site.expectedProductIds().length);
    assert.ok((stats['dupefilter/filtered'] as number) > 100, 'related links are mostly duplicates');
    assert.ok((stats['downloader/response_status_count/404'] as number) >= 1);
    assert.ok((stats['httperror/response_ignored_count'] as number) >= 1);
    assert.equal(stats.finish_reason, 'finished');
    assert.equal(typeof stats.elapsed_time_seconds, 'number');
    assert.ok((stats['memusage/max'] as number) > 0);
    assert.ok(sink.lines.some((l) => / \[tscrapy\.core\.engine\] INFO: Closing spider \(finished\)/.test(l)));
  });

  it('can be iterated for items as they arrive', async () => {
    const seen: number[] = [];
    for await (const item of crawl(CatalogueSpider, { args: { startUrl: `${site.origin}/` }, settings: quiet, logSink: new MemorySink() })) {
      seen.push(idOf(item));
    }
    assert.equal(seen.length, site.expectedProductIds().length);
  });

  it('runs higher-priority requests first', async () => {
    const order: string[] = [];
    class P extends Spider {
      override name = 'p';
      override startUrls = [`${site.origin}/about`];
      override *parse(r: Response) {
        order.push(new URL(r.url).pathname);
        if (order.length > 1) return;
        for (const [path, priority] of [['/product/1', 10], ['/product/2', -5], ['/product/3', 5]] as const) {
          yield new Request(site.origin + path, { priority });
        }
      }
    }
    await crawl(P, { settings: { ...quiet, CONCURRENT_REQUESTS: 1 }, logSink: new MemorySink() });
    assert.deepEqual(order, ['/about', '/product/1', '/product/3', '/product/2']);
  });

  it('sends disallowed statuses to the errback and keeps going when a callback throws', async () => {
    const failures: string[] = [];
    const sink = new MemorySink();
    class E extends Spider {
      override name = 'e';
      override startUrls = [`${site.origin}/product/999999`, `${site.origin}/about`];
      override start = async function* (this: E) {
        for (const u of this.startUrls) yield new Request(u, { errback: 'onError' });
      };
      override parse(): never {
        throw new TypeError('boom in callback');
      }
      onError(f: Failure) {
        failures.push(`${f.error.name}:${f.response?.status}`);
        return [{ failed: f.request.url }];
      }
    }
    const { items, stats } = await crawl(E, { settings: quiet, logSink: sink });
    assert.deepEqual(failures, ['HttpError:404']);
    assert.deepEqual(items, [{ failed: `${site.origin}/product/999999` }]);
    assert.equal(stats['spider_exceptions/TypeError'], 1);
    assert.ok(sink.lines.some((l) => l.includes('Spider error processing <GET') && l.includes('boom in callback')));
  });

  it('closes after CLOSESPIDER_ITEMCOUNT items with that reason', async () => {
    const { reason, stats } = await crawl(CatalogueSpider, {
      args: { startUrl: `${site.origin}/` },
      settings: { ...quiet, CLOSESPIDER_ITEMCOUNT: 10, CONCURRENT_REQUESTS: 2 },
      logSink: new MemorySink(),
    });
    assert.equal(reason, 'closespider_itemcount');
    const n = stats.item_scraped_count as number;
    assert.ok(n >= 10 && n < site.expectedProductIds().length, `got ${n} items`);
  });

  it('stops gracefully with stop(), finishing what is in flight', async () => {
    const run = crawl(CatalogueSpider, { args: { startUrl: `${site.origin}/` }, settings: { ...quiet, DOWNLOAD_DELAY: 0.02, RANDOMIZE_DOWNLOAD_DELAY: false }, logSink: new MemorySink() });
    let stopped = false;
    run.crawler.signals.connect('itemScraped', () => {
      if (!stopped) {
        stopped = true;
        run.stop();
      }
    });
    const { reason, items } = await run;
    assert.equal(reason, 'shutdown');
    assert.ok(items.length >= 1 && items.length < site.expectedProductIds().length);
  });

  it('drops items a pipeline rejects and counts them', async () => {
    class EvenOnly {
      processItem(item: ProductItem) {
        if (idOf(item) % 2) throw new DropItem(`odd product ${idOf(item)}`);
        return { ...item, checked: true };
      }
    }
    const { items, stats } = await crawl(CatalogueSpider, {
      args: { startUrl: `${site.origin}/` },
      settings: { ...quiet, ITEM_PIPELINES: { EvenOnly: 300 } },
      components: { EvenOnly },
      logSink: new MemorySink(),
    });
    assert.ok(items.every((i) => idOf(i) % 2 === 0 && (i as { checked?: boolean }).checked));
    assert.equal((stats.item_dropped_count as number) + items.length, site.expectedProductIds().length);
  });

  it('passes the output of sync and async generator callbacks through processSpiderOutput', async () => {
    class Tagger {
      async *processSpiderOutput(_response: Response, result: AsyncIterable<unknown>) {
        for await (const out of result) yield out instanceof Request ? out : { ...(out as object), tagged: true };
      }
    }
    class Both extends Spider {
      override name = 'both';
      override startUrls = [`${site.origin}/about`];
      override *parse() {
        yield { from: 'sync' };
        yield new Request(`${site.origin}/product/1`, { callback: 'parseAsync' });
      }
      async *parseAsync() {
        yield { from: 'async' };
      }
    }
    const { items } = await crawl(Both, {
      settings: { ...quiet, SPIDER_MIDDLEWARES: { Tagger: 10 } },
      components: { Tagger },
      logSink: new MemorySink(),
    });
    assert.deepEqual(items, [{ from: 'sync', tagged: true }, { from: 'async', tagged: true }]);
  });

  it('names an unknown pipeline and the valid ones', async () => {
    await assert.rejects(
      async () => crawl(CatalogueSpider, { settings: { ...quiet, ITEM_PIPELINES: { Nope: 1 } }, logSink: new MemorySink() }),
      /ITEM_PIPELINES: no component named "Nope"/,
    );
  });
});

describe('bad input in pages', { timeout: 30_000 }, () => {
  it('skips and counts invalid links in malformed HTML with a wrong charset, never crashing', async () => {
    const { createServer } = await import('node:http');
    const html = Buffer.from(
      '<html><head><meta charset="shift_jis"><title>caf\xe9</title><body><p>unclosed <b>bold <a href="http://[bad">x</a>' +
        '<a href="javascript:void(0)">js</a><a href="mailto:a@b.c">m</a><a href="http://exa mple.com:99999/">p</a>' +
        '<a href="/ok">ok</a><a href="ok">dup</a><table><tr><td>cell</table></div></div>',
      'latin1',
    );
    const server = createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end(req.url === '/ok' ? '<title>fine</title>' : html);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      class Links extends Spider {
        override name = 'links';
        override startUrls = [`${origin}/`];
        override *parse(r: Response) {
          yield { url: r.url, title: r.css('title::text').get(), cell: r.css('td::text').get() };
          yield* r.followAll(r.css('a'));
        }
      }
      const { items, stats, reason } = await crawl(Links, { settings: quiet, logSink: new MemorySink() });
      assert.equal(reason, 'finished');
      assert.deepEqual(items.map((i) => (i as { url: string }).url).sort(), [`${origin}/`, `${origin}/ok`]);
      assert.equal((items[0] as { cell: string }).cell, 'cell');
      assert.ok((stats['request/invalid_url_count'] as number) >= 3, JSON.stringify(stats));
      assert.equal(stats['spider_exceptions/count'], undefined);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

describe('backpressure', { timeout: 60_000 }, () => {
  it('holds back while a slow pipeline is behind, says so, and finishes', async () => {
    const sink = new MemorySink();
    let maxActive = 0;
    const backouts: Array<string | null> = [];
    // Items wait until the engine says it holds back (however fast or slow the machine is,
    // the pipeline is behind until then), and pass at once after.
    let caughtUp!: () => void;
    const behind = new Promise<void>((resolve) => (caughtUp = resolve));
    class SlowPipeline {
      async processItem(item: unknown) {
        await behind;
        return item;
      }
    }
    const crawler = new Crawler(CatalogueSpider, {
      args: { startUrl: `${site.origin}/` },
      settings: { ...quiet, ITEM_PIPELINES: { SlowPipeline: 1 }, SCRAPER_SLOT_MAX_ACTIVE_SIZE: 20_000, CONCURRENT_ITEMS: 1 },
      components: { SlowPipeline },
      logSink: sink,
    });
    crawler.signals.connect('backout', ({ reason }) => {
      backouts.push(reason);
      if (crawler.engine) maxActive = Math.max(maxActive, crawler.engine.status().scraperBytes);
      if (reason) caughtUp();
    });
    const sample = setInterval(() => {
      if (crawler.engine) maxActive = Math.max(maxActive, crawler.engine.status().scraperBytes);
    }, 5);
    const { items, stats } = await crawler.crawl();
    clearInterval(sample);
    assert.equal(items.length, site.expectedProductIds().length);
    // Memory stays flat: what the scraper holds never grows far past the budget (one batch of
    // in-flight responses may land after the engine stopped pulling).
    assert.ok(maxActive > 0 && maxActive < 20_000 + 64 * 5_000, `scraper held up to ${maxActive} bytes`);
    assert.ok(backouts.includes('slow item pipelines or callbacks'), 'a backout event was sent');
    assert.ok(backouts.includes(null), 'and its end');
    assert.ok((stats['engine/backout_count'] as number) >= 1);
    assert.ok(sink.lines.some((l) => l.includes('INFO: Holding back new requests: slow item pipelines')));
    assert.ok(sink.lines.some((l) => l.includes('INFO: Resumed taking new requests after holding back')));
  });
});

describe('no process-global state', { timeout: 120_000 }, () => {
  const resources = () => {
    const counts: Record<string, number> = {};
    for (const r of process.getActiveResourcesInfo()) counts[r] = (counts[r] ?? 0) + 1;
    return counts;
  };
  const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);

  it('runs 200 crawls in sequence and 10 at once without growing handles, listeners or heap', async () => {
    class Small extends Spider {
      override name = 'small';
      override startUrls = [`${site.origin}/catalogue/page-1.html`];
      override *parse(r: Response) {
        yield { url: r.url, n: r.css('li.product').length };
      }
    }
    const options = { settings: quiet, logSink: new MemorySink() };
    for (let i = 0; i < 10; i++) await crawl(Small, options);
    await new Promise((r) => setTimeout(r, 50));
    global.gc?.();
    const before = resources();
    const heapBefore = process.memoryUsage().heapUsed;
    const listenersBefore = process.listenerCount('exit') + process.listenerCount('SIGINT') + process.listenerCount('warning');
    for (let i = 0; i < 200; i++) {
      const { items, reason } = await crawl(Small, { settings: quiet, logSink: new MemorySink() });
      assert.equal(reason, 'finished');
      assert.equal(items.length, 1);
    }
    const process10 = new CrawlerProcess({ settings: quiet, logSink: new MemorySink() });
    for (let i = 0; i < 10; i++) process10.crawl(Small, { settings: { BOT_NAME: `bot${i}` } });
    const results = await process10.join();
    assert.equal(results.length, 10);
    assert.ok(results.every((r) => r.items.length === 1 && r.stats.item_scraped_count === 1));
    await new Promise((r) => setTimeout(r, 100));
    global.gc?.();
    const afterCounts = resources();
    assert.ok(total(afterCounts) <= total(before) + 2, `handles grew: ${JSON.stringify(before)} → ${JSON.stringify(afterCounts)}`);
    const listenersAfter = process.listenerCount('exit') + process.listenerCount('SIGINT') + process.listenerCount('warning');
    assert.equal(listenersAfter, listenersBefore);
    const growth = process.memoryUsage().heapUsed - heapBefore;
    assert.ok(growth < 30 * 1024 * 1024, `heap grew by ${(growth / 1e6).toFixed(1)} MB over 210 crawls`);
  });
});
