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
      // An item appears twice only when its request was in flight (fetched, its ack not yet
      // durable) at a kill: at most the concurrency plus one commit window per kill.
      const dupes = ids.length - new Set(ids).size;
      assert.ok(dupes <= kills * concurrency * 4, `${dupes} duplicate items after ${kills} kills`);
    });
  }
});
