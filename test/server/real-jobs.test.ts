// Jobs run by the real job child (src/server/launcher/child.ts) on a real bundle that imports
// tscrapy, crawling a local site.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isSameProcess } from '../../src/server/launcher/process-identity.js';
import { client, processServer, startTestServer, tempDir, testConfig, waitFor } from './helpers.js';
import { realBundle, site } from './real-bundle.js';

describe('real job processes', { timeout: 240_000 }, () => {
  it('8 jobs of a just-deployed version scheduled together all start and finish', async () => {
    const s = await site();
    const t = await startTestServer({ max_proc: 8 }, { runnerScript: undefined });
    try {
      assert.equal((await t.upload('shop', '1', await realBundle('shop', '1'))).body.status, 'ok');
      const ids = Array.from({ length: 8 }, (_, i) => `j${i}`);
      const replies = await Promise.all(ids.map((jobid) => t.post('/schedule.json', { project: 'shop', spider: 'alpha', jobid, start_url: `${s.url}${jobid}` })));
      for (const r of replies) assert.equal(r.body.status, 'ok', JSON.stringify(r.body));
      await t.waitFor(async () => (await t.get('/listjobs.json')).body.finished.length === 8, 'all 8 jobs to finish', 180_000);
      for (const id of ids) {
        const job = (await t.get('/job.json', { job: id })).body.job;
        assert.equal(job.finish_reason, 'finished', `${id}: ${job.message}`);
        assert.equal(job.exit_code, 0, id);
        assert.equal(job.items_count, 1, id);
      }
    } finally {
      await t.close();
      s.server.close();
    }
  });

  it('a job whose server is killed (-9) stops gracefully, then resumes from its JOBDIR at the next start', async () => {
    const s = await site(1000, 150);
    const dir = tempDir();
    const config = testConfig(dir, { jobs_dir: join(dir, 'jobs') });
    const { proc, url } = await processServer(config, 'real');
    try {
      const c = client(url);
      assert.equal((await c.upload('shop', '1', await realBundle('shop', '1'))).body.status, 'ok');
      await c.post('/schedule.json', { project: 'shop', spider: 'alpha', jobid: 'long', start_url: `${s.url}p1` });
      const running = await waitFor(async () => {
        const j = (await c.get('/job.json', { job: 'long' })).body.job;
        return j.items_count >= 2 && j;
      }, 'the crawl to be under way', 120_000);
      await new Promise((resolve) => {
        proc.once('exit', resolve);
        proc.kill('SIGKILL');
      });
      await waitFor(() => !isSameProcess(running.pid, null), 'the job to stop once its server is gone', 60_000);
      const jobdir = join(dir, 'jobs', 'shop', 'alpha', 'long');
      const left = readdirSync(jobdir);
      assert.ok(left.includes('state.json'), `state.json written: ${left.join(', ')}`);
      assert.deepEqual(left.filter((f) => f === 'lock' || f.endsWith('.tmp')), [], 'no stale lock or temp file');
      const log = readFileSync(join(dir, 'logs', 'shop', 'alpha', 'long.log'), 'utf8');
      assert.doesNotMatch(log, /ERR_IPC|Error \[ERR_/);
      const t = await startTestServer({ jobs_dir: join(dir, 'jobs') }, { dir, runnerScript: undefined });
      try {
        const job = await t.waitFor(async () => {
          const j = (await t.get('/job.json', { job: 'long' })).body.job;
          return j.state === 'running' && j.restarts === 1 && j;
        }, 'the job to resume', 60_000);
        assert.match(job.message ?? '', /resumed from its JOBDIR/);
        await t.post('/cancel.json', { project: 'shop', job: 'long' });
        await t.waitFor(async () => (await t.get('/status.json', { job: 'long' })).body.currstate === 'finished', 'the resumed job to stop', 60_000);
      } finally {
        await t.close();
      }
    } finally {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      s.server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
