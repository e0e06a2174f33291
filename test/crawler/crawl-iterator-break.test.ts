import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { crawl } from '../../src/crawler/crawl.js';
import type { Response } from '../../src/crawler/http/response.js';
import { MemorySink } from '../../src/crawler/logger.js';
import { Spider } from '../../src/crawler/spider.js';

const PAGES = 500;
let server: Server;
let origin = '';
let fetched = 0;

before(async () => {
  // A chain of pages, each linking to the next and to two more: a crawl of it never ends on its own early.
  server = createServer((req, res) => {
    fetched++;
    const n = Number(/^\/page\/(\d+)$/.exec(req.url ?? '')?.[1] ?? 0);
    const links = [n + 1, n + 2, n + 3].filter((i) => i <= PAGES).map((i) => `<a href="/page/${i}">${i}</a>`);
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(`<html><body><h1>${n}</h1>${links.join('')}</body></html>`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise((r) => server.close(r)));

class Chain extends Spider {
  override name = 'chain';
  override startUrls = [`${origin}/page/1`];
  override *parse(r: Response) {
    yield { n: Number(r.css('h1::text').get()) };
    yield* r.followAll(r.css('a'));
  }
}

describe('leaving `for await (const item of crawl(...))` stops the crawl', { timeout: 60_000 }, () => {
  it('stops fetching after a break, and the loop is left once the crawl is over', async () => {
    fetched = 0;
    const run = crawl(Chain, { settings: { LOG_LEVEL: 'INFO', LOGSTATS_INTERVAL: 0, STATS_DUMP: false, CONCURRENT_REQUESTS: 2 }, logSink: new MemorySink() });
    let seen = 0;
    for await (const _item of run) {
      if (++seen === 5) break;
    }
    const afterLoop = fetched;
    const result = await run;
    assert.equal(result.reason, 'shutdown');
    assert.equal(fetched, afterLoop, 'nothing is fetched once the loop is left');
    // Requests in flight when the loop was left finish (a graceful stop); the other ~490 pages are never fetched.
    assert.ok(fetched < 50, `${fetched} pages fetched after breaking at item 5`);
  });

  it('keeps crawling while another loop still iterates the same run', async () => {
    fetched = 0;
    const run = crawl(Chain, { settings: { LOG_LEVEL: 'INFO', LOGSTATS_INTERVAL: 0, STATS_DUMP: false, CLOSESPIDER_ITEMCOUNT: 30 }, logSink: new MemorySink() });
    const it1 = run[Symbol.asyncIterator]();
    const it2 = run[Symbol.asyncIterator]();
    await it1.next();
    await it1.return!();
    let n = 1;
    while (!(await it2.next()).done) n++;
    const result = await run;
    assert.equal(result.reason, 'closespider_itemcount');
    assert.ok(n >= 30, `${n} items reached the second loop`);
  });
});
