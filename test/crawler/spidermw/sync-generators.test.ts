import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { crawl } from '../../../src/crawler/crawl.js';
import { Request } from '../../../src/crawler/http/request.js';
import type { Response } from '../../../src/crawler/http/response.js';
import { MemorySink } from '../../../src/crawler/logger.js';
import { Spider } from '../../../src/crawler/spider.js';
import { startCatalogueSite, type CatalogueSite } from '../../../src/demo/catalogue-site.js';

let site: CatalogueSite;
before(async () => {
  site = await startCatalogueSite({ products: 1, productBytes: 100 });
});
after(() => site.close());

// Written as plain generators, as a Scrapy user writes process_start_requests/process_spider_output.
class SyncTagger {
  static origin = '';
  // A plain generator cannot consume the async stream it is given: it replaces it.
  *processStart() {
    yield { from: 'middleware start' };
    yield new Request(`${SyncTagger.origin}/about`);
  }
  *processSpiderOutput() {
    yield { from: 'middleware output' };
  }
}
class AsyncPassThrough {
  async *processStart(start: AsyncIterable<unknown>) {
    for await (const x of start) yield x;
  }
  async *processSpiderOutput(_response: Response, result: AsyncIterable<unknown>) {
    for await (const x of result) yield x;
  }
}

describe('spider middlewares written as plain (sync) generators', { timeout: 60_000 }, () => {
  it('are chained with async ones for start() and callback output', async () => {
    SyncTagger.origin = site.origin;
    class S extends Spider {
      override name = 's';
      override parse() {
        return [{ from: 'parse' }];
      }
    }
    // SyncTagger is the farthest from the spider (lowest order): the engine gets what it returns.
    const { items, reason } = await crawl(S, {
      settings: { LOG_LEVEL: 'ERROR', LOGSTATS_INTERVAL: 0, STATS_DUMP: false, SPIDER_MIDDLEWARES: { SyncTagger: 10, AsyncPassThrough: 20 } },
      components: { SyncTagger, AsyncPassThrough },
      logSink: new MemorySink(),
    });
    assert.equal(reason, 'finished');
    assert.deepEqual(items, [{ from: 'middleware start' }, { from: 'middleware output' }]);
  });
});
