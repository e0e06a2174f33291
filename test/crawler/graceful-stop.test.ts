import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { crawl } from '../../src/crawler/crawl.js';
import type { Response } from '../../src/crawler/http/response.js';
import { MemorySink } from '../../src/crawler/logger.js';
import { Spider } from '../../src/crawler/spider.js';
import { stderrShows } from '../support/process.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const PAGES = 30;
const quiet = { LOG_LEVEL: 'INFO', LOGSTATS_INTERVAL: 0, STATS_DUMP: false, ROBOTSTXT_OBEY: false };
/** One request at a time, one start per delay: the engine still hands the downloader up to CONCURRENT_REQUESTS, which wait in the slot. */
const delayed = { ...quiet, DOWNLOAD_DELAY: 0.5, RANDOMIZE_DOWNLOAD_DELAY: false, CONCURRENT_REQUESTS_PER_DOMAIN: 1 };

/** `/` links to /p/1…/p/30; every page is one item. Counts the requests per path; can hold responses. */
interface Site {
  origin: string;
  hits: Map<string, number>;
  total(): number;
  /** Holds responses from now on until release(). */
  hold(): void;
  release(): void;
  /** Resolves once `n` requests have arrived in all. */
  requests(n: number): Promise<void>;
  close(): Promise<void>;
}

