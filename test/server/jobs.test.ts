import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { makeBundle, startTestServer, withDeployedServer, type TestServer } from './helpers.js';

const withServer = (over: Parameters<typeof withDeployedServer>[0], fn: Parameters<typeof withDeployedServer>[1]) => withDeployedServer(over, fn, ['alpha', 'beta']);

const state = async (t: TestServer, id: string) => (await t.get('/status.json', { job: id })).body.currstate as string | null;
const job = async (t: TestServer, id: string) => (await t.get('/job.json', { job: id })).body.job;

describe('running jobs', { timeout: 90_000 }, () => {
  it('runs at most max_proc at once and starts the next job as soon as a slot frees', async () => {
    await withServer({ max_proc: 1 }, async (t) => {
      await t.post('/schedule.json', { project: 'demo', spider: 'alpha', jobid: 'a', mode: 'hang' });
      await t.post('/schedule.json', { project: 'demo', spider: 'alpha', jobid: 'b', items: '1' });
      assert.equal(await state(t, 'a'), 'running');
      assert.equal(await state(t, 'b'), 'pending');
      const ds = (await t.get('/daemonstatus.json')).body;
      assert.deepEqual([ds.pending, ds.running, ds.finished], [1, 1, 0]);
      const listed = (await t.get('/listjobs.json')).body;
      assert.deepEqual(listed.pending.map((j: { id: string }) => j.id), ['b']);
      assert.equal(listed.running[0].id, 'a');
      assert.equal(typeof listed.running[0].pid, 'number');
      await t.waitFor(async () => (await job(t, 'a')).items_count > 0, 'a to have set up its signal handlers');
      assert.deepEqual(await t.post('/cancel.json', { project: 'demo', job: 'a' }).then((r) => r.body.prevstate), 'running');
      await t.waitFor(async () => (await state(t, 'b')) === 'finished', 'b to run after a');
      const a = await job(t, 'a');
      assert.equal(a.finish_reason, 'shutdown');
      assert.equal(a.message, 'Job a was cancelled with SIGINT');
      assert.equal(a.exit_code, 0);
    });
  });

  it('orders pending jobs by priority (float, higher first, across projects), FIFO among equals', async () => {
    await withServer({ max_proc: 1 }, async (t) => {
      await t.upload('other', '1', await makeBundle({ spiders: ['gamma'] }));
      await t.post('/schedule.json', { project: 'demo', spider: 'alpha', jobid: 'blocker', mode: 'hang' });
      const order: Array<[string, string, string]> = [['p0a', 'demo', '0'], ['p1', 'other', '1'], ['p0b', 'demo', '0'], ['p25', 'demo', '2.5'], ['pneg', 'other', '-1'], ['p1b', 'demo', '1']];
      for (const [id, project, priority] of order) {
        await t.post('/schedule.json', { project, spider: project === 'demo' ? 'alpha' : 'gamma', jobid: id, priority, items: '0' });
      }
      assert.deepEqual((await t.get('/listjobs.json')).body.pending.map((j: { id: string }) => j.id), ['p25', 'p1', 'p1b', 'p0a', 'p0b', 'pneg']);
      await t.post('/cancel.json', { project: 'demo', job: 'blocker' });
      await t.waitFor(async () => (await t.get('/daemonstatus.json')).body.finished === 7, 'all jobs to finish');
      const finished = (await t.get('/listjobs.json')).body.finished.map((j: { id: string }) => j.id);
      assert.deepEqual(finished, ['blocker', 'p25', 'p1', 'p1b', 'p0a', 'p0b', 'pneg']);
    });
  });

  it('cancel: pending jobs are removed; SIGTERM then SIGKILL follow a signal that is ignored', async () => {
    await withServer({ max_proc: 2, cancel_timeout: 300 }, async (t) => {
      await t.post('/schedule.json', { project: 'demo', spider: 'alpha', jobid: 'stubborn', mode: 'ignore-int', items: '100000' });
      await t.post('/schedule.json', { project: 'demo', spider: 'alpha', jobid: 'deaf', mode: 'ignore-all', items: '100000' });
      await t.post('/schedule.json', { project: 'demo', spider: 'alpha', jobid: 'queued' });
      assert.equal((await t.post('/cancel.json', { project: 'demo', job: 'queued' })).body.prevstate, 'pending');
      assert.equal((await job(t, 'queued')).finish_reason, 'cancelled');
      await t.waitFor(async () => (await job(t, 'deaf')).items_count > 0 && (await job(t, 'stubborn')).items_count > 0, 'both to have started');
      assert.equal((await t.post('/cancel.json', { project: 'demo', job: 'stubborn', signal: '2' })).body.prevstate, 'running');
      assert.equal((await t.post('/cancel.json', { project: 'demo', job: 'deaf', signal: 'int' })).body.prevstate, 'running');
      await t.waitFor(async () => (await state(t, 'stubborn')) === 'finished' && (await state(t, 'deaf')) === 'finished', 'both to end');
      const s = await job(t, 'stubborn');
      assert.equal(s.message, 'Job stubborn was cancelled with SIGINT, sent SIGTERM after 300 ms');
      assert.equal(s.finish_reason, 'shutdown');
      const d = await job(t, 'deaf');
      assert.equal(d.message, 'Job deaf was cancelled with SIGINT, sent SIGTERM after 300 ms and killed after 600 ms');
      assert.equal(d.exit_signal, 'SIGKILL');
      assert.equal(d.finish_reason, 'cancelled');
      assert.equal((await t.post('/cancel.json', { project: 'demo', job: 'deaf' })).body.prevstate, null);
      assert.equal((await t.post('/cancel.json', { project: 'demo', job: 'never-was' })).body.prevstate, null);
    });
  });

  it('a crashing job is finished with its exit code and reason failed; running jobs show live counts', async () => {
    await withServer({}, async (t) => {
      await t.post('/schedule.json', { project: 'demo', spider: 'alpha', jobid: 'boom', mode: 'crash' });
      await t.post('/schedule.json', { project: 'demo', spider: 'alpha', jobid: 'live', mode: 'hang', interval: '20' });
      await t.waitFor(async () => (await state(t, 'boom')) === 'finished', 'boom to crash');
      const b = await job(t, 'boom');
      assert.equal(b.exit_code, 3);
      assert.equal(b.finish_reason, 'failed');
      assert.equal(b.message, 'Job boom exited with code 3');
      const log = await (await fetch(new URL('/logs/demo/alpha/boom.log', t.url))).text();
      assert.match(log, /fixture crash on purpose/, 'stderr lands in the job log');
      await t.waitFor(async () => {
        const running = (await t.get('/listjobs.json')).body.running;
        return running[0]?.items_count >= 3 && running[0].pages_count >= 3;
      }, 'live counts');
      await t.post('/cancel.json', { project: 'demo', job: 'live' });
    });
  });

  it('finished_to_keep and jobs_to_keep prune history and files', async () => {
    await withServer({ max_proc: 1, finished_to_keep: 3, jobs_to_keep: 2 }, async (t) => {
      for (const id of ['j1', 'j2', 'j3', 'j4']) await t.post('/schedule.json', { project: 'demo', spider: 'alpha', jobid: id, items: '1' });
      await t.waitFor(async () => (await state(t, 'j4')) === 'finished', 'j4');
      const finished = (await t.get('/listjobs.json')).body.finished;
      assert.deepEqual(finished.map((j: { id: string }) => j.id), ['j2', 'j3', 'j4']);
      assert.equal(finished[0].log_url, null);
      assert.equal(finished[0].items_url, null);
      assert.equal(finished[2].log_url, '/logs/demo/alpha/j4.log');
      const logs = t.config.logs_dir;
      assert.deepEqual(['j1', 'j2', 'j3', 'j4'].map((id) => existsSync(`${logs}/demo/alpha/${id}.log`)), [false, false, true, true]);
      assert.deepEqual(['j1', 'j2', 'j3', 'j4'].map((id) => existsSync(`${t.config.items_dir}/demo/alpha/${id}.jl`)), [false, false, true, true]);
    });
  });

  it('follows a growing log over SSE and items as a chunked stream', async () => {
    await withServer({}, async (t) => {
      await t.post('/schedule.json', { project: 'demo', spider: 'alpha', jobid: 'grow', items: '8', interval: '40' });
      await t.waitFor(async () => (await state(t, 'grow')) === 'running', 'running');
      const sse = await fetch(new URL('/logs/demo/alpha/grow.log', t.url), { headers: { accept: 'text/event-stream' } });
      assert.equal(sse.headers.get('content-type'), 'text/event-stream; charset=utf-8');
      const chunked = fetch(new URL('/items/demo/alpha/grow.jl?follow=1', t.url)).then((r) => r.text());
      const text = await sse.text(); // ends when the job has finished and the log is drained
      const events = text.split('\n\n').filter(Boolean);
      assert.match(events.at(-1)!, /^event: end\ndata: \{"state":"finished","offset":\d+\}$/);
      const lines = events.filter((e) => e.startsWith('id: ')).map((e) => e.split('\n')[1]!.slice(6));
      assert.equal(lines.filter((l) => /scraped item \d/.test(l)).length, 8);
      const lastId = Number(events.at(-2)!.split('\n')[0]!.slice(4));
      const full = await (await fetch(new URL('/logs/demo/alpha/grow.log', t.url))).text();
      assert.equal(lastId, Buffer.byteLength(full));
      const items = (await chunked).trim().split('\n').map((l) => JSON.parse(l).n);
      assert.deepEqual(items, [1, 2, 3, 4, 5, 6, 7, 8]);
      // resume from an offset with Last-Event-ID
      const resumed = await (await fetch(new URL('/logs/demo/alpha/grow.log?follow=sse', t.url), { headers: { 'last-event-id': String(lastId) } })).text();
      assert.match(resumed, /^event: end/);
    });
  });

  it('stays responsive under a burst of 500 concurrent API calls with no lost or duplicated jobs', async () => {
    await withServer({ max_proc: 4 }, async (t) => {
      const calls = Array.from({ length: 500 }, (_, i) =>
        i % 5 === 4 ? t.get('/listjobs.json') : t.post('/schedule.json', { project: 'demo', spider: 'beta', items: '0', interval: '1', n: String(i) }),
      );
      const replies = await Promise.all(calls);
      assert.ok(replies.every((r) => r.status === 200 && r.body.status === 'ok'));
      const ids = replies.filter((r) => r.body.jobid).map((r) => r.body.jobid as string);
      assert.equal(ids.length, 400);
      assert.equal(new Set(ids).size, 400);
      const l = (await t.get('/listjobs.json')).body;
      const all = [...l.pending, ...l.running, ...l.finished].map((j: { id: string }) => j.id);
      assert.equal(all.length, 400);
      assert.deepEqual(new Set(all), new Set(ids));
      assert.ok(l.running.length <= 4);
      const args = new Set([...l.pending, ...l.running, ...l.finished].map((j: { args: { n: string } }) => j.args.n));
      assert.equal(args.size, 400);
    });
  });
});

