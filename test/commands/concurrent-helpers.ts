import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, tempTree, type CliResult } from '../cli/helpers.js';

/** Processes started together in each round: overlapping cron runs, workers of one spider file. */
const PROCESSES = 8;
/**
 * Rounds per file. Each command gets 20 rounds, in four files of 5: a round is 8 process starts
 * (≈5 s of CPU), and each file must stay well inside the test runner's 300 s bound per file on a
 * busy 2-core machine.
 */
const ROUNDS_PER_FILE = 5;

/**
 * Three pages; each response carries a serial number in a header and in its body, so a response
 * pieced together from two writes of the HTTP cache shows up as an item whose two differ.
 */
export async function startTinySite(): Promise<{ origin: string; close: () => Promise<void> }> {
  let serial = 0;
  const server: Server = createServer((req, res) => {
    serial++;
    const links = req.url === '/' ? '<a href="/p/1">1</a> <a href="/p/2">2</a>' : '';
    res.writeHead(req.url === '/' || req.url === '/p/1' || req.url === '/p/2' ? 200 : 404, { 'content-type': 'text/html', 'x-serial': String(serial) });
    res.end(`<html><body><b id="serial">${serial}</b>${links}</body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A spider that differs in each round (a new bundle, so a new cache entry) and says which round it is. */
export function spiderSource(round: number): string {
  return `import { Spider, Request, type Response } from 'tscrapy';
export class TinySpider extends Spider {
  override name = 'tiny';
  readonly round = ${round};
  declare startUrl: string;
  override async *start() {
    yield new Request(this.startUrl);
  }
  override *parse(response: Response) {
    yield { round: this.round, url: response.url, header: response.headers.get('x-serial'), body: response.css('#serial::text').get() };
    yield* response.followAll(response.css('a'));
  }
}
`;
}

interface TinyItem {
  round: number;
  url: string;
  header: string;
  body: string;
}

/** Asserts that one process started, crawled the three pages and finished. */
function assertFinished(r: CliResult, round: number, which: string): void {
  const context = `round ${round}, ${which}: exit ${r.code} ${r.signal ?? ''}\n${r.stderr.slice(-3000)}`;
  assert.equal(r.code, 0, context);
  const items = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as TinyItem);
  assert.equal(items.length, 3, context);
  for (const item of items) {
    assert.equal(item.round, round, context);
    assert.equal(item.header, item.body, `a response mixes two cache writes: ${JSON.stringify(item)}; ${context}`);
  }
}


/**
 * A quarter of the 20 rounds (part N: rounds 5N-4 to 5N) of: 8 `runspider` of a new spider
 * file started at once, with a fresh runspider cache (TMPDIR); every one must start and finish
 * its crawl.
 */
export function runspiderRounds(part: 1 | 2 | 3 | 4): void {
  const first = (part - 1) * ROUNDS_PER_FILE + 1;
  const last = part * ROUNDS_PER_FILE;
  describe(`runspider processes sharing the runspider cache (rounds ${first}-${last})`, () => {
    let site: Awaited<ReturnType<typeof startTinySite>>;
    let tree: Awaited<ReturnType<typeof tempTree>>;
    before(async () => {
      site = await startTinySite();
      tree = await tempTree({}, 'tscrapy-concurrent-runspider-');
    });
    after(async () => {
      await site.close();
      await tree.cleanup();
    });

    // One test per round: each gets the runner's whole time limit, so a busy machine slows the
    // rounds down without failing them.
    for (let round = first; round <= last; round++) {
      it(`round ${round}: ${PROCESSES} runspider of a new spider file started at once, with a fresh cache, all finish`, async () => {
        const tmp = join(tree.dir, `tmp-${round}`);
        await mkdir(tmp);
        await writeFile(join(tree.dir, `tiny-${round}.ts`), spiderSource(round));
        const args = ['runspider', `tiny-${round}.ts`, '-a', `startUrl=${site.origin}/`, '-o', '-:jsonl', '--nolog'];
        const runs = Array.from({ length: PROCESSES }, () => runCli(args, tree.dir, { env: { TMPDIR: tmp }, timeoutMs: 100_000 }));
        (await Promise.all(runs)).forEach((r, i) => assertFinished(r, round, `runspider #${i + 1}`));
      });
    }
  });
}

/**
 * A quarter of the 20 rounds (part N: rounds 5N-4 to 5N) of: the project's spider changes
 * (a new build), then 8 `crawl` start at once, sharing the project's build cache and one new HTTPCACHE_DIR; every one must
 * start and finish its crawl, and no response may mix two cache writes.
 */
export function crawlRounds(part: 1 | 2 | 3 | 4): void {
  const first = (part - 1) * ROUNDS_PER_FILE + 1;
  const last = part * ROUNDS_PER_FILE;
  describe(`crawl processes sharing one project's build cache and HTTPCACHE_DIR (rounds ${first}-${last})`, () => {
    let site: Awaited<ReturnType<typeof startTinySite>>;
    let tree: Awaited<ReturnType<typeof tempTree>>;
    before(async () => {
      site = await startTinySite();
      tree = await tempTree(
        {
          'scrapy.cfg': '[settings]\ndefault = tiny.settings\n',
          'src/settings.ts': "export const BOT_NAME = 'tiny';\nexport const HTTPCACHE_ENABLED = true;\nexport const CONCURRENT_REQUESTS = 2;\n",
          'src/spiders/tiny.ts': spiderSource(0),
        },
        'tscrapy-concurrent-crawl-',
      );
    });
    after(async () => {
      await site.close();
      await tree.cleanup();
    });

    for (let round = first; round <= last; round++) {
      it(`round ${round}: ${PROCESSES} crawl of a changed project started at once all finish`, async () => {
        await writeFile(join(tree.dir, 'src/spiders/tiny.ts'), spiderSource(round));
        const cache = join(tree.dir, `httpcache-${round}`);
        const args = ['crawl', 'tiny', '-a', `startUrl=${site.origin}/`, '-s', `HTTPCACHE_DIR=${cache}`, '-o', '-:jsonl', '--nolog'];
        const runs = Array.from({ length: PROCESSES }, () => runCli(args, tree.dir, { timeoutMs: 100_000 }));
        (await Promise.all(runs)).forEach((r, i) => assertFinished(r, round, `crawl #${i + 1}`));
      });
    }
  });
}