async function startSite(): Promise<Site> {
  const hits = new Map<string, number>();
  let held: Array<() => void> | null = null;
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const total = () => [...hits.values()].reduce((a, b) => a + b, 0);
  const answer = (path: string, res: ServerResponse) => {
    res.setHeader('content-type', 'text/html');
    res.end(
      path === '/'
        ? `<html><body>${Array.from({ length: PAGES }, (_, i) => `<a href="/p/${i + 1}">${i + 1}</a>`).join('')}</body></html>`
        : `<html><body><h1>${path}</h1></body></html>`,
    );
  };
  const server: Server = createServer((req, res) => {
    const path = req.url!;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    for (const w of waiters.splice(0)) {
      if (total() >= w.n) w.resolve();
      else waiters.push(w);
    }
    if (held) held.push(() => answer(path, res));
    else answer(path, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    total,
    hold: () => void (held ??= []),
    release: () => {
      const waiting = held ?? [];
      held = null;
      for (const go of waiting) go();
    },
    requests: (n) => new Promise((resolve) => (total() >= n ? resolve() : waiters.push({ n, resolve }))),
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

function pagesSpider(origin: string) {
  return class Pages extends Spider {
    override name = 'pages';
    override startUrls = [`${origin}/`];
    override *parse(response: Response) {
      yield { url: response.url };
      for (const href of response.css('a::attr(href)').getall()) yield response.follow(href);
    }
  };
}

describe('a graceful stop', { timeout: 120_000 }, () => {
  let site: Site;
  let dir: string;
  before(async () => {
    site = await startSite();
    dir = await mkdtemp(join(tmpdir(), 'tscrapy-stop-'));
  });
  after(async () => {
    site.release();
    await site.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('starts no request that waits for DOWNLOAD_DELAY once run.stop() is called', async () => {
    site.hits.clear();
    const run = crawl(pagesSpider(site.origin), { settings: delayed, logSink: new MemorySink() });
    // Stopped when the second page arrives: the others wait in the downloader for the delay.
    let responses = 0;
    run.crawler.signals.connect('responseReceived', () => void (++responses === 2 && run.stop()));
    const result = await run;
    assert.equal(result.reason, 'shutdown');
    assert.equal(result.forced, false);
    // The start page and the first link, plus at most the one request in flight at the stop.
    assert.ok(site.total() <= 3, `${site.total()} requests reached the site`);
    assert.equal(result.items.length, result.stats.response_received_count);
    assert.ok((result.stats["downloader/not_sent_on_stop_count"] as number) > 0, "the requests waiting in the downloader were let go");
    assert.equal(result.stats['log_count/ERROR'], undefined, 'requests not sent are no errors');
  });

  it('does not send the requests that waited for robots.txt when the stop came', async () => {
    site.hits.clear();
    site.hold();
    const sink = new MemorySink();
    const run = crawl(pagesSpider(site.origin), { settings: { ...quiet, ROBOTSTXT_OBEY: true }, logSink: sink });
    await site.requests(1); // robots.txt, held by the site; the start page waits for it
    run.stop();
    site.release();
    const result = await run;
    assert.equal(result.reason, 'shutdown');
    assert.deepEqual([...site.hits.keys()], ['/robots.txt']);
    assert.equal(result.stats['downloader/not_sent_on_stop_count'], 1);
    assert.ok(!sink.lines.some((l) => l.includes('WARNING') || l.includes('ERROR')), sink.lines.filter((l) => /WARNING|ERROR/.test(l)).join('\n'));
  });

  it('keeps the requests it did not send in the JOBDIR: the next run fetches each page once', async () => {
    site.hits.clear();
    const jobdir = join(dir, 'job');
    const first = crawl(pagesSpider(site.origin), { settings: { ...delayed, JOBDIR: jobdir }, logSink: new MemorySink() });
    let responses = 0;
    first.crawler.signals.connect('responseReceived', () => void (++responses === 2 && first.stop()));
    const stopped = await first;
    assert.equal(stopped.reason, 'shutdown');
    const resumed = await crawl(pagesSpider(site.origin), { settings: { ...quiet, JOBDIR: jobdir }, logSink: new MemorySink() });
    assert.equal(resumed.reason, 'finished');
    assert.equal(stopped.items.length + resumed.items.length, PAGES + 1);
    assert.equal(site.hits.size, PAGES + 1);
    for (const [path, n] of site.hits) assert.equal(n, 1, `${path} fetched ${n} times`);
  });

  it('stops after CLOSESPIDER_ITEMCOUNT items plus those of the pages in flight, starting no waiting request', async () => {
    site.hits.clear();
    const result = await crawl(pagesSpider(site.origin), { settings: { ...delayed, CLOSESPIDER_ITEMCOUNT: 5 }, logSink: new MemorySink() });
    assert.equal(result.reason, 'closespider_itemcount');
    // One item per page and one request in flight at a time: the fifth item closes, the one page in flight may add a sixth.
    assert.ok(result.items.length >= 5 && result.items.length <= 6, `${result.items.length} items`);
    assert.ok(site.total() <= 6, `${site.total()} requests reached the site`);
  });

  it('reports INT then TERM as such, and a forced stop of the CLI exits 1', async () => {
    const spiderFile = join(dir, 'pages.ts');
    await writeFile(
      spiderFile,
      `import { Request, Spider, type Response } from 'tscrapy';
export default class Pages extends Spider {
  name = 'pages';
  declare startUrl: string;
  async *start() { yield new Request(this.startUrl); }
  *parse(response: Response) { yield { url: response.url }; }
}
`,
    );
    site.hits.clear();
    site.hold();
    const before = site.total();
    const child = spawn(process.execPath, [join(ROOT, 'bin/run.js'), 'runspider', spiderFile, '-a', `startUrl=${site.origin}/`, '--no-progress', '-s', 'ROBOTSTXT_OBEY=false'], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    try {
      // The page is in flight, held by the site (or the child failed before: its output says why).
      await Promise.race([site.requests(before + 1), exited.then((code) => assert.fail(`exited with ${code} before any request:\n${stderr}`))]);
      child.kill('SIGINT');
      await stderrShows(child, () => stderr, /Received SIGINT, shutting down gracefully/);
      child.kill('SIGTERM');
      const code = await exited;
      assert.match(stderr, /Received SIGTERM after SIGINT, forcing unclean shutdown/);
      assert.doesNotMatch(stderr, /twice/);
      assert.equal(code, 1, stderr);
    } finally {
      clearTimeout(killer);
      child.kill('SIGKILL');
      site.release();
    }
  });
});
