import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isBroken } from '../../../src/demo/catalogue-site.js';
import { feedUrls, productIds, runJob, startCountingSite, tempDir, type CountingSite } from './helpers.js';

describe('JOBDIR pause and resume with SIGINT (child processes, 2,000-page site)', { timeout: 120_000 }, () => {
  let site: CountingSite;
  const tmp = tempDir();
  before(async () => {
    site = await startCountingSite(2000);
  });
  after(async () => {
    await site.close();
    tmp.cleanup();
  });

  it('pauses gracefully several times, then finishes: every item once, no page fetched twice', async () => {
    const opts = { origin: site.origin, jobdir: join(tmp.dir, 'job'), feed: join(tmp.dir, 'items.jl') };
    let paused = 0;
    for (let run = 0; run < 4; run++) {
      const r = await runJob(opts, site, { after: 350, signals: ['SIGINT'] });
      assert.equal(r.code, 0, r.stderr.slice(-2000));
      if (run === 0) assert.match(r.stderr, /Starting a new job in JOBDIR/);
      else assert.match(r.stderr, /Resuming the job in JOBDIR .*: \d+ pending requests, \d+ seen, \d+ items so far/);
      if (r.result?.reason === 'finished') break;
      paused++;
      assert.equal(r.result?.reason, 'shutdown');
      assert.equal(r.result?.stats['finish_reason'], 'shutdown');
      assert.match(r.stderr, /Paused the job in JOBDIR .* Run the same command again to resume it/);
    }
    assert.ok(paused >= 2, `expected at least two pauses, got ${paused}`);
    const last = await runJob(opts, site);
    assert.equal(last.code, 0, last.stderr.slice(-2000));
    assert.equal(last.result?.reason, 'finished');

    const urls = feedUrls(opts.feed);
    const ids = productIds(urls);
    const expected = site.site.expectedProductIds();
    assert.deepEqual([...new Set(ids)].sort((a, b) => a - b), expected);
    assert.equal(ids.length, expected.length, 'no item twice after graceful pauses');
    // Each page was fetched once (broken pages: once plus their retries).
    for (const [path, n] of site.perPath) {
      const id = Number(/^\/product\/(\d+)$/.exec(path)?.[1]);
      const allowed = Number.isFinite(id) && isBroken(id) ? 3 : 1;
      assert.ok(n <= allowed, `${path} was fetched ${n} times`);
    }
    // The final stats cover the whole job.
    assert.equal(last.result?.stats['item_scraped_count'], expected.length);
    assert.equal(last.result?.stats['jobdir/resumed_count'], paused);
  });

  it('a second SIGINT stops at once and the job still resumes to a complete result', async () => {
    const opts = { origin: site.origin, jobdir: join(tmp.dir, 'job2'), feed: join(tmp.dir, 'items2.jl') };
    const first = await runJob(opts, site, { after: 300, signals: ['SIGINT', 'SIGINT'] });
    assert.equal(first.code, 1, 'a forced stop is not a clean end: exit 1');
    assert.match(first.stderr, /forcing unclean shutdown/);
    const rest = await runJob(opts, site);
    assert.equal(rest.code, 0, rest.stderr.slice(-2000));
    assert.equal(rest.result?.reason, 'finished');
    const ids = productIds(feedUrls(opts.feed));
    assert.deepEqual([...new Set(ids)].sort((a, b) => a - b), site.site.expectedProductIds());
    // Only requests in flight at the forced stop may have produced an item twice.
    assert.ok(ids.length - new Set(ids).size <= 16, `${ids.length - new Set(ids).size} duplicates`);
  });

  it('rerunning a finished job fetches nothing', async () => {
    const opts = { origin: site.origin, jobdir: join(tmp.dir, 'job'), feed: join(tmp.dir, 'items.jl') };
    const before = site.total();
    const r = await runJob(opts, site);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /already finished/);
    assert.equal(site.total(), before);
  });
});