describe('deleting a project or version while its jobs run', { timeout: 60_000 }, () => {
  it('keeps the bundle until the last running job ends, hidden from the API meanwhile', async () => {
    const t = await startTestServer({ max_proc: 4 });
    try {
      await t.upload('demo', '1', await makeBundle());
      await t.upload('demo', '2', await makeBundle());
      await t.post('/schedule.json', { project: 'demo', spider: 'alpha', jobid: 'old', _version: '1', mode: 'hang' });
      await t.post('/schedule.json', { project: 'demo', spider: 'alpha', jobid: 'new', _version: '2', mode: 'hang' });
      await t.waitFor(async () => (await t.get('/daemonstatus.json')).body.running === 2, 'both jobs running');
      const v1 = `${t.config.eggs_dir}/demo/1/bundle.mjs`;
      const v2 = `${t.config.eggs_dir}/demo/2/bundle.mjs`;
      assert.equal((await t.post('/delversion.json', { project: 'demo', version: '1' })).body.status, 'ok');
      assert.deepEqual((await t.get('/listversions.json', { project: 'demo' })).body.versions, ['2']);
      assert.ok(existsSync(v1), 'version 1 is kept while job old runs it');
      assert.equal((await t.post('/delproject.json', { project: 'demo' })).body.status, 'ok');
      assert.deepEqual((await t.get('/listprojects.json')).body.projects, []);
      assert.ok(existsSync(v2), 'version 2 is kept while job new runs it');
      await t.post('/cancel.json', { project: 'demo', job: 'old' });
      await t.waitFor(() => !existsSync(v1), 'version 1 to go once its job ended');
      assert.ok(existsSync(v2), 'version 2 stays: job new still runs');
      await t.post('/cancel.json', { project: 'demo', job: 'new' });
      await t.waitFor(() => !existsSync(`${t.config.eggs_dir}/demo`), 'the project folder to go once the last job ended');
    } finally {
      await t.close();
    }
  });
});
