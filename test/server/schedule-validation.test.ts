// schedule.json checks a job's settings and spider arguments when it is scheduled, with the
// checks `tscrapy crawl -s … -a …` makes (the CLI exits 2 on the same values), and a job that
// fails anyway (here: a bad value in the project's own settings) reports why in listjobs/status.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { makeBundle, startTestServer } from './helpers.js';

const REAL_CHILD = fileURLToPath(new URL('../../src/server/launcher/child.ts', import.meta.url));

describe('schedule.json validation', { timeout: 90_000 }, () => {
  it('refuses bad setting values and reserved argument names with a clear error, and schedules nothing', async () => {
    const t = await startTestServer();
    try {
      await t.upload('demo', '1', await makeBundle({ spiders: ['alpha'] }));
      const cases: Array<[Record<string, string | string[]>, string]> = [
        [{ setting: 'CONCURRENT_REQUESTS=abc' }, 'setting is invalid: CONCURRENT_REQUESTS must be a number, got "abc"'],
        [{ setting: ['RETRY_TIMES=1.5', 'ROBOTSTXT_OBEY=perhaps'] }, 'setting is invalid: RETRY_TIMES must be a whole number, got 1.5; ROBOTSTXT_OBEY must be a boolean (true/false, 1/0), got "perhaps"'],
        [{ setting: 'FEEDS={"x.jl":' }, 'setting is invalid: FEEDS must be valid JSON, got {"x.jl":'],
        [{ setting: 'LOG_LEVEL=LOUD' }, 'setting is invalid: LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, got "LOUD"'],
        [{ _secret: '1' }, 'Spider argument "_secret" is reserved; choose another name (not crawler, settings, logger, parse, start, closed, state, constructor, nor a name starting with _)'],
        [{ parse: 'x' }, 'Spider argument "parse" is reserved; choose another name (not crawler, settings, logger, parse, start, closed, state, constructor, nor a name starting with _)'],
      ];
      for (const [extra, message] of cases) {
        const r = await t.post('/schedule.json', { project: 'demo', spider: 'alpha', ...extra });
        assert.deepEqual(r.body, { node_name: 'test-node', status: 'error', message });
      }
      const listed = (await t.get('/listjobs.json')).body;
      assert.equal(listed.pending.length + listed.running.length + listed.finished.length, 0);
      // valid values, and settings tscrapy does not define (the project's own), are accepted
      const ok = await t.post('/schedule.json', { project: 'demo', spider: 'alpha', setting: ['DOWNLOAD_DELAY=0.5', 'CONCURRENT_REQUESTS=4', 'MY_OWN=abc'], items: '1' });
      assert.equal(ok.body.status, 'ok');
    } finally {
      await t.close();
    }
  });

  it('a job that fails on its project settings says why in listjobs and status, and its log has one clear line', async () => {
    const bundleSource = `import { Spider } from 'tscrapy';
class Quiet extends Spider { name = 'quiet'; }
export const spiders = [Quiet];
export const settings = { CONCURRENT_REQUESTS: 'abc' };
export const components = {};
`;
    const t = await startTestServer({}, { runnerScript: REAL_CHILD });
    try {
      assert.equal((await t.upload('broken', '1', await makeBundle({ project: 'broken', spiders: ['quiet'], bundleSource }))).body.status, 'ok');
      const { jobid } = (await t.post('/schedule.json', { project: 'broken', spider: 'quiet', jobid: 'badset' })).body;
      await t.waitFor(async () => (await t.get('/status.json', { job: jobid })).body.currstate === 'finished', 'the job to end', 60_000);
      const expected = 'Job badset failed: CONCURRENT_REQUESTS must be a number, got "abc" (exit code 1)';
      const status = (await t.get('/status.json', { job: jobid })).body;
      assert.deepEqual([status.finish_reason, status.message, status.exit_code], ['failed', expected, 1]);
      const listed = (await t.get('/listjobs.json', { project: 'broken' })).body.finished[0];
      assert.deepEqual([listed.finish_reason, listed.message], ['failed', expected]);
      const log = readFileSync(`${t.config.logs_dir}/broken/quiet/badset.log`, 'utf8');
      assert.match(log, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[tscrapy\.server\.job\] CRITICAL: Job failed: CONCURRENT_REQUESTS must be a number, got "abc"$/m);
      assert.doesNotMatch(log, /\n\s+at /, 'no stack trace for a bad value');
    } finally {
      await t.close();
    }
  });
});
