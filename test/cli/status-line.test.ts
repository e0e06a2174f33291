import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { crawlOutcome } from '../../src/crawler/crawl-outcome.js';
import { formatElapsed, LiveStatus, RateMeter, renderStatus, type StatusSnapshot } from '../../src/cli/status-line.js';
import { stripAnsi, terminalInfo } from '../../src/cli/terminal.js';
import { LEVELS } from '../../src/crawler/logger.js';
import { startCatalogueSite } from '../../src/demo/catalogue-site.js';
import { BIN, SHOP_SPIDER, tempTree } from './helpers.js';

const SNAP: StatusSnapshot = {
  elapsedMs: 75_400,
  pages: 1204,
  items: 1100,
  pagesPerMin: 1720,
  itemsPerMin: 15_710,
  inFlight: 16,
  queued: 3911,
  errors: 0,
  holdingBack: 'per-domain limit',
};

describe('the live status line', () => {
  it('renders elapsed time, pages, items, rates, in flight, queued, errors and the holding-back reason', () => {
    assert.equal(formatElapsed(75_400), '1:15');
    assert.equal(formatElapsed(3_723_000), '1:02:03');
    assert.equal(
      renderStatus(SNAP, 200),
      '1:15 │ 1,204 pages (1,720/min) │ 1,100 items (15.7k/min) │ 16 in flight │ 3,911 queued │ 0 errors │ holding back: per-domain limit',
    );
    assert.equal(renderStatus({ ...SNAP, holdingBack: null, errors: 3 }, 200), '1:15 │ 1,204 pages (1,720/min) │ 1,100 items (15.7k/min) │ 16 in flight │ 3,911 queued │ 3 errors');
  });

  it('fits a narrow terminal by dropping the least useful parts first, never wrapping', () => {
    for (const cols of [120, 100, 80, 60, 40, 20]) {
      const line = renderStatus(SNAP, cols);
      assert.ok(line.length <= cols - 1, `${cols}: ${line}`);
    }
    assert.match(renderStatus(SNAP, 120), /holding back: per-domain limit/);
    assert.match(renderStatus(SNAP, 100), /1,204 pages \(1,720\/min\) │ 1,100 items │ .* held: per-domain limit/);
    assert.match(renderStatus(SNAP, 80), /1,204 pages/);
  });

  it('colours only when asked, and the text is the same without the escape codes', () => {
    const colored = renderStatus({ ...SNAP, errors: 2 }, 200, true);
    assert.match(colored, /\x1b\[31m2 errors/);
    assert.equal(stripAnsi(colored), renderStatus({ ...SNAP, errors: 2 }, 200, false));
  });

  it('respects NO_COLOR and only colours terminals', () => {
    const tty = { isTTY: true, columns: 90 } as NodeJS.WriteStream;
    assert.equal(terminalInfo(tty, {}).color, true);
    assert.equal(terminalInfo(tty, { NO_COLOR: '1' }).color, false);
    assert.equal(terminalInfo({ isTTY: false } as NodeJS.WriteStream, {}).color, false);
    assert.equal(terminalInfo(tty, {}).columns, 90);
  });

  it('measures rates over a sliding window', () => {
    const m = new RateMeter(10_000);
    assert.deepEqual(m.sample(0, 0, 0), { pagesPerMin: 0, itemsPerMin: 0 });
    assert.deepEqual(m.sample(1000, 10, 5), { pagesPerMin: 600, itemsPerMin: 300 });
    for (let t = 2000; t <= 30_000; t += 1000) m.sample(t, 10, 5);
    assert.deepEqual(m.sample(31_000, 20, 5), { pagesPerMin: 60, itemsPerMin: 0 }, 'only the last 10 s count');
  });

  it('prints log lines above the status line and erases it at the end', () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c));
    const stats = new Map<string, number>([['response_received_count', 5], ['item_scraped_count', 4]]);
    const live = new LiveStatus(out, { isTTY: true, color: false, columns: 200 }, 'terminal', 60_000);
    live.start({ stats: { getValue: <T>(k: string, d?: T) => (stats.get(k) ?? d) as T }, engine: { status: () => ({ inFlight: 2, pending: 7, scraping: true, holdingBack: null, scraperBytes: 0, itemsInProgress: 0 }) } });
    live.write('2026-01-01 00:00:00 [x] INFO: hello', LEVELS.INFO);
    assert.match(live.lastLine, /5 pages .* 4 items .* 2 in flight │ 7 queued/);
    live.write('second line', LEVELS.WARNING);
    live.stop();
    const frames = text.split('\r\x1b[2K');
    assert.equal(frames[0], '2026-01-01 00:00:00 [x] INFO: hello\n');
    assert.match(frames[1]!, /^0:00 │ 5 pages/);
    assert.equal(frames[2], 'second line\n', 'the status line is erased before a log line');
    assert.equal(frames.at(-1), '', 'the status line is erased at the end');
  });
});

