import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, promises, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { crawl } from '../../src/crawler/crawl.js';
import { autoParseThreads, parseThreadCount, WARM_UP_PAGES } from '../../src/crawler/parse-ahead.js';
import type { Response } from '../../src/crawler/http/response.js';
import { MemorySink } from '../../src/crawler/logger.js';
import { Spider } from '../../src/crawler/spider.js';
import { startCatalogueSite, type CatalogueSite } from '../../src/demo/catalogue-site.js';
import { CatalogueSpider } from '../../src/demo/catalogue-spider.js';

// Every page after the warm-up goes to the thread, however slow the machine: the main thread
// parses a page itself only when 16 wait for the thread, and here at most 8 can. A response
// waiting for its parse holds the scraper's budget (1 byte), so the engine starts nothing new
// until it is done: only the 8 downloads in flight can join it, never a growing queue (a
// thread slow to start on a busy machine once let 200 pages pile up and go to the main thread).
const quiet = {
  LOG_LEVEL: 'INFO',
  LOGSTATS_INTERVAL: 0,
  STATS_DUMP: false,
  CONCURRENT_REQUESTS: 8,
  CONCURRENT_REQUESTS_PER_DOMAIN: 8,
  SCRAPER_SLOT_MAX_ACTIVE_SIZE: 1,
};
let shop: CatalogueSite;
let api: Server;
let apiOrigin: string;

before(async () => {
  shop = await startCatalogueSite({ products: 300, productBytes: 4000 });
  // /page/N: HTML linking to /data/N (JSON) and /page/N+1; ends at 150.
  api = createServer((req, res) => {
    const [, kind, n] = req.url!.split('/');
    const i = Number(n);
    if (kind === 'page') {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(`<html><body><h1>Page ${i}</h1><a class="data" href="/data/${i}">data</a>${i < 150 ? `<a class="next" href="/page/${i + 1}">next</a>` : ''}</body></html>`);
    } else {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ id: i, html: '<b>not to parse</b>' }));
    }
  });
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
  apiOrigin = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
});
after(async () => {
  await shop.close();
  await new Promise((r) => api.close(r));
});

const sortedJson = (items: unknown[]) => items.map((i) => JSON.stringify(i)).sort();
const GiB = 1024 ** 3;
/** OS threads of this process (Linux). */
const osThreads = () => readdirSync('/proc/self/task').length;

