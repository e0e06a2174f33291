import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DownloaderClosedError } from '../../../src/crawler/downloader/errors.js';
import { ConnectionError, DownloadTimeoutError } from '../../../src/crawler/errors.js';
import { Request } from '../../../src/crawler/http/request.js';
import { startFaultSite, type FaultSite } from '../../support/fault-site.js';
import { onlyMiddlewares, openDownloader, text } from './helpers.js';

describe('RetryMiddleware', { timeout: 60_000 }, () => {
  let site: FaultSite;
  before(async () => {
    site = await startFaultSite();
  });
  after(() => site.close());

  it('retries RETRY_HTTP_CODES and counts reasons', async () => {
    const h = await openDownloader(onlyMiddlewares('RetryMiddleware'));
    try {
      const first = new Request(site.url('/flaky?key=a&fail=2'), { priority: 5 });
      const r1 = await h.downloader.fetch(first, h.spider);
      assert.ok(r1 instanceof Request);
      assert.equal(r1.meta.retry_times, 1);
      assert.equal(r1.priority, 4); // RETRY_PRIORITY_ADJUST -1
      assert.equal(r1.dontFilter, true);
      const r = await h.get(r1);
      assert.equal(r.status, 200);
      assert.match(text(r), /after 2 failures/);
      const s = h.stats.getStats();
      assert.equal(s['retry/count'], 2);
      assert.equal(s['retry/reason_count/503 Service Unavailable'], 2);
    } finally {
      await h.close();
    }
  });

  it('passes the last response on when retries run out (for HttpError handling)', async () => {
    const h = await openDownloader({ ...onlyMiddlewares('RetryMiddleware'), RETRY_TIMES: 2 });
    try {
      site.reset();
      const r = await h.get(site.url('/status/500'));
      assert.equal(r.status, 500);
      assert.equal(site.requests.length, 3);
      assert.equal(h.stats.getValue('retry/max_reached'), 1);
      assert.ok(h.sink.lines.some((l) => l.includes('ERROR') && l.includes('Gave up retrying') && l.includes('500 Internal Server Error')));
    } finally {
      await h.close();
    }
  });

  it('honours meta.dont_retry and meta.max_retry_times', async () => {
    const h = await openDownloader(onlyMiddlewares('RetryMiddleware'));
    try {
      site.reset();
      const r = await h.get(new Request(site.url('/status/503'), { meta: { dont_retry: true } }));
      assert.equal(r.status, 503);
      assert.equal(site.requests.length, 1);
      site.reset();
      await h.get(new Request(site.url('/status/503'), { meta: { max_retry_times: 4 } }));
      assert.equal(site.requests.length, 5);
      site.reset();
      await h.get(new Request(site.url('/status/503'), { meta: { max_retry_times: 0 } }));
      assert.equal(site.requests.length, 1);
    } finally {
      await h.close();
    }
  });

  it('retries network errors and timeouts, then gives the error to the errback', async () => {
    const h = await openDownloader({ ...onlyMiddlewares('RetryMiddleware'), DOWNLOAD_TIMEOUT: 0.2 });
    try {
      const r = await h.get(site.url('/flaky-drop?key=d&fail=2'));
      assert.equal(r.status, 200);
      assert.equal(h.stats.getValue('retry/reason_count/ConnectionError'), 2);
      await assert.rejects(h.get(site.url('/delay/2000')), DownloadTimeoutError);
      assert.equal(h.stats.getValue('retry/reason_count/DownloadTimeoutError'), 2);
      await assert.rejects(h.get(site.url('/drop')), ConnectionError);
    } finally {
      await h.close();
    }
  });

  it('does not retry 404 or errors that are not retryable', async () => {
    const h = await openDownloader({ ...onlyMiddlewares('RetryMiddleware'), DOWNLOAD_MAXSIZE: 10 });
    try {
      site.reset();
      assert.equal((await h.get(site.url('/status/404'))).status, 404);
      await assert.rejects(h.get(site.url('/large/100')), /max size/);
      assert.equal(site.requests.length, 2);
    } finally {
      await h.close();
    }
  });

  it('backs off exponentially with RETRY_BACKOFF_BASE, outside the concurrency budget', async () => {
    const h = await openDownloader({ ...onlyMiddlewares('RetryMiddleware'), RETRY_BACKOFF_BASE: 0.1, RETRY_BACKOFF_MAX: 0.3, CONCURRENT_REQUESTS: 1 });
    try {
      // The wait is set between t0 and t1: bounds that hold however slow the machine is.
      // First retry: 0.1 s × jitter 0.5–1.5; second: 0.2 s × jitter, capped at 0.3 s.
      let t0 = Date.now();
      const r1 = (await h.downloader.fetch(new Request(site.url('/flaky?key=b&fail=2')), h.spider)) as Request;
      let t1 = Date.now();
      assert.ok(r1.meta.download_not_before >= t0 + 50 && r1.meta.download_not_before <= t1 + 150, String(r1.meta.download_not_before - t0));
      t0 = Date.now();
      const p = h.downloader.fetch(r1, h.spider);
      await new Promise((r) => setImmediate(r));
      assert.equal(h.downloader.active, 1);
      assert.equal(h.downloader.backoutReason(), null); // a backing-off request does not hold a slot
      const r2 = (await p) as Request;
      t1 = Date.now();
      assert.ok(r2 instanceof Request);
      // Not before the first wait was over, then 0.1–0.3 s more (less 5 ms: Date.now() and timers use different clocks).
      assert.ok(r2.meta.download_not_before >= Math.max(t0, r1.meta.download_not_before) + 95, 'waited out the first backoff, then doubled');
      assert.ok(r2.meta.download_not_before <= t1 + 300, String(r2.meta.download_not_before - t1));
      assert.equal((await h.get(r2)).status, 200);
    } finally {
      await h.close();
    }
  });

  it('close() cancels a backoff wait and leaves no timer', async () => {
    const h = await openDownloader({ ...onlyMiddlewares('RetryMiddleware'), RETRY_BACKOFF_BASE: 30 });
    const r1 = (await h.downloader.fetch(new Request(site.url('/flaky?key=c&fail=1')), h.spider)) as Request;
    const p = h.downloader.fetch(r1, h.spider);
    await new Promise((r) => setImmediate(r));
    const timersBefore = process.getActiveResourcesInfo().filter((x) => x === 'Timeout').length;
    const rejected = assert.rejects(p, DownloaderClosedError);
    await h.close();
    await rejected;
    const timersAfter = process.getActiveResourcesInfo().filter((x) => x === 'Timeout').length;
    assert.ok(timersAfter < timersBefore);
  });
});
