import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';

export default class Practice extends BaseCommand<typeof Practice> {
  static override summary = 'Serve a practice site on 127.0.0.1 (quotes and a shop) to try spiders offline.';
  static override description = `Serves, until Ctrl-C or SIGTERM, on 127.0.0.1 only:
- quotes pages shaped like quotes.toscrape.com's: / and /page/N/ (ten quotes each: text, author,
  tags; "Next" links), /tag/NAME/ (and /tag/NAME/page/N/), /author/NAME (born date, place, description);
- the demo shop of \`npm start\` under /shop/: a paginated catalogue, product pages, redirects, a 404
  and a 500 on purpose; and /robots.txt.
The README's examples crawl http://127.0.0.1:8800/. Online, https://quotes.toscrape.com/ serves the
same markup. Prints the site's URL on stdout. Exit codes: 0 stopped; 2 the port is taken or a bad flag.`;
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --port 0',
    '<%= config.bin %> <%= command.id %> --latency 200',
  ];
  static override flags = {
    port: Flags.integer({ char: 'p', summary: 'Port on 127.0.0.1 (0 picks a free one).', default: 8800, min: 0, max: 65535 }),
    pages: Flags.integer({ summary: 'Listing pages of ten quotes.', default: 10, min: 1, max: 10_000 }),
    products: Flags.integer({ summary: 'Products in the shop.', default: 100, min: 1, max: 100_000 }),
    latency: Flags.integer({ summary: 'Delay of each answer in ms, to feel like a remote site.', default: 0, min: 0 }),
  };

  async run(): Promise<void> {
    const { startPracticeSite } = await import('../demo/practice-site.js');
    const f = this.flags;
    const site = await startPracticeSite({ port: f.port, pages: f.pages, products: f.products, latencyMs: f.latency });
    this.log(`Practice site at ${site.origin}/`);
    this.log(`  quotes: ${site.origin}/ (${site.quotes} quotes), ${site.origin}/tag/humor/, ${site.origin}/author/Ada-Brightwater`);
    this.log(`  shop:   ${site.origin}/shop/`);
    this.logToStderr('Ctrl-C to stop.');
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await site.close();
  }
}
