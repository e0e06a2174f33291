import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AutoThrottle } from '../../../src/crawler/downloader/autothrottle.js';
import { Slot, slotKey } from '../../../src/crawler/downloader/slot.js';
import { InvalidArgumentError } from '../../../src/crawler/errors.js';
import { Request } from '../../../src/crawler/http/request.js';
import { Response } from '../../../src/crawler/http/response.js';
import { Logger, MemorySink } from '../../../src/crawler/logger.js';
import { startFaultSite, type FaultSite } from '../../support/fault-site.js';
import { onlyMiddlewares, openDownloader, type Harness } from './helpers.js';

/** Feeds requests the way the engine does: only while backoutReason() is null. Returns the reasons seen. */
async function runLikeEngine(h: Harness, requests: Request[]): Promise<Set<string>> {
  const reasons = new Set<string>();
  const pending = new Set<Promise<unknown>>();
  const queue = [...requests];
  while (queue.length > 0 || pending.size > 0) {
    let reason: string | null;
    while (queue.length > 0 && (reason = h.downloader.backoutReason()) === null) {
      const p: Promise<unknown> = h.downloader.fetch(queue.shift()!, h.spider).finally(() => pending.delete(p));
      pending.add(p);
    }
    const r = h.downloader.backoutReason();
    if (r) reasons.add(r);
    if (pending.size > 0) await Promise.race(pending);
  }
  return reasons;
}

describe('slots and concurrency', { timeout: 60_000 }, () => {
  let site: FaultSite;
  before(async () => {
    site = await startFaultSite();
  });
  after(() => site.close());

  it('keys slots by hostname or meta.download_slot', () => {
    assert.equal(slotKey(new Request('http://Example.com:8080/a?b')), 'example.com');
    assert.equal(slotKey(new Request('https://user:pw@example.org/')), 'example.org');
    assert.equal(slotKey(new Request('http://[::1]:80/')), '[::1]');
    assert.equal(slotKey(new Request('http://a.com/', { meta: { download_slot: 'shared' } })), 'shared');
    assert.equal(slotKey(new Request('data:,x')), '');
  });

  it('bounds connections and requests in flight per domain', async () => {
    site.reset();
    const h = await openDownloader({ ...onlyMiddlewares(), CONCURRENT_REQUESTS: 16, CONCURRENT_REQUESTS_PER_DOMAIN: 3 });
    try {
      const all = Array.from({ length: 12 }, (_, i) => h.downloader.fetch(new Request(site.url(`/delay/60?i=${i}`)), h.spider));
      assert.equal(h.downloader.active, 12);
      assert.equal(h.downloader.slot('127.0.0.1')!.transferring, 3);
      await Promise.all(all);
      // A bound, not a count: how many overlapped at the site depends on the machine's speed.
      assert.ok(site.maxInFlight <= 3, `${site.maxInFlight} in flight`);
      assert.ok(site.maxOpenSockets <= 3, `sockets: ${site.maxOpenSockets}`);
      assert.equal(h.downloader.active, 0);
    } finally {
      await h.close();
    }
  });

  it('says why it backs out: the per-domain limit, then the total concurrency limit', async () => {
    site.reset();
    const h = await openDownloader({ ...onlyMiddlewares(), CONCURRENT_REQUESTS: 4, CONCURRENT_REQUESTS_PER_DOMAIN: 1 });
    try {
      const reqs = Array.from({ length: 8 }, (_, i) => new Request(site.url(`/delay/30?i=${i}`)));
      const reasons = await runLikeEngine(h, reqs);
      assert.ok(reasons.has('per-domain limit'), [...reasons].join());
      assert.equal(site.maxInFlight, 1);
      // Two slots (download_slot) side by side, total limit 2: never more than 2 in flight.
      site.reset();
      const h2 = await openDownloader({ ...onlyMiddlewares(), CONCURRENT_REQUESTS: 2, CONCURRENT_REQUESTS_PER_DOMAIN: 8 });
      const reqs2 = Array.from({ length: 10 }, (_, i) => new Request(site.url(`/delay/30?i=${i}`), { meta: { download_slot: `s${i % 2}` } }));
      const reasons2 = await runLikeEngine(h2, reqs2);
      await h2.close();
      assert.deepEqual([...reasons2], ['concurrency limit']);
      assert.ok(site.maxInFlight <= 2, `${site.maxInFlight} in flight`);
    } finally {
      await h.close();
    }
  });

  it('waits DOWNLOAD_DELAY between requests of a slot, one at a time', async () => {
    site.reset();
    const h = await openDownloader({ ...onlyMiddlewares(), DOWNLOAD_DELAY: 0.15, CONCURRENT_REQUESTS: 3 });
    try {
      const reqs = Array.from({ length: 4 }, (_, i) => new Request(site.url(`/ok?i=${i}`)));
      const t0 = performance.now();
      const reasons = await runLikeEngine(h, reqs);
      assert.ok(reasons.has('download delay'), [...reasons].join());
      assert.equal(site.requests.length, 4);
      // Three gaps of at least the delay (a lower bound: a slow machine only waits longer).
      assert.ok(performance.now() - t0 >= 3 * 150 * 0.95);
      assert.equal(site.maxInFlight, 1);
    } finally {
      await h.close();
    }
  });

  it("uses the spider's downloadDelay over DOWNLOAD_DELAY", async () => {
    const h = await openDownloader({ ...onlyMiddlewares(), DOWNLOAD_DELAY: 0 }, { downloadDelay: 0.5 });
    try {
      await h.get(site.url('/ok'));
      assert.equal(h.downloader.slot('127.0.0.1')!.delay, 0.5);
    } finally {
      await h.close();
    }
  });

  it('randomises the delay between 0.5× and 1.5×', () => {
    const slot = new Slot('x', 1, 2, true);
    const seen = Array.from({ length: 200 }, () => slot.nextDelay());
    assert.ok(seen.every((d) => d >= 1 && d <= 3));
    assert.ok(new Set(seen).size > 100);
    assert.equal(new Slot('x', 1, 2, false).nextDelay(), 2);
  });

  it('rejects bad concurrency settings with the setting name', async () => {
    await assert.rejects(openDownloader({ CONCURRENT_REQUESTS: 0 }), (e: Error) => e instanceof InvalidArgumentError && /CONCURRENT_REQUESTS must/.test(e.message));
    await assert.rejects(openDownloader({ CONCURRENT_REQUESTS_PER_DOMAIN: 'many' as unknown as number }), InvalidArgumentError);
  });
});

