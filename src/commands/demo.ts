import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';

export interface DemoResult {
  site: string;
  items: number;
  pages: number;
  reason: string;
  seconds: number;
}

export default class Demo extends BaseCommand<typeof Demo> {
  static override summary = 'Crawl a demo shop served on 127.0.0.1 and print what was scraped (no network needed).';
  static override description = `Starts a small local shop (listing pages, product pages, redirects, a 404 and a 500 or two),
crawls it with the built-in CatalogueSpider and prints each product as a JSON line on stdout.
This is what \`npm start\` runs. Exit codes: 0 ok, 1 the crawl failed.`;
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --products 1000 --loglevel WARNING',
    '<%= config.bin %> <%= command.id %> --json',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    products: Flags.integer({ summary: 'Products in the demo shop.', default: 100, min: 1, max: 100_000 }),
    latency: Flags.integer({ summary: 'Delay of each response in ms, to feel like a remote site.', default: 0, min: 0 }),
  };

  async run(): Promise<DemoResult> {
    const [{ startCatalogueSite }, { CatalogueSpider }, { Crawler }] = await Promise.all([
      import('../demo/catalogue-site.js'),
      import('../demo/catalogue-spider.js'),
      import('../crawler/crawler.js'),
    ]);
    const site = await startCatalogueSite({ products: this.flags.products, latencyMs: this.flags.latency });
    try {
      this.logToStderr(`Demo shop with ${this.flags.products} products at ${site.origin}/`);
      const json = this.jsonEnabled();
      const crawler = new Crawler(CatalogueSpider, {
        settings: { LOG_LEVEL: 'INFO', ...this.logSettings(), CONCURRENT_REQUESTS: 16, STATS_DUMP: false },
        args: { startUrl: `${site.origin}/` },
        keepItems: false,
      });
      const result = await crawler.crawl((item) => {
        if (!json) this.log(JSON.stringify(item));
      });
      const stats = result.stats;
      const summary: DemoResult = {
        site: site.origin,
        items: Number(stats.item_scraped_count ?? 0),
        pages: Number(stats.response_received_count ?? 0),
        reason: result.reason,
        seconds: Number(stats.elapsed_time_seconds ?? 0),
      };
      this.logToStderr(
        `Scraped ${summary.items} products from ${summary.pages} pages in ${summary.seconds.toFixed(2)} s (${summary.reason}).`,
      );
      return summary;
    } finally {
      await site.close();
    }
  }
}
