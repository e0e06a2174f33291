// /jobs as ScrapydWeb reads it: the HTML shape of Scrapyd 1.6's Jobs page
// (scrapyd/website.py, class Jobs), parsed with ScrapydWeb's own regex (scrapyd-clients.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withDeployedServer, type TestServer } from './helpers.js';
import { STRPTIME_SECONDS, scrapydWebJobs } from './scrapyd-clients.js';


const page = async (t: TestServer) => {
  const res = await fetch(new URL('/jobs', t.url));
  assert.equal(res.status, 200);
  return res.text();
};

describe('/jobs in Scrapyd 1.6 shape (ScrapydWeb Jobs page)', { timeout: 60_000 }, () => {
  it('ScrapydWeb finds pending, running and finished jobs with their PID, times and Log/Items links', async () => {
    await withDeployedServer({ max_proc: 1 }, async (t) => {
      await t.post('/schedule.json', { project: 'demo', spider: 'alpha', jobid: 'done', items: '2' });
      await t.waitFor(async () => (await t.get('/status.json', { job: 'done' })).body.currstate === 'finished', 'done to finish');
      await t.post('/schedule.json', { project: 'demo', spider: 'alpha', jobid: 'busy', mode: 'hang', interval: '600000' });
      await t.post('/schedule.json', { project: 'demo', spider: 'alpha', jobid: 'queued' });
      const html = await page(t);
      const jobs = scrapydWebJobs(html);
      assert.ok(jobs, '<h1>Jobs</h1> is on the page');
      assert.deepEqual(jobs.map((j) => [j.job, j.status]), [['queued', 'pending'], ['busy', 'running'], ['done', 'finished']]);
      for (const j of jobs) assert.deepEqual([j.project, j.spider], ['demo', 'alpha']);

      const [queued, busy, done] = jobs as [typeof jobs[0], typeof jobs[0], typeof jobs[0]];
      assert.deepEqual([queued.pid, queued.start, queued.runtime, queued.finish, queued.href_log, queued.href_items], ['', '', '', '', '', '']);
      const busyInfo = (await t.get('/job.json', { job: 'busy' })).body.job;
      assert.equal(busy.pid, String(busyInfo.pid));
      assert.match(busy.start, STRPTIME_SECONDS);
      assert.match(busy.runtime, /^\d+:\d{2}:\d{2}$/); // str(timedelta) without microseconds
      assert.equal(busy.finish, '');
      assert.equal(busy.href_log, '/logs/demo/alpha/busy.log');
      assert.equal(busy.href_items, '', 'no Items link before the items file exists (Scrapyd checks the file)');
      assert.match(done.start, STRPTIME_SECONDS);
      assert.match(done.finish, STRPTIME_SECONDS);
      assert.match(done.runtime, /^\d+:\d{2}:\d{2}$/);
      assert.ok(done.finish >= done.start);
      assert.equal(done.pid, '');
      assert.equal(done.href_log, '/logs/demo/alpha/done.log');
      assert.equal(done.href_items, '/items/demo/alpha/done.jl');
      // ScrapydWeb opens those links on this server
      assert.equal((await fetch(new URL(done.href_log, t.url))).status, 200);
      assert.equal((await (await fetch(new URL(done.href_items, t.url))).text()).trim().split('\n').length, 2);

      // Scrapyd's column headings and group headings, in order
      const heads = [...html.replace(/<tbody[\s\S]*$/, '').matchAll(/<th>(.*?)<\/th>/g)].map((m) => m[1]);
      assert.deepEqual(heads.slice(0, 10), ['Project', 'Spider', 'Job', 'PID', 'Start', 'Runtime', 'Finish', 'Log', 'Items', 'Cancel']);
      assert.deepEqual([...html.matchAll(/<th colspan="\d+">(\w+)<\/th>/g)].map((m) => m[1]), ['Pending', 'Running', 'Finished']);
      await t.post('/cancel.json', { project: 'demo', job: 'busy' });
    });
  });

  it('without items_dir there is no Items column, and the Cancel cell is not read as one', async () => {
    await withDeployedServer({ max_proc: 1, items_dir: '' }, async (t) => {
      await t.post('/schedule.json', { project: 'demo', spider: 'alpha', jobid: 'busy', mode: 'hang' });
      await t.post('/schedule.json', { project: 'demo', spider: 'alpha', jobid: 'queued' });
      const html = await page(t);
      assert.ok(!/<th>Items<\/th>/.test(html));
      const jobs = scrapydWebJobs(html)!;
      assert.deepEqual(jobs.map((j) => [j.job, j.status, j.href_items]), [['queued', 'pending', ''], ['busy', 'running', '']]);
      await t.post('/cancel.json', { project: 'demo', job: 'busy' });
    });
  });
});
