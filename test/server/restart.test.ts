import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { ServerConfig } from '../../src/server/config.js';
import { isSameProcess } from '../../src/server/launcher/process-identity.js';
import { client, makeBundle, processServer, startTestServer, tempDir, testConfig, waitFor, type TestServer } from './helpers.js';

function kill9(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    proc.once('exit', () => resolve());
    proc.kill('SIGKILL');
  });
}

/** Gone, or a zombie nobody reaps yet (an orphan's new parent may be slow to). */
const pidGone = (pid: number) => !isSameProcess(pid, null);

/** The steps of a test across a `kill -9` of the server; `S` is what `before` hands on. */
interface AcrossKill9<S> {
  /** Sets the scene on the first server (its own process, the demo bundle uploaded). */
  before: (c: ReturnType<typeof client>) => Promise<S>;
  /** Runs once the first server is dead, before the next one starts. */
  between?: (s: S) => Promise<void> | void;
  /** Checks the next server, started on the same folder and config. */
  after: (t: TestServer, s: S) => Promise<void>;
  /** Receives the next server's log lines. */
  log?: (m: string) => void;
}

/**
 * A server in a child process with the config `over(dir)` gives, killed with SIGKILL after
 * `before`, then a new server on the same folder for `after`. Both servers are stopped and the
 * folder removed whatever fails.
 */