describe('the exit-code rule', () => {
  it('0 for success reasons within the error threshold, 1 otherwise', () => {
    assert.equal(crawlOutcome({}, 'finished', 0).exitCode, 0);
    assert.equal(crawlOutcome({}, 'shutdown', 0).exitCode, 0);
    assert.equal(crawlOutcome({}, 'closespider_itemcount', 0).exitCode, 0);
    assert.equal(crawlOutcome({}, 'closespider_errorcount', 0).exitCode, 1);
    assert.equal(crawlOutcome({}, 'memusage_exceeded', 0).exitCode, 1);
    // pages that failed after retries log ERROR lines but are no failure; the author's errors are
    assert.equal(crawlOutcome({ 'log_count/ERROR': 3, 'retry/max_reached': 3, 'downloader/exception_count': 9 }, 'finished', 0).exitCode, 0);
    assert.equal(crawlOutcome({ 'spider_exceptions/count': 1 }, 'finished', 0).exitCode, 1);
    assert.equal(crawlOutcome({ 'spider_exceptions/count': 3 }, 'finished', 5).exitCode, 0);
    assert.equal(crawlOutcome({ 'spider_exceptions/count': 300 }, 'finished', -1).exitCode, 0);
    assert.equal(
      crawlOutcome({ 'spider_exceptions/count': 2, 'spider_output_error_count': 1, item_error_count: 1, 'feedexport/item_errors_count': 2, 'feedexport/failed_count': 1, close_error_count: 1 }, 'finished', 0).failure,
      'the crawl had 2 callback errors, 1 invalid callback output, 1 item pipeline error, 2 items a feed could not export, 1 feed that could not be stored, 1 component that failed to close (EXIT_ERROR_THRESHOLD is 0; -s EXIT_ERROR_THRESHOLD=-1 ignores them)',
    );
    assert.match(crawlOutcome({}, 'shutdown', 0, true).failure!, /by force/);
  });
});

// util-linux `script` gives the CLI a pseudo-terminal: the status line must then be drawn in place.
const hasScript = spawnSync('script', ['--version']).status === 0;

describe('on a pseudo-terminal', { skip: !hasScript && 'script(1) from util-linux is not installed', timeout: 60_000 }, () => {
  let site: Awaited<ReturnType<typeof startCatalogueSite>>;
  let tree: Awaited<ReturnType<typeof tempTree>>;
  before(async () => {
    site = await startCatalogueSite({ products: 200, latencyMs: 20 });
    tree = await tempTree({ 'shop.ts': SHOP_SPIDER });
  });
  after(async () => {
    await site.close();
    await tree.cleanup();
  });

  it('redraws a status line in place with log lines above it, coloured unless NO_COLOR', async () => {
    const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} runspider shop.ts -a startUrl=${site.origin}/ -o items.jsonl -L INFO -s CONCURRENT_REQUESTS=4`;
    const run = (env: Record<string, string>) =>
      new Promise<string>((resolve) => {
        const child = spawn('script', ['-qec', cmd, '/dev/null'], { cwd: tree.dir, env: { PATH: process.env.PATH ?? '', HOME: tree.dir, COLUMNS: '150', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (c: Buffer) => (out += c));
        const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
        child.on('close', () => {
          clearTimeout(timer);
          resolve(out);
        });
        child.stdin.end();
      });
    const out = await run({});
    assert.match(out, /\r\x1b\[2K/, 'the line is erased and redrawn');
    assert.match(stripAnsi(out), /\d+:\d\d │ \d+ pages \([\d.,k]+\/min\)/);
    assert.match(out, /\x1b\[1m/, 'colours on a terminal');
    assert.match(stripAnsi(out), /Spider closed \(finished\)/);
    const plain = await run({ NO_COLOR: '1' });
    assert.match(plain, /\r\x1b\[2K/);
    assert.doesNotMatch(plain, /\x1b\[(?:1|31|33|2)m/, 'NO_COLOR: no colours');
  });
});
