import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sweepDeadProfiles } from '../../src/crawler/downloader/handlers/browser/profiles.js';
import { stderrShows } from '../support/process.js';
import { allGone, chromiumTree, skipWithoutChromium, type SeenProcess } from './chromium-processes.js';
import { startJsSite, type JsSite } from './js-site.js';

const ROOT = new URL('../../', import.meta.url).pathname;
let site: JsSite;
let dir: string;
let spiderFile: string;

/** Detail pages whose answers the test holds, released all at once. */
function holdDetails() {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const arrived: number[] = [];
  let onArrive: (() => void) | null = null;
  site.onDetail = async (n) => {
    arrived.push(n);
    onArrive?.();
    await gate;
  };
  return {
    arrived,
    release,
    /** Resolves once `count` detail requests reached the site (the browser is loading them). */
    until: (count: number) =>
      new Promise<void>((resolve) => {
        const check = () => arrived.length >= count && resolve();
        onArrive = check;
        check();
      }),
  };
}

before(async () => {
  site = await startJsSite();
  dir = await mkdtemp(join(tmpdir(), 'tscrapy-browser-cli-'));
  spiderFile = join(dir, 'rendered.ts');
  await writeFile(
    spiderFile,
    `import { BrowserRequest, Spider, type Response } from 'tscrapy';
export default class Rendered extends Spider {
  name = 'rendered';
  declare startUrl: string;
  async *start() { yield new BrowserRequest(this.startUrl); }
  *parse(response: Response) {
    if (response.url.includes('/detail/')) yield { title: response.css('h1::text').get() };
    else yield* response.followAll(response.css('li.item a'), { meta: { browser: true } });
  }
}
`,
  );
});
after(async () => {
  site.onDetail = null;
  await site.close();
  await rm(dir, { recursive: true, force: true });
});

function runspider(args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; exited: Promise<number | null>; stderr: () => string } {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin/run.js'), 'runspider', spiderFile, '-a', `startUrl=${site.origin}/list?n=6`, '--no-progress', '-s', 'ROBOTSTXT_OBEY=false', '-s', 'BROWSER_MAX_PAGES=2', '-s', 'CONCURRENT_REQUESTS=2', ...args],
    { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } },
  );
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  void exited.then(() => clearTimeout(killer));
  return { child, exited, stderr: () => stderr };
}

/** Runs until two detail pages are being rendered, then does `stop` to the crawl; returns the browser processes seen. */
async function stopMidCrawl(stop: (child: ChildProcess, release: () => void, stderr: () => string) => Promise<void>, extra: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const held = holdDetails();
  const run = runspider(extra, env);
  try {
    await Promise.race([held.until(2), run.exited.then((code) => assert.fail(`exited with ${code} before rendering:\n${run.stderr()}`))]);
    const seen: SeenProcess[] = chromiumTree(run.child.pid!);
    assert.ok(seen.length >= 2, `the crawl's browser runs: ${JSON.stringify(seen)}`);
    await stop(run.child, held.release, run.stderr);
    const code = await run.exited;
    return { code, seen, stderr: run.stderr() };
  } finally {
    held.release();
    site.onDetail = null;
    run.child.kill('SIGKILL');
  }
}

describe('rendered crawls from the CLI', { skip: skipWithoutChromium, timeout: 180_000 }, () => {
  it('Ctrl-C (SIGINT) stops gracefully and leaves no Chromium process', async () => {
    const { code, seen, stderr } = await stopMidCrawl(async (child, release) => {
      child.kill('SIGINT');
      release();
    });
    assert.equal(code, 0, stderr);
    assert.match(stderr, /Received SIGINT, shutting down gracefully/);
    assert.ok(await allGone(seen), `left running: ${JSON.stringify(seen)}`);
  });

  it('a second Ctrl-C (forced stop, pages still loading) leaves no Chromium process', async () => {
    const { code, seen, stderr } = await stopMidCrawl(async (child, _release, stderrNow) => {
      child.kill('SIGINT');
      // Two SIGINTs sent together can reach the process as one (the kernel keeps a single pending
      // signal of a kind): the second goes once the crawl has taken the first, as a user's does.
      await stderrShows(child, stderrNow, /shutting down gracefully/);
      child.kill('SIGINT');
    });
    assert.equal(code, 1, stderr);
    assert.ok(await allGone(seen), `left running: ${JSON.stringify(seen)}`);
  });

  it('SIGTERM stops gracefully and leaves no Chromium process', async () => {
    const { code, seen, stderr } = await stopMidCrawl(async (child, release) => {
      child.kill('SIGTERM');
      release();
    });
    assert.equal(code, 0, stderr);
    assert.match(stderr, /Received SIGTERM, shutting down gracefully/);
    assert.ok(await allGone(seen), `left running: ${JSON.stringify(seen)}`);
  });

  it('SIGKILL of the crawl leaves no Chromium process (the browser reads the end of its pipe); the next launch deletes its profile', async () => {
    let crawlPid = 0;
    // A temp folder of its own: a browser started meanwhile by another test file sweeps the
    // profiles of dead crawls from the shared one, this crawl's among them.
    const tmp = join(dir, 'tmp');
    await mkdir(tmp, { recursive: true });
    const { seen } = await stopMidCrawl(
      async (child) => {
        crawlPid = child.pid!;
        child.kill('SIGKILL');
      },
      [],
      { TMPDIR: tmp },
    );
    assert.ok(await allGone(seen), `left running: ${JSON.stringify(seen)}`);
    const registry = join(tmp, 'tscrapy-browser-profiles');
    const record = readdirSync(registry).find((n) => n.startsWith(`${crawlPid}-`));
    assert.ok(record, 'the killed crawl recorded its browser profile');
    const { profile } = JSON.parse(readFileSync(join(registry, record), 'utf8')) as { profile: string };
    assert.ok(existsSync(profile), 'nobody was left to delete the profile');
    assert.ok(sweepDeadProfiles(tmp) >= 1);
    assert.equal(existsSync(profile), false);
    assert.equal(existsSync(join(registry, record)), false);
  });

  it('resumes a stopped JOBDIR crawl of rendered requests with nothing lost or fetched twice', async () => {
    const jobdir = join(dir, 'job');
    const first = await stopMidCrawl(
      async (child, release) => {
        child.kill('SIGINT');
        release();
      },
      ['-s', `JOBDIR=${jobdir}`, '-o', join(dir, 'first.jsonl')],
    );
    assert.equal(first.code, 0, first.stderr);
    site.hits.clear();
    const second = runspider(['-s', `JOBDIR=${jobdir}`, '-o', join(dir, 'second.jsonl')]);
    assert.equal(await second.exited, 0, second.stderr());
    const titles = async (f: string) => (await readFile(join(dir, f), 'utf8')).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l).title as string);
    const a = await titles('first.jsonl');
    const b = await titles('second.jsonl');
    assert.ok(a.length >= 2 && b.length >= 1, `both runs scraped: ${a} / ${b}`);
    assert.deepEqual([...a, ...b].sort(), [1, 2, 3, 4, 5, 6].map((i) => `Detail ${i}`));
    assert.equal(site.hits.get('/list'), undefined, 'the listing was not fetched again');
  });
});