describe('PARSE_THREADS', { timeout: 90_000 }, () => {
  it('parses pages on a thread after the warm-up, and scrapes exactly what the main thread scrapes', async () => {
    const args = { startUrl: `${shop.origin}/` };
    const threaded = await crawl(CatalogueSpider, { args, settings: { ...quiet, PARSE_THREADS: 1 }, logSink: new MemorySink() });
    const single = await crawl(CatalogueSpider, { args, settings: { ...quiet, PARSE_THREADS: 0 }, logSink: new MemorySink() });
    assert.equal(threaded.reason, 'finished');
    assert.equal(threaded.items.length, shop.expectedProductIds().length);
    assert.deepEqual(sortedJson(threaded.items), sortedJson(single.items));
    const onThread = threaded.stats['parse/thread_count'] as number;
    const onMain = threaded.stats['parse/main_count'] as number;
    // The warm-up, plus the pages that reached their callback before it was over (at most those in flight).
    assert.ok(onMain >= WARM_UP_PAGES && onMain <= WARM_UP_PAGES + quiet.CONCURRENT_REQUESTS, `${onMain} pages parsed on the main thread first`);
    assert.ok(onThread > 200, `${onThread} pages parsed on the thread`);
    assert.equal(onThread + onMain, threaded.stats.response_received_count as number - (threaded.stats['httperror/response_ignored_count'] as number));
    assert.equal(single.stats['parse/thread_count'], undefined);
  });

  it('parses ahead only for callbacks that query their page (not JSON or text callbacks)', async () => {
    const seen: string[] = [];
    class Mixed extends Spider {
      override name = 'mixed';
      override startUrls = [`${apiOrigin}/page/1`];
      override *parse(response: Response) {
        seen.push(response.css('h1::text').get()!);
        yield response.follow(response.css('a.data::attr(href)').get()!, { callback: this.parseData });
        const next = response.css('a.next::attr(href)').get();
        if (next) yield response.follow(next);
      }
      *parseData(response: Response) {
        yield { id: response.json().id, length: response.text.length };
      }
    }
    const { items, stats } = await crawl(Mixed, { settings: { ...quiet, PARSE_THREADS: 1 }, logSink: new MemorySink() });
    assert.equal(items.length, 150);
    assert.equal(seen.length, 150);
    assert.ok((stats['parse/thread_count'] as number) > 100);
    assert.equal(stats['parse/thread_unused_count'], undefined, 'no JSON response was parsed for nothing');
  });

  it('keeps every Response accessor working after the pool engages (the body sent to a thread is a copy)', async () => {
    // Bodies small enough to share Node's Buffer pool slab and some larger than it: moving a
    // view of a shared buffer to the thread would empty this page, or others, for the callback.
    const pageCount = 120;
    const pageHtml = (i: number) =>
      `<html><head><base href="/p/"></head><body><h1>Page ${i}</h1><p>${'é'.repeat(i % 3 === 0 ? 6000 : 40 + i)}</p>` +
      `<a class="data" href="/d/${i}">data</a>${i < pageCount ? `<a class="next" href="${i + 1}">next</a>` : ''}</body></html>`;
    const dataJson = (i: number) => JSON.stringify({ id: i, pad: 'x'.repeat(i * 7) });
    const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
    const site = createServer((req, res) => {
      const [, kind, n] = req.url!.split('/');
      const i = Number(n);
      res.setHeader('content-type', kind === 'p' ? 'text/html; charset=utf-8' : 'application/json');
      res.end(kind === 'p' ? pageHtml(i) : dataJson(i));
    });
    await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
    const origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    const kept: Array<{ response: Response; expected: string }> = [];
    const problems: string[] = [];
    const check = (what: string, i: number, actual: unknown, expected: unknown) => {
      if (actual !== expected) problems.push(`${what} of ${i}: ${JSON.stringify(actual)?.slice(0, 60)} !== ${JSON.stringify(expected)?.slice(0, 60)}`);
    };
    class Accessors extends Spider {
      override name = 'accessors';
      override startUrls = [`${origin}/p/1`];
      override *parse(response: Response) {
        const i = Number(response.url.split('/').pop());
        const html = pageHtml(i);
        check('css', i, response.css('h1::text').get(), `Page ${i}`);
        check('body length', i, response.body.length, Buffer.byteLength(html));
        check('body hash', i, sha(response.body), sha(Buffer.from(html)));
        check('text', i, response.text, html);
        check('encoding', i, response.encoding, 'utf-8');
        check('selector', i, response.selector.css('p::text').get()?.length, html.match(/<p>(.*?)<\/p>/)![1]!.length);
        check('baseUrl', i, response.baseUrl, `${origin}/p/`);
        check('urljoin', i, response.urljoin('x'), `${origin}/p/x`);
        check('replace', i, sha(response.replace({}).body), sha(Buffer.from(html)));
        kept.push({ response, expected: html });
        yield { page: i };
        yield response.follow(response.css('a.data')[0]!, { callback: this.parseData });
        const next = response.css('a.next::attr(href)').get();
        if (next) yield response.follow(next);
      }
      *parseData(response: Response) {
        const i = Number(response.url.split('/').pop());
        check('json', i, JSON.stringify(response.json()), dataJson(i));
        check('data body', i, sha(response.body), sha(Buffer.from(dataJson(i))));
        kept.push({ response, expected: dataJson(i) });
      }
    }
    try {
      const { items, stats } = await crawl(Accessors, { settings: { ...quiet, PARSE_THREADS: 1 }, logSink: new MemorySink() });
      assert.equal(items.length, pageCount);
      assert.ok((stats['parse/thread_count'] as number) > 0, 'pages were parsed on the thread');
      assert.deepEqual(problems, []);
      // Nothing sent to a thread later emptied a response kept by the spider.
      for (const { response, expected } of kept) assert.equal(Buffer.from(response.body).toString(), expected, `${response.url} kept its body`);
      assert.equal(kept.length, pageCount * 2);
    } finally {
      await new Promise((r) => site.close(r));
    }
  });

  it("resolves 'auto' to a thread per core but one, at most one per 256 MiB of memory", () => {
    assert.equal(autoParseThreads({ cores: 1, memoryBytes: 16 * GiB }), 0);
    assert.equal(autoParseThreads({ cores: 2, memoryBytes: 16 * GiB }), 1);
    assert.equal(autoParseThreads({ cores: 8, memoryBytes: 16 * GiB }), 7, 'no cap of 4 any more');
    assert.equal(autoParseThreads({ cores: 64, memoryBytes: 64 * GiB }), 63);
    assert.equal(autoParseThreads({ cores: 16, memoryBytes: 1 * GiB }), 4, 'a 1 GiB container');
    assert.equal(autoParseThreads({ cores: 4, memoryBytes: 200 * 1024 ** 2 }), 0);
    assert.equal(parseThreadCount('auto', { cores: 12, memoryBytes: 8 * GiB }), 11);
    assert.equal(parseThreadCount(undefined, { cores: 12, memoryBytes: 8 * GiB }), 11);
    assert.equal(parseThreadCount('3', { cores: 12, memoryBytes: 8 * GiB }), 3, 'a number is taken as given');
    assert.equal(parseThreadCount(16, { cores: 2, memoryBytes: 1 * GiB }), 16);
  });

  it('with PARSE_THREADS=8 and one page at a time, starts one thread and scrapes what the main thread scrapes', async () => {
    const args = { startUrl: `${shop.origin}/` };
    const one = { CONCURRENT_REQUESTS: 1, CONCURRENT_REQUESTS_PER_DOMAIN: 1 };
    const threaded = await crawl(CatalogueSpider, { args, settings: { ...quiet, ...one, PARSE_THREADS: 8 }, logSink: new MemorySink() });
    const single = await crawl(CatalogueSpider, { args, settings: { ...quiet, ...one, PARSE_THREADS: 0 }, logSink: new MemorySink() });
    assert.deepEqual(sortedJson(threaded.items), sortedJson(single.items));
    assert.ok((threaded.stats['parse/thread_count'] as number) > 200);
    // The scraper holds one response at a time (SCRAPER_SLOT_MAX_ACTIVE_SIZE=1): a thread never has one waiting.
    assert.equal(threaded.stats['parse/threads_started'], 1);
    assert.equal(single.stats['parse/threads_started'], undefined);
  });

  it('ends every parse thread it started when the crawl ends', { skip: !existsSync('/proc/self/task') && 'needs /proc' }, async () => {
    // libuv's pool starts its threads on first use: before counting.
    await promises.stat('.');
    const before = osThreads();
    let during = 0;
    class Counting extends CatalogueSpider {
      override *parseProduct(response: Response) {
        during = Math.max(during, osThreads());
        yield* super.parseProduct(response);
      }
    }
    const result = await crawl(Counting, {
      args: { startUrl: `${shop.origin}/` },
      settings: { ...quiet, CONCURRENT_REQUESTS: 32, CONCURRENT_REQUESTS_PER_DOMAIN: 32, SCRAPER_SLOT_MAX_ACTIVE_SIZE: 5_000_000, PARSE_THREADS: 8 },
      logSink: new MemorySink(),
    });
    assert.deepEqual(sortedJson(result.items), sortedJson((await crawl(CatalogueSpider, { args: { startUrl: `${shop.origin}/` }, settings: { ...quiet, PARSE_THREADS: 0 }, logSink: new MemorySink() })).items));
    const started = result.stats['parse/threads_started'] as number;
    assert.ok(started >= 1 && started <= 8, `${started} threads started`);
    assert.ok(during >= before + 1, 'a parse thread ran during the crawl');
    // terminate() has resolved for each; the OS threads are joined right after.
    for (let i = 0; osThreads() > before && i < 400; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(osThreads(), before, 'no parse thread outlives the crawl');
  });

  it('refuses a value that is neither auto nor a thread count, naming the setting', async () => {
    await assert.rejects(
      async () =>
        await crawl(CatalogueSpider, { args: { startUrl: `${shop.origin}/` }, settings: { ...quiet, PARSE_THREADS: 'many' as never }, logSink: new MemorySink() }),
      /PARSE_THREADS must be 'auto' or a whole number from 0 to 64 .* got "many"/,
    );
  });
});
