import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { seeded } from '../../support/seeded.js';
import { feedUrls, productIds, runJob, startCountingSite, tempDir, type CountingSite } from './helpers.js';

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
    it(`seed ${seed}: after kills and resumes every page's item is there; duplicates only from requests redone after a kill`, async () => {
      const rnd = seeded(seed);
      const concurrency = 16;
      const opts = { origin: site.origin, jobdir: join(tmp.dir, `job-${seed}`), feed: join(tmp.dir, `items-${seed}.jl`), concurrency };
      const fetchedBefore = new Map(site.perPath);
      const fetchesThisSeed = (path: string) => (site.perPath.get(path) ?? 0) - (fetchedBefore.get(path) ?? 0);
      let kills = 0;
      let finished = false;
      for (let run = 0; run < 4 && !finished; run++) {
        const r = await runJob(opts, site, { after: 20 + Math.floor(rnd() * 500), signals: ['SIGKILL'] });
        if (r.signal === 'SIGKILL') kills++;
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
      // An item appears twice only when its request was redone after a kill (in flight, or done
      // but not yet durable): at most once more per kill, and each duplicate comes from a page
      // that was fetched again, never from a feed writing an item twice. (How many requests a
      // kill catches depends on the machine's speed, so it is not bounded here.)
      const counts = new Map<number, number>();
      for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
      for (const [id, n] of counts) {
        assert.ok(n <= kills + 1, `product ${id}: ${n} items after ${kills} kills`);
        if (n > 1) assert.ok(fetchesThisSeed(`/product/${id}`) >= n, `product ${id}: ${n} items from ${fetchesThisSeed(`/product/${id}`)} fetches`);
      }
    });
  }
});