async function acrossKill9<S>(over: (dir: string) => Partial<ServerConfig>, steps: AcrossKill9<S>): Promise<void> {
  const dir = tempDir();
  const { proc, url } = await processServer(testConfig(dir, over(dir)));
  try {
    const c = client(url);
    await c.upload('demo', '1', await makeBundle());
    const scene = await steps.before(c);
    await kill9(proc);
    await steps.between?.(scene);
    const t = await startTestServer(over(dir), { dir, ...(steps.log ? { log: steps.log } : {}) });
    try {
      await steps.after(t, scene);
    } finally {
      await t.close();
    }
  } finally {
    if (proc.exitCode === null) proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The job once it has finished, on `t`. */
const finished = (t: TestServer, id: string, what: string) =>
  t.waitFor(async () => {
    const j = (await t.get('/job.json', { job: id })).body.job;
    return j.state === 'finished' && j;
  }, what);

const withJobsDir = (dir: string) => ({ jobs_dir: `${dir}/jobs` });

describe('restart safety', { timeout: 120_000 }, () => {
  it('after kill -9: finished still listed, pending still runs, running reported interrupted', async () => {
    await acrossKill9(() => ({ max_proc: 1 }), {
      before: async (c) => {
        await c.post('/schedule.json', { project: 'demo', spider: 'alpha', jobid: 'done1', items: '1' });
        await waitFor(async () => (await c.get('/status.json', { job: 'done1' })).body.currstate === 'finished', 'done1');
        await c.post('/schedule.json', { project: 'demo', spider: 'alpha', jobid: 'run1', mode: 'hang' });
        await c.post('/schedule.json', { project: 'demo', spider: 'alpha', jobid: 'pend1', items: '2', priority: '3' });
        await c.post('/schedule.json', { project: 'demo', spider: 'alpha', jobid: 'pend2', items: '1' });
        return (await waitFor(async () => (await c.get('/listjobs.json')).body.running[0], 'run1 running')) as { pid: number };
      },
      between: (running) => waitFor(() => pidGone(running.pid), 'the orphaned job to stop once its server is gone').then(() => {}),
      after: async (t) => {
        const r1 = (await t.get('/job.json', { job: 'run1' })).body.job;
        assert.equal(r1.state, 'finished');
        assert.equal(r1.finish_reason, 'interrupted');
        assert.match(r1.message, /The server stopped while job run1 was running/);
        await t.waitFor(async () => (await t.get('/daemonstatus.json')).body.finished === 4, 'the pending jobs to run');
        const done = (await t.get('/listjobs.json')).body.finished.map((j: { id: string }) => j.id);
        assert.deepEqual(done, ['done1', 'run1', 'pend1', 'pend2']);
        assert.deepEqual((await t.get('/listversions.json', { project: 'demo' })).body.versions, ['1']);
      },
    });
  });

  it('after kill -9: a job with a JOBDIR resumes where it stopped', async () => {
    await acrossKill9(withJobsDir, {
      before: async (c) => {
        await c.post('/schedule.json', { project: 'demo', spider: 'alpha', jobid: 'res', items: '20', interval: '40' });
        await waitFor(async () => (await c.get('/job.json', { job: 'res' })).body.job.items_count >= 3, 'some progress');
      },
      after: async (t) => {
        const done = await finished(t, 'res', 'the resumed job to finish');
        assert.equal(done.restarts, 1);
        assert.equal(done.finish_reason, 'finished');
        assert.equal(done.items_count, 20);
        assert.equal(done.jobdir, `${t.dir}/jobs/demo/alpha/res`);
        const items = readFileSync(`${t.dir}/items/demo/alpha/res.jl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l).n);
        assert.deepEqual(items, Array.from({ length: 20 }, (_, i) => i + 1), 'no item lost or repeated across the restart');
      },
    });
  });

  it('after kill -9: a job process that outlives its server is ended, then its job resumes from its JOBDIR (never two processes on one JOBDIR)', async () => {
    const logs: string[] = [];
    await acrossKill9(withJobsDir, {
      log: (m) => logs.push(m),
      before: async (c) => {
        await c.post('/schedule.json', { project: 'demo', spider: 'alpha', jobid: 'orph', items: '30', interval: '40', mode: 'outlive' });
        return waitFor(async () => {
          const j = (await c.get('/job.json', { job: 'orph' })).body.job;
          return j.items_count >= 3 && (j as { pid: number });
        }, 'some progress');
      },
      between: (before) => assert.ok(!pidGone(before.pid), 'the orphan runs on without its server'),
      after: async (t, before) => {
        const l = (await t.get('/listjobs.json')).body;
        assert.deepEqual(l.running.map((j: { id: string }) => j.id), ['orph'], 'the orphan is shown running while it is ended');
        assert.equal((await t.get('/daemonstatus.json')).body.running, 1);
        const done = await finished(t, 'orph', 'the resumed job to finish');
        assert.ok(pidGone(before.pid), 'the orphan is gone');
        assert.notEqual(done.pid, before.pid);
        assert.equal(done.restarts, 1);
        assert.equal(done.finish_reason, 'finished');
        assert.equal(done.items_count, 30);
        const items = readFileSync(`${t.dir}/items/demo/alpha/orph.jl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l).n);
        assert.deepEqual(items, Array.from({ length: 30 }, (_, i) => i + 1), 'no item lost or repeated: the old process stopped before the new one started');
        assert.ok(logs.some((m) => /Job orph: its process \d+ outlived the last server/.test(m)), logs.join('\n'));
      },
    });
  });

  it('after kill -9: an orphan without JOBDIR is ended and its job finished interrupted, items counted from its items file', async () => {
    await acrossKill9(() => ({}), {
      before: async (c) => {
        await c.post('/schedule.json', { project: 'demo', spider: 'alpha', jobid: 'lost', items: '100000', interval: '20', mode: 'outlive' });
        return waitFor(async () => {
          const j = (await c.get('/job.json', { job: 'lost' })).body.job;
          return j.items_count >= 3 && (j as { pid: number; items_count: number });
        }, 'some progress');
      },
      after: async (t, before) => {
        const done = await finished(t, 'lost', 'the orphan to be ended');
        assert.ok(pidGone(before.pid), 'the orphan is gone');
        assert.equal(done.finish_reason, 'interrupted');
        assert.match(done.message, /it was ended with SIGTERM/);
        const lines = readFileSync(`${t.dir}/items/demo/alpha/lost.jl`, 'utf8').trim().split('\n').length;
        assert.ok(lines > before.items_count, 'the orphan wrote items after the crash');
        await t.waitFor(async () => (await t.get('/job.json', { job: 'lost' })).body.job.items_count === lines, `items_count to be recounted as ${lines}`);
      },
    });
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
