import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HttpError } from '../../../src/crawler/errors.js';
import { Request } from '../../../src/crawler/http/request.js';
import { Response } from '../../../src/crawler/http/response.js';
import { Spider } from '../../../src/crawler/spider.js';
import { DepthMiddleware } from '../../../src/crawler/spidermw/depth.js';
import { HttpErrorMiddleware } from '../../../src/crawler/spidermw/http-error.js';
import { OffsiteMiddleware } from '../../../src/crawler/spidermw/offsite.js';
import { RefererMiddleware } from '../../../src/crawler/spidermw/referer.js';
import { UrlLengthMiddleware } from '../../../src/crawler/spidermw/url-length.js';
import { testContext } from '../../support/context.js';

const response = (url: string, status = 200, meta: Record<string, unknown> = {}) =>
  new Response({ url, status, request: new Request(url, { meta }) });

describe('OffsiteMiddleware', () => {
  it('keeps allowed domains and their subdomains, drops the rest once-logged and counted', () => {
    const spider = new (class extends Spider {
      override name = 'o';
      override allowedDomains = ['example.com', 'https://bad-entry.com/', 'withport.com:8080'];
    })();
    const ctx = testContext({}, spider);
    const mw = OffsiteMiddleware.fromCrawler(ctx);
    const keep = (url: string) => mw.processOutput(new Request(url)) !== null;
    assert.equal(keep('https://example.com/a'), true);
    assert.equal(keep('https://shop.example.com/a'), true);
    assert.equal(keep('https://notexample.com/a'), false);
    assert.equal(keep('https://evil.com/?u=example.com'), false);
    assert.equal(keep('https://user:pw@evil.com/x'), false);
    assert.equal(keep('https://evil.com/b'), false);
    assert.equal(mw.processOutput(new Request('https://evil.com/c', { meta: { allow_offsite: true } })) !== null, true);
    assert.equal(ctx.stats.getValue('offsite/filtered'), 4);
    assert.equal(ctx.stats.getValue('offsite/domains'), 2);
    assert.ok(ctx.sink.lines.some((l) => l.includes('allowedDomains accepts only domains, not URLs')));
    assert.ok(ctx.sink.lines.some((l) => l.includes('without ports')));
  });
});

describe('DepthMiddleware', () => {
  it('sets depth, applies DEPTH_PRIORITY and drops beyond DEPTH_LIMIT', () => {
    const ctx = testContext({ DEPTH_LIMIT: 2, DEPTH_PRIORITY: 1, DEPTH_STATS_VERBOSE: true });
    const mw = DepthMiddleware.fromCrawler(ctx);
    const start = mw.processOutput(new Request('https://e.com/'), null) as Request;
    assert.equal(start.meta.depth, 0);
    const r1 = mw.processOutput(new Request('https://e.com/1'), response('https://e.com/', 200, { depth: 0 })) as Request;
    assert.equal(r1.meta.depth, 1);
    assert.equal(r1.priority, -1);
    assert.notEqual(mw.processOutput(new Request('https://e.com/2'), response('https://e.com/1', 200, { depth: 1 })), null);
    assert.equal(mw.processOutput(new Request('https://e.com/3'), response('https://e.com/2', 200, { depth: 2 })), null);
    assert.equal(ctx.stats.getValue('request_depth_max'), 2);
    assert.equal(ctx.stats.getValue('request_depth_count/1'), 1);
  });
});

describe('HttpErrorMiddleware', () => {
  it('lets 2xx and allowed statuses through and turns others into HttpError', () => {
    const ctx = testContext({ HTTPERROR_ALLOWED_CODES: [404] });
    const mw = HttpErrorMiddleware.fromCrawler(ctx);
    mw.processSpiderInput(response('https://e.com/', 200), ctx.spider);
    mw.processSpiderInput(response('https://e.com/', 404), ctx.spider);
    mw.processSpiderInput(response('https://e.com/', 500, { handle_httpstatus_list: [500] }), ctx.spider);
    mw.processSpiderInput(response('https://e.com/', 503, { handle_httpstatus_all: true }), ctx.spider);
    assert.throws(() => mw.processSpiderInput(response('https://e.com/x', 500), ctx.spider), (e: Error) => e instanceof HttpError && /\(500\)/.test(e.message));
    assert.equal(ctx.stats.getValue('httperror/response_ignored_status_count/500'), 1);
  });
});

describe('RefererMiddleware and UrlLengthMiddleware', () => {
  it('sets Referer without credentials or fragment, never https → http', () => {
    const mw = RefererMiddleware.fromCrawler(testContext());
    const from = response('https://u:p@e.com/a#frag');
    assert.equal((mw.processOutput(new Request('https://e.com/b'), from) as Request).headers.get('Referer'), 'https://e.com/a');
    assert.equal((mw.processOutput(new Request('http://e.com/c'), from) as Request).headers.get('Referer'), null);
  });

  it('drops over-long URLs', () => {
    const ctx = testContext({ URLLENGTH_LIMIT: 30 });
    const mw = UrlLengthMiddleware.fromCrawler(ctx);
    assert.equal(mw.processOutput(new Request('https://e.com/' + 'x'.repeat(40))), null);
    assert.notEqual(mw.processOutput(new Request('https://e.com/ok')), null);
    assert.equal(ctx.stats.getValue('urllength/request_ignored_count'), 1);
  });
});
