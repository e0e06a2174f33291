// One success rule for `tscrapy runspider` and server jobs (src/crawler/crawl-outcome.ts):
// pages that fail after their retries (500s, refused connections) do not fail a crawl, as in
// Scrapy; a callback that throws does, unless EXIT_ERROR_THRESHOLD allows it. The same spiders
// run through the built CLI and as jobs of a server with the real job child.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli, tempTree } from '../cli/helpers.js';
import { makeBundle, startTestServer, type TestServer } from '../server/helpers.js';

const REAL_CHILD = fileURLToPath(new URL('../../src/server/launcher/child.ts', import.meta.url));

const SPIDERS = `import { Request, Spider } from 'tscrapy';
// 3 pages that answer 500 (retried, then given up), one refused connection, one good page
export class Flaky extends Spider {
  name = 'flaky';
  async *start() {
    for (const n of [1, 2, 3]) yield new Request(this.site + '/fail/' + n);
    yield new Request(this.dead);
    yield new Request(this.site + '/ok');
  }
  parse(response) {
    return [{ url: response.url }];
  }
}
export class Thrower extends Spider {
  name = 'thrower';
  async *start() {
    yield new Request(this.site + '/ok');
  }
  parse() {
    throw new Error('boom in callback');
  }
}
`;

let site: Server;
let siteUrl: string;
let deadUrl: string;

before(async () => {
  site = createServer((req, res) => {
    res.writeHead(req.url?.startsWith('/fail/') ? 500 : 200, { 'content-type': 'text/html' });
    res.end('<html></html>');
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  // a port that was free a moment ago: connections to it are refused
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/`;
  await new Promise((r) => closed.close(r));
});
after(() => new Promise((r) => site.close(r)));

describe('one crawl success rule for the CLI and server jobs', { timeout: 120_000 }, () => {
  it('runspider: failed pages exit 0; a callback error exits 1 unless EXIT_ERROR_THRESHOLD allows it', async () => {
    const tree = await tempTree({ 'spiders.ts': SPIDERS });
    try {
      const common = ['-a', `site=${siteUrl}`, '-a', `dead=${deadUrl}`, '-L', 'INFO', '--no-progress', '-s', 'LOGSTATS_INTERVAL=0'];
      const flaky = await runCli(['runspider', 'spiders.ts', '--spider', 'flaky', ...common], tree.dir);
      assert.equal(flaky.code, 0, flaky.stderr);
      assert.match(flaky.stderr, /ERROR: Gave up retrying <GET http:\/\/127\.0\.0\.1:\d+\/fail\/1>/);
      assert.match(flaky.stderr, /'retry\/max_reached': 4/);
      assert.doesNotMatch(flaky.stderr, /Crawl failed/);
      const thrower = await runCli(['runspider', 'spiders.ts', '--spider', 'thrower', ...common], tree.dir);
      assert.equal(thrower.code, 1, thrower.stderr);
      assert.match(thrower.stderr, /Crawl failed: the crawl had 1 callback error \(EXIT_ERROR_THRESHOLD is 0; -s EXIT_ERROR_THRESHOLD=-1 ignores them\)/);
      const allowed = await runCli(['runspider', 'spiders.ts', '--spider', 'thrower', ...common, '-s', 'EXIT_ERROR_THRESHOLD=1'], tree.dir);
      assert.equal(allowed.code, 0, allowed.stderr);
    } finally {
      await tree.cleanup();
    }
  });

  it('server jobs: the same exit codes, and a failed job says why', async () => {
    const bundleSource = `${SPIDERS}export const spiders = [Flaky, Thrower];\nexport const settings = { LOGSTATS_INTERVAL: 0 };\nexport const components = {};\n`;
    const t: TestServer = await startTestServer({}, { runnerScript: REAL_CHILD });
    try {
      assert.equal((await t.upload('rule', '1', await makeBundle({ project: 'rule', spiders: ['flaky', 'thrower'], bundleSource }))).body.status, 'ok');
      const run = async (spider: string, jobid: string, extra: Record<string, string> = {}) => {
        await t.post('/schedule.json', { project: 'rule', spider, jobid, site: siteUrl, dead: deadUrl, ...extra });
        await t.waitFor(async () => (await t.get('/status.json', { job: jobid })).body.currstate === 'finished', `${jobid} to finish`, 60_000);
        return (await t.get('/job.json', { job: jobid })).body.job;
      };
      const flaky = await run('flaky', 'flaky');
      assert.deepEqual([flaky.exit_code, flaky.finish_reason, flaky.message], [0, 'finished', null]);
      assert.equal(flaky.stats['retry/max_reached'], 4);
      const thrower = await run('thrower', 'thrower');
      assert.deepEqual([thrower.exit_code, thrower.finish_reason], [1, 'finished']);
      assert.equal(thrower.message, 'Job thrower failed: the crawl had 1 callback error (EXIT_ERROR_THRESHOLD is 0; -s EXIT_ERROR_THRESHOLD=-1 ignores them) (exit code 1)');
      const allowed = await run('thrower', 'allowed', { setting: 'EXIT_ERROR_THRESHOLD=1' });
      assert.deepEqual([allowed.exit_code, allowed.message], [0, null]);
    } finally {
      await t.close();
    }
  });
});
