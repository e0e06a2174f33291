import { Flags } from '@oclif/core';
import { BaseCommand, setFlag, parseSetFlags } from '../cli/base-command.js';

export interface BenchResult {
  pages: number;
  items: number;
  seconds: number;
  pagesPerMin: number;
  itemsPerMin: number;
  reason: string;
  concurrency: number;
}

export default class Bench extends BaseCommand<typeof Bench> {
  static override summary = 'Measure crawl speed on this machine: crawl a local demo shop and print pages/min.';
  static override description = `Scrapy's bench: starts the demo shop (listing and product pages, ≈93% duplicate links) in a child
process on 127.0.0.1, so that the figure is the crawler's own CPU, and crawls it with the built-in
CatalogueSpider for --timeout seconds (or until the shop is exhausted). Stats are logged every
second; the result is pages and items per minute. No network is used.
Exit codes: 0 ok, 1 the crawl failed, 2 bad flags or settings.`;
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --timeout 30 --concurrency 64',
    '<%= config.bin %> <%= command.id %> --latency 50 --concurrency 128 --json',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    timeout: Flags.integer({ summary: 'Stop after this many seconds (CLOSESPIDER_TIMEOUT).', default: 10, min: 1 }),
    concurrency: Flags.integer({ summary: 'Requests in flight at once (CONCURRENT_REQUESTS and per domain).', default: 16, min: 1 }),
    products: Flags.integer({ summary: 'Products in the demo shop.', default: 20_000, min: 1, max: 1_000_000 }),
    latency: Flags.integer({ summary: 'Delay of each response in ms, to simulate a remote site.', default: 0, min: 0 }),
    progress: Flags.boolean({ summary: 'Show the live status line (default: when stderr is a terminal).', allowNo: true }),
    set: setFlag,
  };

  async run(): Promise<BenchResult> {
    const { flags } = await this.parse(Bench);
    const cli = { ...parseSetFlags(flags.set), ...this.logSettings() };
    const [{ startCatalogueSiteProcess }, { CatalogueSpider }, { runCrawl }] = await Promise.all([
      import('../demo/site-process.js'),
      import('../demo/catalogue-spider.js'),
      import('../cli/crawl-runner.js'),
    ]);
    const site = await startCatalogueSiteProcess({ products: flags.products, latencyMs: flags.latency });
    try {
      this.logToStderr(`Benchmark: crawling a demo shop of ${flags.products} products at ${site.origin}/ for up to ${flags.timeout} s (concurrency ${flags.concurrency})`);
      const { result, outcome } = await runCrawl({
        spiderClass: CatalogueSpider,
        commandSettings: {
          LOG_LEVEL: 'INFO',
          LOGSTATS_INTERVAL: 1,
          CLOSESPIDER_TIMEOUT: flags.timeout,
          CONCURRENT_REQUESTS: flags.concurrency,
          CONCURRENT_REQUESTS_PER_DOMAIN: flags.concurrency,
          STATS_DUMP: false,
        },
        cliSettings: cli,
        args: { startUrl: `${site.origin}/` },
        progress: flags.progress,
      });
      const s = result.stats;
      const seconds = Number(s.elapsed_time_seconds ?? 0);
      const pages = Number(s.response_received_count ?? 0);
      const items = Number(s.item_scraped_count ?? 0);
      const perMin = (n: number) => (seconds > 0 ? Math.round((n * 60) / seconds) : 0);
      const bench: BenchResult = { pages, items, seconds, pagesPerMin: perMin(pages), itemsPerMin: perMin(items), reason: result.reason, concurrency: flags.concurrency };
      if (!this.jsonEnabled()) {
        this.log(`${bench.pagesPerMin} pages/min (${Math.round(bench.pagesPerMin / 60)} pages/s), ${bench.itemsPerMin} items/min: ${pages} pages, ${items} items in ${seconds.toFixed(1)} s (${result.reason})`);
      }
      if (outcome.exitCode !== 0) this.error(`Benchmark crawl failed: ${outcome.failure}`, { exit: outcome.exitCode });
      return bench;
    } finally {
      await site.close();
    }
  }
}
