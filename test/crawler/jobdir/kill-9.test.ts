import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { feedUrls, productIds, runJob, seeded, startCountingSite, tempDir, type CountingSite } from './helpers.js';

describe('JOBDIR survives kill -9 at random moments (child processes)', { timeout: 150_000 }, () => {
  let site: CountingSite;
  const tmp = tempDir();
  before(async () => {
    site = await startCountingSite(2000);
  });
  after(async () => {
    await site.close();
    tmp.cleanup();
  });

  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: after kills and resumes every page's item is there; duplicates only from in-flight requests`, async () => {
      const rnd = seeded(seed);
      const concurrency = 16;
      const opts = { origin: site.origin, jobdir: join(tmp.dir, `job-${seed}`), feed: join(tmp.dir, `items-${seed}.jl`), concurrency };
      const fetchedBefore = new Map(site.perPath);
      const fetchesThisSeed = (path: string) => (site.perPath.get(path) ?? 0) - (fetchedBefore.get(path) ?? 0);
      let kills = 0;
      let inFlightBound = 0;
      let finished = false;
      for (let run = 0; run < 4 && !finished; run++) {
        const r = await runJob(opts, site, { after: 20 + Math.floor(rnd() * 500), signals: ['SIGKILL'] });
        if (r.signal === 'SIGKILL') {
          kills++;
          // Redone after a kill: requests in flight, and those done since the last durable commit
          // (a 50 ms cycle of fsyncs, which stretches on a loaded machine): served in the last 300 ms.
          inFlightBound += concurrency + (r.servedBeforeSignals[0] ?? 0);
        }
        else {
          assert.equal(r.code, 0, r.stderr.slice(-2000));
          finished = r.result?.reason === 'finished';
        }
      }
      if (!finished) {
        const r = await runJob(opts, site);
        assert.equal(r.code, 0, r.stderr.slice(-2000));
        assert.equal(r.result?.reason, 'finished');
      }
      assert.ok(kills >= 1, 'at least one run was killed');
      const ids = productIds(feedUrls(opts.feed));
      assert.deepEqual([...new Set(ids)].sort((a, b) => a - b), site.site.expectedProductIds());
      // An item appears twice only when its request was in flight (fetched, its ack not yet
      // durable) at a kill.
      const dupes = ids.length - new Set(ids).size;
      assert.ok(dupes <= inFlightBound, `${dupes} duplicate items after ${kills} kills (at most ${inFlightBound} requests were in flight)`);
      // And each duplicate comes from a page that was fetched again (a redone request), never
      // from a feed writing an item twice.
      const counts = new Map<number, number>();
      for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
      for (const [id, n] of counts) {
        if (n > 1) assert.ok(fetchesThisSeed(`/product/${id}`) >= n, `product ${id}: ${n} items from ${fetchesThisSeed(`/product/${id}`)} fetches`);
      }
    });
  }
});
