// A deleted project, as Scrapyd 1.6 answers for it (scrapyd/webservice.py: ListJobs, Status
// and Cancel check `project not in poller.queues`, which delproject.json empties): by project,
// "project 'P' not found"; without a project, its finished jobs are still listed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeBundle, startTestServer } from './helpers.js';

describe('jobs of a deleted project', { timeout: 60_000 }, () => {
  it("listjobs/status/cancel by project answer project 'P' not found once its jobs are done; without a project its history stays", async () => {
    const t = await startTestServer();
    try {
      await t.upload('gone', '1', await makeBundle({ spiders: ['alpha'] }));
      await t.post('/schedule.json', { project: 'gone', spider: 'alpha', jobid: 'old', items: '1' });
      await t.waitFor(async () => (await t.get('/status.json', { job: 'old' })).body.currstate === 'finished', 'old to finish');
      assert.equal((await t.post('/delproject.json', { project: 'gone' })).body.status, 'ok');
      const notFound = { node_name: 'test-node', status: 'error', message: "project 'gone' not found" };
      assert.deepEqual((await t.get('/listjobs.json', { project: 'gone' })).body, notFound);
      assert.deepEqual((await t.get('/status.json', { job: 'old', project: 'gone' })).body, notFound);
      assert.deepEqual((await t.post('/cancel.json', { project: 'gone', job: 'old' })).body, notFound);
      assert.deepEqual((await t.get('/listjobs.json')).body.finished.map((j: { id: string }) => j.id), ['old']);
      assert.equal((await t.get('/status.json', { job: 'old' })).body.currstate, 'finished');
    } finally {
      await t.close();
    }
  });

  it('a job still running after delproject can be listed by project and cancelled', async () => {
    const t = await startTestServer();
    try {
      await t.upload('gone', '1', await makeBundle({ spiders: ['alpha'] }));
      await t.post('/schedule.json', { project: 'gone', spider: 'alpha', jobid: 'busy', mode: 'hang' });
      await t.waitFor(async () => (await t.get('/job.json', { job: 'busy' })).body.job.items_count > 0, 'busy to run');
      await t.post('/delproject.json', { project: 'gone' });
      assert.deepEqual((await t.get('/listjobs.json', { project: 'gone' })).body.running.map((j: { id: string }) => j.id), ['busy']);
      assert.equal((await t.post('/cancel.json', { project: 'gone', job: 'busy' })).body.prevstate, 'running');
      await t.waitFor(async () => (await t.get('/status.json', { job: 'busy' })).body.currstate === 'finished', 'busy to stop');
      assert.equal((await t.get('/listjobs.json', { project: 'gone' })).body.message, "project 'gone' not found");
    } finally {
      await t.close();
    }
  });
});
