// A password given to a job (a spider argument such as http_pass, or a URL setting such as
// ITEMS_URL=redis://:pw@host) was shown as given by listjobs.json, job.json and the job page,
// while the crawl's own start-up log masks it. The job still runs with the real values.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeBundle, startTestServer } from './helpers.js';

const SECRETS = ['hunter2', 'pw-in-arg-url', 'pw-in-setting-url'];

describe('secrets given to a job', { timeout: 60_000 }, () => {
  it('are masked in listjobs.json, job.json and /jobs/ID', async () => {
    const t = await startTestServer({ max_proc: 1 });
    try {
      await t.upload('demo', '1', await makeBundle({ spiders: ['alpha'] }));
      await t.post('/schedule.json', { project: 'demo', spider: 'alpha', jobid: 'busy', mode: 'hang' });
      const r = await t.post('/schedule.json', {
        project: 'demo',
        spider: 'alpha',
        jobid: 'queued',
        http_user: 'bob',
        http_pass: 'hunter2',
        site: 'http://bob:pw-in-arg-url@127.0.0.1:1/',
        setting: 'ITEMS_URL=redis://:pw-in-setting-url@127.0.0.1:1/0',
      });
      assert.equal(r.body.status, 'ok', JSON.stringify(r.body));

      const listed = (await t.get('/listjobs.json', { project: 'demo' })).body.pending.find((j: { id: string }) => j.id === 'queued');
      assert.deepEqual(listed.args, { http_user: 'bob', http_pass: '****', site: 'http://bob:****@127.0.0.1:1/' });
      assert.deepEqual(listed.settings, { ITEMS_URL: 'redis://:****@127.0.0.1:1/0' });
      const detail = JSON.stringify((await t.get('/job.json', { job: 'queued' })).body);
      const page = await (await fetch(new URL('/jobs/queued', t.url))).text();
      for (const [where, text] of [['listjobs.json', JSON.stringify(listed)], ['job.json', detail], ['/jobs/queued', page]] as const) {
        for (const secret of SECRETS) assert.ok(!text.includes(secret), `${where} shows ${secret}`);
      }
      assert.match(page, /http_pass&quot;:&quot;\*\*\*\*&quot;|http_pass":"\*\*\*\*"/);
      await t.post('/cancel.json', { project: 'demo', job: 'busy' });
    } finally {
      await t.close();
    }
  });
});
