import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { crawl } from '../../src/crawler/crawl.js';
import { Request } from '../../src/crawler/http/request.js';
import type { Response } from '../../src/crawler/http/response.js';
import { MemorySink } from '../../src/crawler/logger.js';
import { Spider, type SpiderClass } from '../../src/crawler/spider.js';
import { startCatalogueSite, type CatalogueSite } from '../../src/demo/catalogue-site.js';

let site: CatalogueSite;
before(async () => {
  site = await startCatalogueSite({ products: 3, productBytes: 100 });
});
after(() => site.close());

const quiet = { LOG_LEVEL: 'INFO', LOGSTATS_INTERVAL: 0, STATS_DUMP: false };
async function run(cls: SpiderClass) {
  const sink = new MemorySink();
  const result = await crawl(cls, { settings: quiet, logSink: sink });
  return { ...result, warnings: sink.lines.filter((l) => / WARNING: /.test(l)), lines: sink.lines };
}
const path = (r: Response) => [{ path: new URL(r.url).pathname }];

describe('spiders written with Scrapy’s names crawl, with a warning where a rename is due', { timeout: 60_000 }, () => {
  it('accepts a plain (not async) *start() generator', async () => {
    const origin = site.origin;
    class Sync extends Spider {
      override name = 'sync';
      override *start() {
        yield new Request(`${origin}/about`);
        yield { from: 'start' };
      }
      override parse = path;
    }
    const { items, reason } = await run(Sync);
    assert.equal(reason, 'finished');
    assert.deepEqual(items, [{ from: 'start' }, { path: '/about' }]);
  });

  it('calls async *startRequests() (Scrapy’s older name) from the default start()', async () => {
    const origin = site.origin;
    class Old extends Spider {
      override name = 'old';
      override async *startRequests() {
        yield new Request(`${origin}/about`);
      }
      override parse = path;
    }
    const { items, warnings } = await run(Old);
    assert.deepEqual(items, [{ path: '/about' }]);
    assert.deepEqual(warnings, []);
  });

  it('uses start_urls and allowed_domains, and warns to rename them', async () => {
    const origin = site.origin;
    class Snake extends Spider {
      override name = 'snake';
      start_urls = [`${origin}/about`];
      allowed_domains = ['127.0.0.1'];
      override *parse(r: Response) {
        yield* path(r);
        yield r.follow(`${origin.replace('127.0.0.1', 'localhost')}/product/1`);
      }
    }
    const { items, warnings, stats } = await run(Snake);
    assert.deepEqual(items, [{ path: '/about' }], 'the follow to localhost is offsite for allowed_domains');
    assert.equal(stats['offsite/filtered'], 1);
    assert.equal(warnings.length, 2);
    assert.match(warnings[0]!, /Snake sets start_urls \(Scrapy's name\); tscrapy's is startUrls: rename it/);
    assert.match(warnings[1]!, /allowedDomains/);
  });

  it('applies static custom_settings and an instance customSettings, warning for each', async () => {
    const origin = site.origin;
    const seen: unknown[] = [];
    class Settings1 extends Spider {
      static custom_settings = { USER_AGENT: 'snake-agent' };
      override name = 's1';
      override startUrls = [`${origin}/about`];
      override parse(r: Response) {
        seen.push(r.request.headers.get('User-Agent'));
      }
    }
    class Settings2 extends Spider {
      customSettings = { USER_AGENT: 'instance-agent' };
      override name = 's2';
      override startUrls = [`${origin}/about`];
      override parse(r: Response) {
        seen.push(r.request.headers.get('User-Agent'));
      }
    }
    const a = await run(Settings1);
    const b = await run(Settings2);
    assert.deepEqual(seen, ['snake-agent', 'instance-agent']);
    assert.match(a.warnings.join('\n'), /static custom_settings \(Scrapy's name\); tscrapy's is static customSettings/);
    assert.match(b.warnings.join('\n'), /sets customSettings on the instance; make it static/);
  });

  it('calls closed(reason) and warns about a close(reason) it will not call', async () => {
    const origin = site.origin;
    const calls: string[] = [];
    class Closes extends Spider {
      override name = 'closes';
      override startUrls = [`${origin}/about`];
      override parse() {}
      override closed(reason: string) {
        calls.push(`closed ${reason}`);
      }
    }
    class Close extends Spider {
      override name = 'close';
      override startUrls = [`${origin}/about`];
      override parse() {}
      close(reason: string) {
        calls.push(`close ${reason}`);
      }
    }
    assert.deepEqual((await run(Closes)).warnings, []);
    const { warnings } = await run(Close);
    assert.deepEqual(calls, ['closed finished']);
    assert.match(warnings.join('\n'), /Close defines close\(reason\), which tscrapy never calls: rename it closed\(reason\)/);
  });
});
