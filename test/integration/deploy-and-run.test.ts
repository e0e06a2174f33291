// A user's whole path with the built CLI: a project deployed with `tscrapy deploy` to a
// `tscrapy server`, a job scheduled through the Scrapyd API, the job's real child process
// crawling the demo shop, and its items and log served back.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startCatalogueSite, type CatalogueSite } from '../../src/demo/catalogue-site.js';
import { logparserParse } from '../support/logparser.js';

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
let site: CatalogueSite;
let dir: string;
let server: ChildProcess;
let url: string;

async function api(path: string, form?: Record<string, string>): Promise<any> {
  const res = form
    ? await fetch(url + path, { method: 'POST', body: new URLSearchParams(form) })
    : await fetch(url + path);
  return res.json();
}

before(async () => {
  site = await startCatalogueSite({ products: 40, productBytes: 2000 });
  dir = mkdtempSync(join(tmpdir(), 'tscrapy-e2e-'));
  const data = join(dir, 'server');
  server = spawn(process.execPath, [BIN, 'server', '-p', '0', '--dbs-dir', join(data, 'dbs'), '--eggs-dir', join(data, 'eggs'),
    '--logs-dir', join(data, 'logs'), '--items-dir', join(data, 'items'), '--node-name', 'e2e'], { cwd: data.replace(/server$/, ''), stdio: ['ignore', 'pipe', 'pipe'] });
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not print its URL')), 20_000);
    for (const stream of [server.stdout!, server.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
    }
  });
  const project = join(dir, 'shop');
  mkdirSync(join(project, 'src', 'spiders'), { recursive: true });
  writeFileSync(join(project, 'scrapy.cfg'), `[settings]\ndefault = src/settings.ts\n\n[deploy]\nurl = ${url}/\nproject = shop\n`);
  writeFileSync(join(project, 'src', 'settings.ts'), `export const BOT_NAME = 'shop';\nexport const CONCURRENT_REQUESTS = 8;\nexport const LOG_LEVEL = 'INFO';\n`);
  writeFileSync(
    join(project, 'src', 'spiders', 'products.ts'),
    `import { Request, Spider, type Response } from 'tscrapy';
export class ProductsSpider extends Spider {
  name = 'products';
  declare start_url: string;
  async *start() {
    yield new Request(this.start_url);
  }
  *parse(response: Response) {
    yield* response.followAll(response.css('li.product a.title'), { callback: this.parseProduct });
    const next = response.css('li.next a::attr(href)').get();
    if (next) yield response.follow(next);
  }
  *parseProduct(response: Response) {
    yield { url: response.url, name: response.css('h1.name::text').get() };
  }
}
`,
  );
});

after(async () => {
  server?.kill('SIGINT');
  await new Promise((r) => (server?.exitCode !== null ? r(null) : server.once('exit', r)));
  await site.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('deploy a project to tscrapy server and run it', { timeout: 120_000 }, () => {
  it('deploys, schedules, crawls and serves items and log', async () => {
    const deploy = spawnSync(process.execPath, [BIN, 'deploy', '--version', 'v1'], { cwd: join(dir, 'shop'), encoding: 'utf8', timeout: 60_000 });
    assert.equal(deploy.status, 0, deploy.stderr);
    assert.match(deploy.stderr, /Packing version v1/);
    assert.equal(JSON.parse(deploy.stdout).spiders, 1);

    assert.deepEqual((await api('/listspiders.json?project=shop')).spiders, ['products']);
    const scheduled = await api('/schedule.json', { project: 'shop', spider: 'products', start_url: `${site.origin}/`, setting: 'DOWNLOAD_DELAY=0' });
    assert.equal(scheduled.status, 'ok', JSON.stringify(scheduled));
    const jobid = scheduled.jobid as string;

    let job: any;
    for (let i = 0; i < 600; i++) {
      const jobs = await api('/listjobs.json?project=shop');
      job = jobs.finished.find((j: { id: string }) => j.id === jobid);
      if (job) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(job, 'the job finished');
    assert.equal(job.finish_reason, 'finished', JSON.stringify(job));
    assert.equal(job.items_count, site.expectedProductIds().length);

    const items = (await (await fetch(url + job.items_url)).text()).trim().split('\n').map((l) => JSON.parse(l) as { name: string });
    assert.equal(items.length, site.expectedProductIds().length);
    assert.ok(items.some((i) => i.name === 'Product 1'));
    const log = await (await fetch(url + job.log_url)).text();
    assert.match(log, /Spider closed \(finished\)/);
    // LogParser (and ScrapydWeb's job stats) read the job's log as a Scrapy log
    const parsed = logparserParse(log);
    assert.equal(parsed.finish_reason, 'finished');
    assert.equal(parsed.items, site.expectedProductIds().length);
    assert.equal(parsed.pages, job.pages_count);
    assert.ok(parsed.datas.length >= 1, 'the LogStats line');
  });
});
