import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { makeBundle, startTestServer, type TestServer } from './helpers.js';

describe('Scrapyd JSON API', { timeout: 60_000 }, () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ max_proc: 2 });
  });
  after(() => t.close());

  const finished = (id: string) =>
    t.waitFor(async () => {
      const r = await t.get('/status.json', { job: id });
      return r.body.currstate === 'finished' && r.body;
    }, `job ${id} to finish`);

  it('daemonstatus.json answers with node_name, status and counts', async () => {
    const r = await t.get('/daemonstatus.json');
    assert.equal(r.status, 200);
    assert.deepEqual({ ...r.body, uptime_s: 0 }, { node_name: 'test-node', status: 'ok', pending: 0, running: 0, finished: 0, max_proc: 2, uptime_s: 0 });
  });

  it('addversion.json stores a bundle; the form project/version win; spiders come from the manifest', async () => {
    const r = await t.upload('demo', 'r9', await makeBundle({ project: 'other-name', version: '0.0.1', spiders: ['alpha', 'beta'] }));
    assert.deepEqual(r.body, { node_name: 'test-node', status: 'ok', project: 'demo', version: 'r9', spiders: 2, spider_names: ['alpha', 'beta'] });
    assert.ok(existsSync(`${t.config.eggs_dir}/demo/r9/bundle.mjs`));
  });

  it('listversions.json orders naturally when not all PEP 440 (r10 after r9), and PEP 440 when all parse', async () => {
    await t.upload('demo', 'r10', await makeBundle({ spiders: ['alpha', 'beta', 'gamma'] }));
    await t.upload('demo', 'r2', await makeBundle());
    assert.deepEqual((await t.get('/listversions.json', { project: 'demo' })).body.versions, ['r2', 'r9', 'r10']);
    for (const v of ['1.9', '1.10', '1.10rc1', '1.2']) await t.upload('pep', v, await makeBundle());
    assert.deepEqual((await t.get('/listversions.json', { project: 'pep' })).body.versions, ['1.2', '1.9', '1.10rc1', '1.10']);
    assert.deepEqual((await t.get('/listversions.json', { project: 'nope' })).body, { node_name: 'test-node', status: 'ok', versions: [] });
  });

  it('listprojects.json and listspiders.json (latest, or _version)', async () => {
    assert.deepEqual((await t.get('/listprojects.json')).body, { node_name: 'test-node', status: 'ok', projects: ['demo', 'pep'] });
    assert.deepEqual((await t.get('/listspiders.json', { project: 'demo' })).body.spiders, ['alpha', 'beta', 'gamma']);
    assert.deepEqual((await t.get('/listspiders.json', { project: 'demo', _version: 'r9' })).body.spiders, ['alpha', 'beta']);
    const bad = await t.get('/listspiders.json', { project: 'demo', _version: 'r99' });
    assert.deepEqual(bad.body, { node_name: 'test-node', status: 'error', message: "version 'r99' not found" });
  });

  it('schedule.json runs a job with args, settings, _version, jobid and priority; listjobs shows Scrapyd fields plus extras', async () => {
    const r = await t.post('/schedule.json', { project: 'demo', spider: 'alpha', _version: 'r9', jobid: 'job-one', priority: '1.5', setting: ['DOWNLOAD_DELAY=2', 'FOO=a=b'], arg1: 'val1', items: '2' });
    assert.deepEqual(r.body, { node_name: 'test-node', status: 'ok', jobid: 'job-one' });
    const done = await finished('job-one');
    assert.equal(done.finish_reason, 'finished');
    const jobs = (await t.get('/listjobs.json', { project: 'demo' })).body;
    assert.equal(jobs.status, 'ok');
    const f = jobs.finished.find((j: { id: string }) => j.id === 'job-one');
    assert.equal(f.project, 'demo');
    assert.equal(f.spider, 'alpha');
    assert.equal(f.version, 'r9');
    assert.deepEqual(f.settings, { DOWNLOAD_DELAY: '2', FOO: 'a=b' });
    assert.deepEqual(f.args, { arg1: 'val1', items: '2' });
    assert.match(f.start_time, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    assert.match(f.end_time, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
    assert.equal(f.log_url, '/logs/demo/alpha/job-one.log');
    assert.equal(f.items_url, '/items/demo/alpha/job-one.jl');
    assert.equal(f.exit_code, 0);
    assert.equal(f.items_count, 2);
    assert.equal(f.pages_count, 2);
    assert.equal(f.errors_count, 0);
    const items = await (await fetch(new URL(f.items_url, t.url))).text();
    assert.deepEqual(items.trim().split('\n').map((l) => JSON.parse(l).n), [1, 2]);
    const log = await (await fetch(new URL(f.log_url, t.url))).text();
    assert.match(log, /"LOG_FILE":"[^"]*job-one\.log"/);
    assert.match(log, /"DOWNLOAD_DELAY":"2"/);
    const detail = (await t.get('/job.json', { job: 'job-one' })).body.job;
    assert.equal(detail.state, 'finished');
    assert.equal(detail.stats.item_scraped_count, 2);
    assert.equal(detail.priority, 1.5);
  });

  it('schedule.json without _version uses the latest version; a generated jobid is 32 hex', async () => {
    const r = await t.post('/schedule.json', { project: 'demo', spider: 'gamma', items: '1' });
    assert.match(r.body.jobid, /^[0-9a-f]{32}$/);
    const done = await finished(r.body.jobid);
    assert.equal(done.version, 'r10');
  });

  it('each error has its own message, HTTP 200 like Scrapyd', async () => {
    const cases: Array<[Promise<{ status: number; body: any }>, string | RegExp]> = [
      [t.post('/schedule.json', { spider: 'alpha' }), "'project' parameter is required"],
      [t.post('/schedule.json', { project: 'demo' }), "'spider' parameter is required"],
      [t.post('/schedule.json', { project: 'ghost', spider: 'alpha' }), "project 'ghost' not found"],
      [t.post('/schedule.json', { project: 'demo', spider: 'ghost' }), /^spider 'ghost' not found in project demo version r10/],
      [t.post('/schedule.json', { project: 'demo', spider: 'alpha', _version: 'v0' }), "version 'v0' not found"],
      [t.post('/schedule.json', { project: 'demo', spider: 'alpha', priority: 'high' }), /^priority is invalid/],
      [t.post('/schedule.json', { project: 'demo', spider: 'alpha', setting: 'NOEQUALS' }), /^setting is invalid/],
      [t.post('/schedule.json', { project: 'demo', spider: 'alpha', jobid: 'job-one', mode: 'hang' }).then(async (r) => {
        // job-one is finished: reusing its id is allowed; a second pending/running one is not
        const again = await t.post('/schedule.json', { project: 'demo', spider: 'alpha', jobid: 'job-one' });
        await t.post('/cancel.json', { project: 'demo', job: 'job-one' });
        return again;
      }), "job 'job-one' already exists and is running"],
      [t.post('/cancel.json', { project: 'demo' }), "'job' parameter is required"],
      [t.post('/cancel.json', { project: 'demo', job: 'x', signal: 'NOPE' }), /^signal "NOPE" is not allowed: use INT/],
      [t.get('/status.json'), "'job' parameter is required"],
      [t.get('/status.json', { job: 'x', project: 'ghost' }), "project 'ghost' not found"],
      [t.get('/listjobs.json', { project: 'ghost' }), "project 'ghost' not found"],
      [t.get('/listspiders.json'), "'project' parameter is required"],
      [t.get('/listspiders.json', { project: 'ghost' }), "project 'ghost' not found"],
      [t.get('/job.json', { job: 'ghost' }), "job 'ghost' not found"],
      [t.post('/delversion.json', { project: 'demo', version: 'nope' }), "version 'nope' not found"],
      [t.post('/delversion.json', { project: 'demo' }), "'version' parameter is required"],
      [t.post('/delproject.json', { project: 'ghost' }), "project 'ghost' not found"],
      [t.post('/addversion.json', { project: 'demo', version: '1' }), "'egg' parameter is required"],
      [t.upload('demo', '1', 'not-a-file'), /^egg is not a tar\.gz bundle/],
    ];
    for (const [p, expected] of cases) {
      const r = await p;
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.status, 'error', JSON.stringify(r.body));
      assert.equal(r.body.node_name, 'test-node');
      if (typeof expected === 'string') assert.equal(r.body.message, expected);
      else assert.match(r.body.message, expected);
    }
  });

  it('OPTIONS lists methods the way Scrapyd does; unknown paths 404', async () => {
    const o = await fetch(new URL('/listjobs.json', t.url), { method: 'OPTIONS' });
    assert.equal(o.status, 204);
    assert.equal(o.headers.get('allow'), 'OPTIONS, HEAD, GET');
    const n = await t.get('/nope.json');
    assert.equal(n.status, 404);
    assert.match(n.body.message, /^no such resource: \/nope\.json/);
  });

  it('every name that becomes a path is validated on every endpoint (../x, a/b, ..)', async () => {
    const bundle = await makeBundle();
    for (const bad of ['../x', 'a/b', '..', '.', '', 'a\\b', '-rf']) {
      const rs = [
        await t.upload(bad, '1', bundle),
        await t.upload('demo', bad, bundle),
        await t.post('/schedule.json', { project: bad, spider: 'alpha' }),
        await t.post('/schedule.json', { project: 'demo', spider: bad }),
        await t.post('/schedule.json', { project: 'demo', spider: 'alpha', _version: bad === '' ? '.' : bad }),
        await t.post('/schedule.json', { project: 'demo', spider: 'alpha', jobid: bad === '' ? '..' : bad }),
        await t.post('/cancel.json', { project: bad, job: 'x' }),
        await t.post('/cancel.json', { project: 'demo', job: bad }),
        await t.get('/status.json', { job: bad }),
        await t.get('/listversions.json', { project: bad }),
        await t.get('/listspiders.json', { project: bad }),
        await t.get('/listspiders.json', { project: 'demo', _version: bad === '' ? '..' : bad }),
        await t.get('/listjobs.json', { project: bad }),
        await t.get('/job.json', { job: bad }),
        await t.post('/delversion.json', { project: bad, version: '1' }),
        await t.post('/delversion.json', { project: 'demo', version: bad }),
        await t.post('/delproject.json', { project: bad }),
      ];
      for (const r of rs) {
        assert.equal(r.body.status, 'error', `${JSON.stringify(bad)}: ${JSON.stringify(r.body)}`);
        assert.match(r.body.message, /is not a valid (project|version|spider|job) name/, JSON.stringify(r.body));
      }
    }
    for (const path of ['/logs/../dbs/jobs.jl', '/logs/demo/alpha/..%2F..%2Fdbs%2Fjobs.jl', '/items/demo/..%2F../x.jl', '/logs/%2e%2e/alpha/x.log']) {
      const r = await fetch(new URL(path, t.url));
      assert.equal(r.status, 404, path);
    }
    assert.deepEqual((await t.get('/listprojects.json')).body.projects, ['demo', 'pep']);
  });

  it('status.json reports currstate for a job, null for an unknown one', async () => {
    assert.equal((await t.get('/status.json', { job: 'job-one' })).body.currstate, 'finished');
    assert.deepEqual((await t.get('/status.json', { job: 'unknown' })).body, { node_name: 'test-node', status: 'ok', currstate: null });
  });

  it('delversion.json deletes a version, and the project with its last; delproject.json deletes a project', async () => {
    assert.deepEqual((await t.post('/delversion.json', { project: 'demo', version: 'r2' })).body, { node_name: 'test-node', status: 'ok' });
    assert.deepEqual((await t.get('/listversions.json', { project: 'demo' })).body.versions, ['r9', 'r10']);
    await t.upload('solo', '1', await makeBundle());
    await t.post('/delversion.json', { project: 'solo', version: '1' });
    assert.ok(!(await t.get('/listprojects.json')).body.projects.includes('solo'));
    assert.deepEqual((await t.post('/delproject.json', { project: 'pep' })).body, { node_name: 'test-node', status: 'ok' });
    assert.deepEqual((await t.get('/listprojects.json')).body.projects, ['demo']);
    assert.ok(!existsSync(`${t.config.eggs_dir}/pep`));
  });

  it('job logs can be read from an offset', async () => {
    const log = readFileSync(`${t.config.logs_dir}/demo/alpha/job-one.log`);
    const r = await fetch(new URL('/logs/demo/alpha/job-one.log?offset=10', t.url));
    assert.equal(r.headers.get('x-next-offset'), String(log.length));
    assert.equal(await r.text(), log.subarray(10).toString());
  });
});

describe('honest status codes (error_status_codes = on)', { timeout: 30_000 }, () => {
  it('answers errors with 4xx codes', async () => {
    const t = await startTestServer({ error_status_codes: true });
    try {
      assert.equal((await t.post('/schedule.json', {})).status, 400);
      assert.equal((await t.post('/schedule.json', { project: 'ghost', spider: 'x' })).status, 404);
      assert.equal((await t.get('/job.json', { job: 'nope' })).status, 404);
      const up = await t.upload('p', '1', Buffer.from('not gzip'));
      assert.equal(up.status, 400);
      assert.match(up.body.message, /^egg is not a tar\.gz bundle/);
    } finally {
      await t.close();
    }
  });
});
