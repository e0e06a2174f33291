// A job cancelled while pending never started. Scrapyd 1.6 forgets it (status.json says
// currstate null); tscrapy keeps it in the history, and its Scrapyd-shaped replies give it a
// start_time equal to its end_time, so clients computing runtimes (end - start, ScrapydWeb's
// strptime on the /jobs page's Start) get zero instead of a crash. `started: false`,
// job.json's duration_ms and the job page say it never ran.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeBundle, startTestServer } from './helpers.js';
import { STRPTIME_SECONDS, scrapydWebJobs } from './scrapyd-clients.js';

describe('a pending job that is cancelled', { timeout: 60_000 }, () => {
  it('is finished with start_time = end_time in listjobs, status and /jobs, and started: false in tscrapy fields', async () => {
    const t = await startTestServer({ max_proc: 1 });
    try {
      await t.upload('demo', '1', await makeBundle({ spiders: ['alpha'] }));
      await t.post('/schedule.json', { project: 'demo', spider: 'alpha', jobid: 'busy', mode: 'hang' });
      await t.post('/schedule.json', { project: 'demo', spider: 'alpha', jobid: 'queued' });
      assert.equal((await t.post('/cancel.json', { project: 'demo', job: 'queued' })).body.prevstate, 'pending');

      const listed = (await t.get('/listjobs.json', { project: 'demo' })).body.finished;
      const q = listed.find((j: { id: string }) => j.id === 'queued');
      assert.equal(typeof q.start_time, 'string');
      assert.equal(q.start_time, q.end_time);
      assert.equal(q.started, false);
      assert.equal(q.finish_reason, 'cancelled');
      const status = (await t.get('/status.json', { job: 'queued' })).body;
      assert.equal(status.currstate, 'finished');
      assert.equal(status.start_time, status.end_time);

      const job = (await t.get('/job.json', { job: 'queued' })).body.job;
      assert.equal(job.started, false);
      assert.equal(job.duration_ms, null);
      assert.equal(job.message, 'Job queued was cancelled before it started');

      const rows = scrapydWebJobs(await (await fetch(new URL('/jobs', t.url))).text())!;
      const row = rows.find((r) => r.job === 'queued')!;
      assert.equal(row.status, 'finished');
      assert.match(row.start, STRPTIME_SECONDS);
      assert.equal(row.start, row.finish);
      assert.equal(row.runtime, '0:00:00');
      assert.match(await (await fetch(new URL('/jobs/queued', t.url))).text(), /<tr><th>Started<\/th><td>never<\/td><\/tr>/);
      await t.post('/cancel.json', { project: 'demo', job: 'busy' });
    } finally {
      await t.close();
    }
  });
});
