import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startFaultSite } from '../../support/fault-site.js';
import { openDownloader } from './helpers.js';

function resources(): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of process.getActiveResourcesInfo()) m.set(r, (m.get(r) ?? 0) + 1);
  return m;
}

/** Waits until the site has seen every client socket close (a few ticks after the client destroys its end), then a few ticks more. */
async function settle(site: { openSockets: number }): Promise<void> {
  while (site.openSockets > 0) await new Promise((r) => setTimeout(r, 5));
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

describe('downloader lifecycle', { timeout: 120_000 }, () => {
  it('200 open/fetch/close cycles leave no sockets or timers behind', async () => {
    const site = await startFaultSite();
    try {
      const cycle = async () => {
        const h = await openDownloader({ ROBOTSTXT_OBEY: true, DOWNLOAD_DELAY: 0.001, AUTOTHROTTLE_ENABLED: true, AUTOTHROTTLE_START_DELAY: 0 });
        await Promise.all([h.get(site.url('/gzip')), h.get(site.url('/redirect/302?to=/ok')), h.get(site.url('/flaky?key=x&fail=0'))]);
        await h.close();
      };
      for (let i = 0; i < 5; i++) await cycle();
      await settle(site);
      const before = resources();
      const heapBefore = process.memoryUsage().heapUsed;
      for (let i = 0; i < 200; i++) await cycle();
      await settle(site);
      const afterR = resources();
      for (const kind of new Set([...before.keys(), ...afterR.keys()])) {
        const growth = (afterR.get(kind) ?? 0) - (before.get(kind) ?? 0);
        assert.ok(growth <= 2, `${kind}: ${before.get(kind) ?? 0} → ${afterR.get(kind) ?? 0}`);
      }
      assert.equal(site.openSockets, 0);
      // Heap: noise only (a leak of one downloader per cycle would be megabytes).
      globalThis.gc?.();
      assert.ok(process.memoryUsage().heapUsed - heapBefore < 30 * 1024 * 1024);
    } finally {
      await site.close();
    }
  });
});