describe('AutoThrottle', { timeout: 30_000 }, () => {
  const logger = new Logger('t', 10, new MemorySink());
  const at = new AutoThrottle({ minDelay: 0.1, startDelay: 5, maxDelay: 60, targetConcurrency: 1, debug: true }, logger);
  const resp = (status: number) => new Response({ url: 'http://a/', status, request: new Request('http://a/') });

  it('starts at max(DOWNLOAD_DELAY, AUTOTHROTTLE_START_DELAY)', () => {
    assert.equal(at.initialDelay(), 5);
  });

  it('moves the delay towards latency / target concurrency, within [min, max]', () => {
    const slot = new Slot('a', 8, 5, false);
    at.adjust(slot, 1, resp(200));
    assert.equal(slot.delay, 3); // (5 + 1) / 2
    at.adjust(slot, 1, resp(200));
    assert.equal(slot.delay, 2);
    for (let i = 0; i < 50; i++) at.adjust(slot, 0.001, resp(200));
    assert.equal(slot.delay, 0.1); // never below minDelay
    for (let i = 0; i < 50; i++) at.adjust(slot, 500, resp(200));
    assert.equal(slot.delay, 60); // never above maxDelay
  });

  it('never lowers the delay on a non-200 response, but may raise it', () => {
    const slot = new Slot('a', 8, 2, false);
    at.adjust(slot, 0.01, resp(500));
    assert.equal(slot.delay, 2);
    at.adjust(slot, 10, resp(503));
    assert.equal(slot.delay, 10);
  });

  it('adjusts the slots of a running downloader and logs with AUTOTHROTTLE_DEBUG', async () => {
    const site = await startFaultSite();
    const h = await openDownloader({
      ...onlyMiddlewares(),
      AUTOTHROTTLE_ENABLED: true,
      AUTOTHROTTLE_START_DELAY: 0.01,
      AUTOTHROTTLE_MAX_DELAY: 2,
      AUTOTHROTTLE_DEBUG: true,
    });
    try {
      await h.get(site.url('/delay/200'));
      const slot = h.downloader.slot('127.0.0.1')!;
      assert.ok(slot.delay >= 0.19 && slot.delay <= 2, String(slot.delay));
      assert.ok(h.sink.lines.some((l) => /slot: 127\.0\.0\.1 \| conc:/.test(l)));
    } finally {
      await h.close();
      await site.close();
    }
  });

  it('rejects a target concurrency of 0', async () => {
    await assert.rejects(openDownloader({ AUTOTHROTTLE_ENABLED: true, AUTOTHROTTLE_TARGET_CONCURRENCY: 0 }), InvalidArgumentError);
  });
});
