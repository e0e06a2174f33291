import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { crawl } from '../../../src/crawler/crawl.js';
import { FormRequest } from '../../../src/crawler/http/form-request.js';
import { Headers } from '../../../src/crawler/http/headers.js';
import { JsonRequest } from '../../../src/crawler/http/json-request.js';
import { Request } from '../../../src/crawler/http/request.js';
import type { Response } from '../../../src/crawler/http/response.js';
import { MemorySink } from '../../../src/crawler/logger.js';
import { Spider } from '../../../src/crawler/spider.js';
import { startCatalogueSite, type CatalogueSite } from '../../../src/demo/catalogue-site.js';

let site: CatalogueSite;
before(async () => {
  site = await startCatalogueSite({ products: 3, productBytes: 200 });
});
after(() => site.close());

describe('new Request(url, options) copies the caller’s containers (like Scrapy)', { timeout: 60_000 }, () => {
  it('gives each request its own meta, cbKwargs, cookies, flags and headers', () => {
    const meta: Record<string, number> = {};
    const cbKwargs: Record<string, number> = {};
    const cookies = { a: '1' };
    const flags = ['x'];
    const headers = new Headers({ 'X-A': '1' });
    const reqs = [1, 2, 3].map((n) => {
      meta.n = n;
      cbKwargs.n = n;
      return new Request(`https://example.com/${n}`, { meta, cbKwargs, cookies, flags, headers });
    });
    assert.deepEqual(reqs.map((r) => r.meta.n), [1, 2, 3]);
    assert.deepEqual(reqs.map((r) => r.cbKwargs.n), [1, 2, 3]);
    reqs[0]!.cookies.b = '2';
    reqs[0]!.flags.push('y');
    reqs[0]!.headers.set('X-B', '2');
    assert.deepEqual(cookies, { a: '1' });
    assert.deepEqual(flags, ['x']);
    assert.equal(headers.get('X-B'), null);
    assert.equal(reqs[1]!.headers.get('X-B'), null);
  });

  it('copies in the subclasses and in replace() too', () => {
    const meta = { n: 1 };
    const headers = new Headers();
    const json = new JsonRequest('https://example.com/', { data: {}, meta, headers });
    const form = new FormRequest('https://example.com/', { formdata: { a: '1' }, meta, headers });
    meta.n = 2;
    assert.equal(json.meta.n, 1);
    assert.equal(form.meta.n, 1);
    assert.equal(headers.get('Content-Type'), null, 'JsonRequest/FormRequest set their defaults on their own copy');
    const copy = json.replace({ url: 'https://example.com/2' });
    copy.meta.n = 3;
    assert.equal(json.meta.n, 1);
  });

  it('delivers 1, 2, 3 to the callbacks of a start() that reuses one meta object', async () => {
    const seen: number[] = [];
    const origin = site.origin;
    class Reuse extends Spider {
      override name = 'reuse';
      override async *start() {
        const meta: Record<string, number> = {};
        for (let n = 1; n <= 3; n++) {
          meta.n = n;
          yield new Request(`${origin}/product/${n}`, { meta, cbKwargs: { n: meta.n } });
        }
      }
      override parse(r: Response, kw: Record<string, number>) {
        seen.push(r.meta.n);
        assert.equal(kw.n, r.meta.n);
      }
    }
    const result = await crawl(Reuse, { settings: { LOG_LEVEL: 'ERROR', LOGSTATS_INTERVAL: 0, STATS_DUMP: false }, logSink: new MemorySink() });
    assert.equal(result.reason, 'finished');
    assert.deepEqual(seen.sort(), [1, 2, 3]);
  });
});
