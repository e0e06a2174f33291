// A crawl worker as a child process, until `tscrapy crawl` lands: `node --import tsx redis-worker.ts '<json>'`.
// Crawls the demo shop with the given settings, appends each item's URL to `itemsFile` (when given)
// as soon as it is scraped (so a worker killed with -9 leaves what it scraped), and prints the
// result as JSON. Without `itemsFile`, items go only where the settings' FEEDS send them.
import { appendFileSync } from 'node:fs';
import { Crawler } from '../../src/crawler/crawler.js';
import { MemorySink } from '../../src/crawler/logger.js';
import { CatalogueSpider, type ProductItem } from '../../src/demo/catalogue-spider.js';

interface WorkerArgs {
  startUrl: string;
  itemsFile: string | null;
  settings: Record<string, unknown>;
}

const args = JSON.parse(process.argv[2] ?? '{}') as WorkerArgs;
const sink = new MemorySink();
try {
  const crawler = new Crawler(CatalogueSpider, { args: { startUrl: args.startUrl }, settings: args.settings, keepItems: false, logSink: sink });
  const itemsFile = args.itemsFile;
  const result = await crawler.crawl(itemsFile ? (item) => appendFileSync(itemsFile, `${(item as ProductItem).url}\n`) : undefined);
  process.stdout.write(JSON.stringify({ reason: result.reason, stats: result.stats, log: sink.lines.filter((l) => !/DEBUG/.test(l)) }) + '\n');
} catch (err) {
  process.stdout.write(JSON.stringify({ error: (err as Error).message, code: (err as { code?: string }).code, log: sink.lines }) + '\n');
  process.exitCode = 1;
}
