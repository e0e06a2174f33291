import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MaxRedirectsError, RedirectLoopError } from '../../../src/crawler/downloader/errors.js';
import { MetaRefreshMiddleware, parseRefresh } from '../../../src/crawler/downloader/middlewares/meta-refresh.js';
import { RedirectMiddleware } from '../../../src/crawler/downloader/middlewares/redirect.js';
import { Request } from '../../../src/crawler/http/request.js';
import { Response } from '../../../src/crawler/http/response.js';
import { Logger, MemorySink } from '../../../src/crawler/logger.js';
import { startFaultSite, type FaultSite } from '../../support/fault-site.js';
import { json, onlyMiddlewares, openDownloader, TestSpider, type Harness } from './helpers.js';

describe('RedirectMiddleware', { timeout: 60_000 }, () => {
  let site: FaultSite;
  let h: Harness;
  before(async () => {
    site = await startFaultSite();
    h = await openDownloader({ ...onlyMiddlewares('RedirectMiddleware', 'MetaRefreshMiddleware'), REDIRECT_MAX_TIMES: 5 });
  });
  after(async () => {
    await h.close();
    await site.close();
  });
  const post = (path: string) =>
    new Request(site.url(path), { method: 'POST', body: 'a=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });

  for (const code of [301, 302, 303]) {
    it(`${code} turns a POST into a GET without body`, async () => {
      const r = await h.get(post(`/redirect/${code}?to=/echo`));
      const e = json(r);
      assert.equal(e.method, 'GET');
      assert.equal(e.body, '');
      assert.equal(e.headers['content-type'], undefined);
    });
  }

  for (const code of [307, 308]) {
    it(`${code} keeps method and body`, async () => {
      const e = json(await h.get(post(`/redirect/${code}?to=/echo`)));
      assert.equal(e.method, 'POST');
      assert.equal(e.body, 'a=1');
      assert.equal(e.headers['content-type'], 'application/x-www-form-urlencoded');
    });
  }

  it('keeps HEAD a HEAD on 302', async () => {
    const r = await h.get(new Request(site.url('/redirect/302?to=/ok'), { method: 'HEAD' }));
    assert.equal(r.status, 200);
    assert.equal(r.request.method, 'HEAD');
  });

  it('resolves a relative Location and records the chain, keeping callback, errback and meta', async () => {
    const spider = new TestSpider();
    const cb = () => undefined;
    const eb = () => undefined;
    const first = new Request(site.url('/redirect/301?to=../redirect/302%3Fto%3D/echo'), { callback: cb, errback: eb, meta: { mine: 1 }, priority: 1 });
    const r1 = (await h.downloader.fetch(first, spider)) as Request;
    assert.ok(r1 instanceof Request);
    assert.equal(r1.url, site.url('/redirect/302?to=/echo'));
    assert.equal(r1.callback, cb);
    assert.equal(r1.errback, eb);
    assert.equal(r1.meta.mine, 1);
    assert.equal(r1.priority, 3); // REDIRECT_PRIORITY_ADJUST +2
    const r = await h.get(r1);
    assert.equal(r.url, site.url('/echo'));
    assert.equal(r.meta.redirect_times, 2);
    assert.deepEqual(r.meta.redirect_urls, [first.url, r1.url]);
    assert.deepEqual(r.meta.redirect_reasons, [301, 302]);
  });

  it('passes the response on with meta.dont_redirect or handled statuses', async () => {
    assert.equal((await h.get(new Request(site.url('/redirect/302'), { meta: { dont_redirect: true } }))).status, 302);
    assert.equal((await h.get(new Request(site.url('/redirect/302'), { meta: { handle_httpstatus_list: [302] } }))).status, 302);
    assert.equal((await h.get(new Request(site.url('/redirect/301'), { meta: { handle_httpstatus_all: true } }))).status, 301);
  });

  it('gives up after REDIRECT_MAX_TIMES and detects loops', async () => {
    let url = '/echo';
    for (let i = 0; i < 7; i++) url = `/redirect/302?to=${encodeURIComponent(url)}`;
    await assert.rejects(h.get(site.url(url)), MaxRedirectsError);
    site.reset();
    await assert.rejects(h.get(site.url('/redirect-loop')), RedirectLoopError);
    assert.ok(site.requests.length <= 3);
  });

  it('drops Authorization and Cookie on a cross-domain redirect, keeps them on the same host', () => {
    const mw = new RedirectMiddleware(20, 2, new Logger('t', 10, new MemorySink()));
    const spider = new TestSpider();
    const req = new Request('http://a.example/start', { headers: { Authorization: 'Basic x', Cookie: 'a=1', 'X-Other': 'y' } });
    const to = (loc: string) => new Response({ url: req.url, status: 302, headers: { Location: loc }, request: req });
    const same = mw.processResponse(req, to('/next'), spider) as Request;
    assert.equal(same.headers.get('Authorization'), 'Basic x');
    assert.equal(same.headers.get('Cookie'), 'a=1');
    const other = mw.processResponse(req, to('http://b.example/'), spider) as Request;
    assert.equal(other.headers.get('Authorization'), null);
    assert.equal(other.headers.get('Cookie'), null);
    assert.equal(other.headers.get('X-Other'), 'y');
    // No Location, or a non-http one: the response passes on.
    assert.ok(mw.processResponse(req, new Response({ url: req.url, status: 302, request: req }), spider) instanceof Response);
    assert.ok(mw.processResponse(req, to('mailto:x@y'), spider) instanceof Response);
  });
});

describe('MetaRefreshMiddleware', { timeout: 30_000 }, () => {
  it('parses refresh values', () => {
    assert.deepEqual(parseRefresh('5; url=/next'), { delay: 5, url: '/next' });
    assert.deepEqual(parseRefresh("0;URL='/q?a=1'"), { delay: 0, url: '/q?a=1' });
    assert.equal(parseRefresh('5'), null);
  });

  it('follows a refresh in the head of a page through the downloader', async () => {
    const site = await startFaultSite();
    const h = await openDownloader(onlyMiddlewares('MetaRefreshMiddleware'));
    try {
      const r = await h.get(site.url('/meta-refresh?to=/echo'));
      assert.equal(r.url, site.url('/echo'));
      assert.deepEqual(r.meta.redirect_reasons, ['meta refresh']);
      const slow = await h.get(site.url('/meta-refresh?to=/echo&delay=500'));
      assert.equal(slow.url, site.url('/meta-refresh?to=/echo&delay=500')); // over METAREFRESH_MAXDELAY
    } finally {
      await h.close();
      await site.close();
    }
  });

  it('ignores refreshes inside <noscript>, in the body, or in non-HTML', () => {
    const mw = new MetaRefreshMiddleware(100, ['noscript'], 20, 2, new Logger('t', 10, new MemorySink()));
    const req = new Request('http://a.example/');
    const page = (html: string, type = 'text/html') => new Response({ url: req.url, headers: { 'Content-Type': type }, body: Buffer.from(html), request: req });
    assert.ok(mw.processResponse(req, page('<head><noscript><meta http-equiv="refresh" content="0;url=/x"></noscript></head>')) instanceof Response);
    assert.ok(mw.processResponse(req, page('<head></head><body><meta http-equiv="refresh" content="0;url=/x"></body>')) instanceof Response);
    assert.ok(mw.processResponse(req, page('<meta http-equiv="refresh" content="0;url=/x">', 'application/json')) instanceof Response);
    const r = mw.processResponse(req, page('<HEAD><META HTTP-EQUIV=Refresh CONTENT="1; URL=/x?a=1&amp;b=2"></HEAD>'));
    assert.ok(r instanceof Request);
    assert.equal(r.url, 'http://a.example/x?a=1&b=2');
  });

  it('follows a refresh whatever the case of the word, as browsers do', () => {
    const mw = new MetaRefreshMiddleware(100, ['noscript'], 20, 2, new Logger('t', 10, new MemorySink()));
    const req = new Request('http://a.example/');
    for (const word of ['ReFresh', 'rEfReSh', 'REFRESH']) {
      const html = `<head><meta http-equiv="${word}" content="0;url=/x"></head>`;
      const r = mw.processResponse(req, new Response({ url: req.url, headers: { 'Content-Type': 'text/html' }, body: Buffer.from(html), request: req }));
      assert.ok(r instanceof Request, word);
      assert.equal(r.url, 'http://a.example/x');
    }
  });
});
