// A rendering spider deployed to a real `tscrapy server`: its job renders pages in Chromium,
// finishes with its items, and a cancelled job leaves no Chromium process behind.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { allGone, chromiumTree, skipWithoutChromium } from './chromium-processes.js';
import { startJsSite, type JsSite } from './js-site.js';

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
let site: JsSite;
let dir: string;
let server: ChildProcess | undefined;
let url: string;

async function api(path: string, form?: Record<string, string>): Promise<any> {
  const res = form ? await fetch(url + path, { method: 'POST', body: new URLSearchParams(form) }) : await fetch(url + path);
  return res.json();
}

async function waitForJob(jobid: string, state: 'running' | 'finished'): Promise<any> {
  const end = Date.now() + 60_000;
  while (Date.now() < end) {
    const job = (await api('/listjobs.json?project=rendered'))[state].find((j: { id: string }) => j.id === jobid);
    if (job) return job;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`job ${jobid} never ${state}`);
}

before(async () => {
  if (skipWithoutChromium) return;
  site = await startJsSite();
  dir = mkdtempSync(join(tmpdir(), 'tscrapy-browser-server-'));
  const data = join(dir, 'server');
  server = spawn(process.execPath, [BIN, 'server', '-p', '0', '--dbs-dir', join(data, 'dbs'), '--eggs-dir', join(data, 'eggs'), '--logs-dir', join(data, 'logs'), '--items-dir', join(data, 'items')], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not print its URL')), 20_000);
    for (const stream of [server!.stdout!, server!.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
    }
  });
  const project = join(dir, 'rendered');
  mkdirSync(join(project, 'src', 'spiders'), { recursive: true });
  writeFileSync(join(project, 'scrapy.cfg'), `[settings]\ndefault = src/settings.ts\n\n[deploy]\nurl = ${url}/\nproject = rendered\n`);
  writeFileSync(join(project, 'src', 'settings.ts'), `export const ROBOTSTXT_OBEY = false;\nexport const BROWSER_MAX_PAGES = 2;\nexport const LOG_LEVEL = 'INFO';\n`);
  writeFileSync(
    join(project, 'src', 'spiders', 'details.ts'),
    `import { BrowserRequest, Spider, type Response } from 'tscrapy';
export class DetailsSpider extends Spider {
  name = 'details';
  declare start_url: string;
  async *start() { yield new BrowserRequest(this.start_url); }
  *parse(response: Response) {
    if (response.url.includes('/detail/')) yield { title: response.css('h1::text').get() };
    else yield* response.followAll(response.css('li.item a'), { meta: { browser: true } });
  }
}
`,
  );
  const deploy = spawnSync(process.execPath, [BIN, 'deploy', '--version', 'v1'], { cwd: project, encoding: 'utf8', timeout: 60_000 });
  assert.equal(deploy.status, 0, deploy.stderr);
});

after(async () => {
  if (site) site.onDetail = null;
  if (server && server.exitCode === null) {
    server.kill('SIGINT');
    await new Promise((r) => server!.once('exit', r));
  }
  await site?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('rendering in server jobs', { skip: skipWithoutChromium, timeout: 150_000 }, () => {
  it('a job renders its pages and finishes with their items', async () => {
    const scheduled = await api('/schedule.json', { project: 'rendered', spider: 'details', start_url: `${site.origin}/list?n=3` });
    assert.equal(scheduled.status, 'ok', JSON.stringify(scheduled));
    const job = await waitForJob(scheduled.jobid, 'finished');
    assert.equal(job.finish_reason, 'finished', JSON.stringify(job));
    const items = (await (await fetch(url + job.items_url)).text()).trim().split('\n').map((l) => JSON.parse(l).title as string);
    assert.deepEqual(items.sort(), ['Detail 1', 'Detail 2', 'Detail 3']);
  });

  it('a cancelled job leaves no Chromium process', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let arrived = 0;
    let rendering!: () => void;
    const twoArrived = new Promise<void>((r) => (rendering = r));
    site.onDetail = async () => {
      if (++arrived === 2) rendering();
      await gate;
    };
    try {
      const scheduled = await api('/schedule.json', { project: 'rendered', spider: 'details', start_url: `${site.origin}/list?n=6` });
      await twoArrived;
      const seen = chromiumTree(server!.pid!);
      assert.ok(seen.length >= 2, `the job's browser runs: ${JSON.stringify(seen)}`);
      assert.equal((await api('/cancel.json', { project: 'rendered', job: scheduled.jobid })).prevstate, 'running');
      release();
      const job = await waitForJob(scheduled.jobid, 'finished');
      assert.equal(job.finish_reason, 'shutdown', JSON.stringify(job));
      assert.ok(await allGone(seen), `left running: ${JSON.stringify(seen)}`);
    } finally {
      release();
      site.onDetail = null;
    }
  });
});
