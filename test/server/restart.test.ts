import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isSameProcess } from '../../src/server/launcher/process-identity.js';
import { client, makeBundle, processServer, startTestServer, tempDir, testConfig, waitFor } from './helpers.js';

function kill9(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    proc.once('exit', () => resolve());
    proc.kill('SIGKILL');
  });
}

/** Gone, or a zombie nobody reaps yet (an orphan's new parent may be slow to). */
const pidGone = (pid: number) => !isSameProcess(pid, null);

describe('restart safety', { timeout: 120_000 }, () => {
  it('after kill -9: finished still listed, pending still runs, running reported interrupted', async () => {
    const dir = tempDir();
    const config = testConfig(dir, { max_proc: 1 });
    const { proc, url } = await processServer(config);
    try {
      const c = client(url);
      await c.upload('demo', '1', await makeBundle());
      await c.post('/schedule.json', { project: 'demo', spider: 'alpha', jobid: 'done1', items: '1' });
      await waitFor(async () => (await c.get('/status.json', { job: 'done1' })).body.currstate === 'finished', 'done1');
      await c.post('/schedule.json', { project: 'demo', spider: 'alpha', jobid: 'run1', mode: 'hang' });
      await c.post('/schedule.json', { project: 'demo', spider: 'alpha', jobid: 'pend1', items: '2', priority: '3' });
      await c.post('/schedule.json', { project: 'demo', spider: 'alpha', jobid: 'pend2', items: '1' });
      const running = await waitFor(async () => (await c.get('/listjobs.json')).body.running[0], 'run1 running');
      await kill9(proc);
      await waitFor(() => pidGone(running.pid), 'the orphaned job to stop once its server is gone');
      const t = await startTestServer({ max_proc: 1 }, { dir });
      try {
        const r1 = (await t.get('/job.json', { job: 'run1' })).body.job;
        assert.equal(r1.state, 'finished');
        assert.equal(r1.finish_reason, 'interrupted');
        assert.match(r1.message, /The server stopped while job run1 was running/);
        await t.waitFor(async () => (await t.get('/daemonstatus.json')).body.finished === 4, 'the pending jobs to run');
        const finished = (await t.get('/listjobs.json')).body.finished.map((j: { id: string }) => j.id);
        assert.deepEqual(finished, ['done1', 'run1', 'pend1', 'pend2']);
        assert.deepEqual((await t.get('/listversions.json', { project: 'demo' })).body.versions, ['1']);
      } finally {
        await t.close();
      }
    } finally {
      if (proc.exitCode === null) proc.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('after kill -9: a job with a JOBDIR resumes where it stopped', async () => {
    const dir = tempDir();
    const config = testConfig(dir, { jobs_dir: `${dir}/jobs` });
    const { proc, url } = await processServer(config);
    try {
      const c = client(url);
      await c.upload('demo', '1', await makeBundle());
      await c.post('/schedule.json', { project: 'demo', spider: 'alpha', jobid: 'res', items: '20', interval: '40' });
      await waitFor(async () => (await c.get('/job.json', { job: 'res' })).body.job.items_count >= 3, 'some progress');
      await kill9(proc);
      const t = await startTestServer({ jobs_dir: `${dir}/jobs` }, { dir });
      try {
        const done = await t.waitFor(async () => {
          const j = (await t.get('/job.json', { job: 'res' })).body.job;
          return j.state === 'finished' && j;
        }, 'the resumed job to finish');
        assert.equal(done.restarts, 1);
        assert.equal(done.finish_reason, 'finished');
        assert.equal(done.items_count, 20);
        assert.equal(done.jobdir, `${dir}/jobs/demo/alpha/res`);
        const items = readFileSync(`${dir}/items/demo/alpha/res.jl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l).n);
        assert.deepEqual(items, Array.from({ length: 20 }, (_, i) => i + 1), 'no item lost or repeated across the restart');
      } finally {
        await t.close();
      }
    } finally {
      if (proc.exitCode === null) proc.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('after kill -9: a job process that outlives its server is ended, then its job resumes from its JOBDIR (never two processes on one JOBDIR)', async () => {
    const dir = tempDir();
    const config = testConfig(dir, { jobs_dir: `${dir}/jobs` });
    const { proc, url } = await processServer(config);
    try {
      const c = client(url);
      await c.upload('demo', '1', await makeBundle());
      await c.post('/schedule.json', { project: 'demo', spider: 'alpha', jobid: 'orph', items: '30', interval: '40', mode: 'outlive' });
      const before = await waitFor(async () => {
        const j = (await c.get('/job.json', { job: 'orph' })).body.job;
        return j.items_count >= 3 && j;
      }, 'some progress');
      await kill9(proc);
      assert.ok(!pidGone(before.pid), 'the orphan runs on without its server');
      const logs: string[] = [];
      const t = await startTestServer({ jobs_dir: `${dir}/jobs` }, { dir, log: (m) => logs.push(m) });
      try {
        const l = (await t.get('/listjobs.json')).body;
        assert.deepEqual(l.running.map((j: { id: string }) => j.id), ['orph'], 'the orphan is shown running while it is ended');
        assert.equal((await t.get('/daemonstatus.json')).body.running, 1);
        const done = await t.waitFor(async () => {
          const j = (await t.get('/job.json', { job: 'orph' })).body.job;
          return j.state === 'finished' && j;
        }, 'the resumed job to finish');
        assert.ok(pidGone(before.pid), 'the orphan is gone');
        assert.notEqual(done.pid, before.pid);
        assert.equal(done.restarts, 1);
        assert.equal(done.finish_reason, 'finished');
        assert.equal(done.items_count, 30);
        const items = readFileSync(`${dir}/items/demo/alpha/orph.jl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l).n);
        assert.deepEqual(items, Array.from({ length: 30 }, (_, i) => i + 1), 'no item lost or repeated: the old process stopped before the new one started');
        assert.ok(logs.some((m) => /Job orph: its process \d+ outlived the last server/.test(m)), logs.join('\n'));
      } finally {
        await t.close();
      }
    } finally {
      if (proc.exitCode === null) proc.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('after kill -9: an orphan without JOBDIR is ended and its job finished interrupted, items counted from its items file', async () => {
    const dir = tempDir();
    const { proc, url } = await processServer(testConfig(dir));
    try {
      const c = client(url);
      await c.upload('demo', '1', await makeBundle());
      await c.post('/schedule.json', { project: 'demo', spider: 'alpha', jobid: 'lost', items: '100000', interval: '20', mode: 'outlive' });
      const before = await waitFor(async () => {
        const j = (await c.get('/job.json', { job: 'lost' })).body.job;
        return j.items_count >= 3 && j;
      }, 'some progress');
      await kill9(proc);
      const t = await startTestServer({}, { dir });
      try {
        const done = await t.waitFor(async () => {
          const j = (await t.get('/job.json', { job: 'lost' })).body.job;
          return j.state === 'finished' && j;
        }, 'the orphan to be ended');
        assert.ok(pidGone(before.pid), 'the orphan is gone');
        assert.equal(done.finish_reason, 'interrupted');
        assert.match(done.message, /it was ended with SIGTERM/);
        const lines = readFileSync(`${dir}/items/demo/alpha/lost.jl`, 'utf8').trim().split('\n').length;
        assert.ok(lines > before.items_count, 'the orphan wrote items after the crash');
        await t.waitFor(async () => (await t.get('/job.json', { job: 'lost' })).body.job.items_count === lines, `items_count to be recounted as ${lines}`);
      } finally {
        await t.close();
      }
    } finally {
      if (proc.exitCode === null) proc.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('graceful shutdown leaves pending jobs persisted and puts JOBDIR jobs back to pending', async () => {
    const dir = tempDir();
    let t = await startTestServer({ max_proc: 1, jobs_dir: `${dir}/jobs` }, { dir });
    await t.upload('demo', '1', await makeBundle());
    await t.post('/schedule.json', { project: 'demo', spider: 'alpha', jobid: 'long', mode: 'hang' });
    await t.post('/schedule.json', { project: 'demo', spider: 'alpha', jobid: 'next', items: '1' });
    await t.waitFor(async () => (await t.get('/job.json', { job: 'long' })).body.job.items_count > 0, 'long to run');
    await t.close(true);
    t = await startTestServer({ max_proc: 1, jobs_dir: `${dir}/jobs` }, { dir });
    try {
      const l = (await t.get('/listjobs.json')).body;
      assert.deepEqual([...l.running, ...l.pending].map((j: { id: string }) => j.id), ['long', 'next']);
      await t.post('/cancel.json', { project: 'demo', job: 'long' });
      await t.waitFor(async () => (await t.get('/status.json', { job: 'next' })).body.currstate === 'finished', 'next to run');
    } finally {
      await t.close();
    }
  });
});
