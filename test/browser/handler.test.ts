import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { crawl } from '../../src/crawler/crawl.js';
import { BrowserRequest } from '../../src/crawler/downloader/handlers/browser/browser-request.js';
import { BrowserNotAvailableError } from '../../src/crawler/downloader/handlers/browser/errors.js';
import { InvalidArgumentError } from '../../src/crawler/errors.js';
import { DownloadTimeoutError, MaxSizeExceededError } from '../../src/crawler/errors.js';
import { Request, type Failure } from '../../src/crawler/http/request.js';
import type { Response } from '../../src/crawler/http/response.js';
import { MemorySink } from '../../src/crawler/logger.js';
import { Spider } from '../../src/crawler/spider.js';
import { allGone, chromiumTree, skipWithoutChromium, type SeenProcess } from './chromium-processes.js';
import { startJsSite, type JsSite } from './js-site.js';

const quiet = { LOG_LEVEL: 'INFO', LOGSTATS_INTERVAL: 0, STATS_DUMP: false, ROBOTSTXT_OBEY: false, TELNETCONSOLE_ENABLED: false };
let site: JsSite;

before(async () => {
  site = await startJsSite();
});
after(() => site.close());

/** A spider from a list of start requests and one callback. */
function spiderOf(starts: () => Request[], parse: (this: Spider, r: Response) => unknown, errback?: (f: Failure) => unknown) {
  return class extends Spider {
    override name = 'js';
    override async *start() {
      for (const r of starts()) yield r;
    }
    override parse(response: Response) {
      return parse.call(this, response) as never;
    }
    failed(f: Failure) {
      return errback?.(f) as never;
    }
  };
}

describe('browser rendering', { skip: skipWithoutChromium, timeout: 120_000 }, () => {
  it('extracts content written by scripts, beside plain requests of the same spider', async () => {
    const S = spiderOf(
      () => [new Request(`${site.origin}/list?n=4`, { meta: { browser: true, kind: 'rendered' } }), new Request(`${site.origin}/list?n=4&plain`, { meta: { kind: 'plain' } })],
      (r) => [{ kind: r.meta.kind, items: r.css('li.item a::text').getall(), flags: r.flags, type: r.headers.get('Content-Type') }],
    );
    const { items, stats, reason } = await crawl(S, { settings: quiet, logSink: new MemorySink() });
    assert.equal(reason, 'finished');
    const rendered = items.find((i: any) => i.kind === 'rendered') as any;
    const plain = items.find((i: any) => i.kind === 'plain') as any;
    assert.deepEqual(rendered.items, ['Item 1', 'Item 2', 'Item 3', 'Item 4']);
    assert.ok(rendered.flags.includes('browser'));
    assert.equal(rendered.type, 'text/html; charset=utf-8');
    assert.deepEqual(plain.items, [], 'a plain request sees the page before its scripts ran');
    assert.equal(stats['browser/pages'], 1);
    assert.equal(stats['browser/launches'], 1);
    assert.equal(stats['browser/crashes'], undefined);
  });

  it('gives the final URL after redirects and the status of the page, with xpath too', async () => {
    const S = spiderOf(
      () => [new BrowserRequest(`${site.origin}/go`), new BrowserRequest(`${site.origin}/gone`)],
      (r) => [{ url: r.url, status: r.status, n: r.xpath('//li[@class="item"]').length, msg: r.css('#msg::text').get() }],
    );
    const { items } = await crawl(S, { settings: { ...quiet, HTTPERROR_ALLOWED_CODES: [404] }, logSink: new MemorySink() });
    const byStatus = new Map(items.map((i: any) => [i.status, i]));
    assert.deepEqual(byStatus.get(200), { url: `${site.origin}/list?n=2`, status: 200, n: 2, msg: undefined });
    assert.deepEqual(byStatus.get(404), { url: `${site.origin}/gone`, status: 404, n: 0, msg: 'not here' });
  });

  it('renders every request of a spider with BROWSER_RENDER_ALL, except those with meta.browser false', async () => {
    const S = spiderOf(
      () => [new Request(`${site.origin}/list?n=3&all`), new Request(`${site.origin}/list?n=3&off`, { meta: { browser: false } })],
      (r) => [{ url: r.url, n: r.css('li.item').length }],
    );
    const { items, stats } = await crawl(S, { settings: { ...quiet, BROWSER_RENDER_ALL: true }, logSink: new MemorySink() });
    const n = Object.fromEntries(items.map((i: any) => [new URL(i.url).search, i.n]));
    assert.deepEqual(n, { '?n=3&all': 3, '?n=3&off': 0 });
    assert.equal(stats['browser/pages'], 1);
  });

  it('follows links from rendered pages, with no more than BROWSER_MAX_PAGES pages at once', async () => {
    site.maxInFlight = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let waiting = 0;
    // Hold the first two detail pages until both arrived: proves two run at once, then let all go.
    site.onDetail = async () => {
      if (++waiting <= 2) {
        if (waiting === 2) release();
        await gate;
      }
    };
    try {
      const S = spiderOf(
        () => [new BrowserRequest(`${site.origin}/list?n=8`)],
        function (r) {
          if (r.url.includes('/detail/')) return [{ title: r.css('h1::text').get() }];
          return r.followAll(r.css('li.item a'), { meta: { browser: true } });
        },
      );
      const { items, stats } = await crawl(S, { settings: { ...quiet, BROWSER_MAX_PAGES: 2, BROWSER_CONTEXT_MAX_PAGES: 3 }, logSink: new MemorySink() });
      assert.deepEqual(items.map((i: any) => i.title).sort(), [1, 2, 3, 4, 5, 6, 7, 8].map((i) => `Detail ${i}`).sort());
      assert.equal(site.maxInFlight, 2);
      assert.equal(stats['browser/pages'], 9);
      assert.ok((stats['browser/contexts_recycled'] as number) >= 2, `contexts recycled after 3 pages: ${stats['browser/contexts_recycled']}`);
    } finally {
      site.onDetail = null;
    }
  });

  it('ends a navigation that takes too long with a DownloadTimeoutError', async () => {
    const errors: Error[] = [];
    const S = spiderOf(
      () => [new BrowserRequest(`${site.origin}/hang`, { errback: 'failed' })],
      () => [],
      (f) => void errors.push(f.error),
    );
    const { reason } = await crawl(S, { settings: { ...quiet, BROWSER_NAVIGATION_TIMEOUT: 1, RETRY_ENABLED: false }, logSink: new MemorySink() });
    assert.equal(reason, 'finished');
    assert.equal(errors.length, 1);
    assert.ok(errors[0] instanceof DownloadTimeoutError, String(errors[0]));
    assert.match(errors[0]!.message, /BROWSER_NAVIGATION_TIMEOUT/);
  });

  it('does not load blocked resource types', async () => {
    site.hits.delete('/pixel.png');
    const S = spiderOf(() => [new BrowserRequest(`${site.origin}/with-image`)], (r) => [{ done: r.css('#done::text').get() }]);
    const { items, stats } = await crawl(S, { settings: { ...quiet, BROWSER_BLOCKED_RESOURCES: 'image,font,media' }, logSink: new MemorySink() });
    assert.deepEqual(items, [{ done: 'rendered' }]);
    assert.equal(site.hits.get('/pixel.png'), undefined);
    assert.equal(stats['browser/blocked_resources'], 1);
  });

  it('applies DOWNLOAD_MAXSIZE to the rendered page', async () => {
    const errors: Error[] = [];
    const S = spiderOf(
      () => [new BrowserRequest(`${site.origin}/list?n=50&big`, { errback: 'failed' }), new BrowserRequest(`${site.origin}/list?n=1&small`, { meta: { download_maxsize: 0 } })],
      (r) => [{ n: r.css('li.item').length }],
      (f) => void errors.push(f.error),
    );
    const { items } = await crawl(S, { settings: { ...quiet, DOWNLOAD_MAXSIZE: 1500 }, logSink: new MemorySink() });
    assert.deepEqual(items, [{ n: 1 }]);
    assert.ok(errors[0] instanceof MaxSizeExceededError, String(errors[0]));
    assert.match(errors[0]!.message, /more than DOWNLOAD_MAXSIZE \(or meta\.download_maxsize\) of 1500/);
  });

  it('keeps the body of a non-HTML answer as sent', async () => {
    const S = spiderOf(() => [new BrowserRequest(`${site.origin}/data.json`)], (r) => [r.json()]);
    const { items } = await crawl(S, { settings: quiet, logSink: new MemorySink() });
    assert.deepEqual(items, [{ ok: true }]);
  });

  it('fails rendered requests with a clear error when Chromium cannot be found', async () => {
    const errors: Error[] = [];
    const S = spiderOf(
      () => [new BrowserRequest(`${site.origin}/list`, { errback: 'failed' }), new Request(`${site.origin}/list?plain`)],
      () => [{ plain: true }],
      (f) => void errors.push(f.error),
    );
    const { items } = await crawl(S, { settings: { ...quiet, BROWSER_EXECUTABLE_PATH: '/nonexistent/chromium' }, logSink: new MemorySink() });
    assert.deepEqual(items, [{ plain: true }]);
    assert.ok(errors[0] instanceof BrowserNotAvailableError, String(errors[0]));
    assert.match(errors[0]!.message, /BROWSER_EXECUTABLE_PATH is "\/nonexistent\/chromium"/);
  });

  it('refuses bad BROWSER_* settings before the crawl starts', async () => {
    const S = spiderOf(() => [], () => []);
    await assert.rejects(async () => crawl(S, { settings: { ...quiet, BROWSER_BLOCKED_RESOURCES: ['images'] }, logSink: new MemorySink() }), (e: Error) => {
      assert.ok(e instanceof InvalidArgumentError, String(e));
      assert.match(e.message, /BROWSER_BLOCKED_RESOURCES has "images"; valid resource types: image, font/);
      return true;
    });
    await assert.rejects(async () => crawl(S, { settings: { ...quiet, BROWSER_MAX_PAGES: 0 }, logSink: new MemorySink() }), /BROWSER_MAX_PAGES must be a whole number of 1 or more, got 0/);
  });

  it('closes the browser and all its processes with the crawl', async () => {
    let seen: SeenProcess[] = [];
    const S = spiderOf(() => [new BrowserRequest(`${site.origin}/list?n=1`)], () => {
      seen = chromiumTree(process.pid);
      return [];
    });
    await crawl(S, { settings: quiet, logSink: new MemorySink() });
    assert.ok(seen.length >= 2, `the browser and its helpers were seen running: ${JSON.stringify(seen)}`);
    assert.ok(await allGone(seen), `still running: ${JSON.stringify(seen)}`);
  });
});
