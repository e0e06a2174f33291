// A crawl in a child process, run the way `tscrapy crawl` runs one: shutdown handlers installed
// (first SIGINT/SIGTERM graceful, second forced), exit 0 when it ends, 1 when it fails.
// Usage: node --import tsx test/support/jobdir-runner.ts '<json options>'
//   { origin, jobdir, feed, concurrency?, logFile?, meta?: 'unserializable', schedulerDebug? }
import { crawl } from '../../src/crawler/crawl.js';
import { Request } from '../../src/crawler/http/request.js';
import { installShutdownHandlers } from '../../src/crawler/shutdown.js';
import { CatalogueSpider } from '../../src/demo/catalogue-spider.js';

interface RunnerOptions {
  origin: string;
  jobdir: string;
  feed: string;
  concurrency?: number;
  logLevel?: string;
  meta?: 'unserializable';
  schedulerDebug?: boolean;
}

const o = JSON.parse(process.argv[2] ?? '{}') as RunnerOptions;

class Spider extends CatalogueSpider {
  override async *start() {
    if (o.meta === 'unserializable') yield new Request(`${o.origin}/`, { meta: { when: () => 1 } });
    else yield* super.start();
  }
}

const run = crawl(Spider, {
  args: { startUrl: `${o.origin}/` },
  keepItems: false,
  settings: {
    JOBDIR: o.jobdir,
    FEEDS: { [o.feed]: { format: 'jsonlines' } },
    CONCURRENT_REQUESTS: o.concurrency ?? 16,
    LOG_LEVEL: o.logLevel ?? 'INFO',
    LOGSTATS_INTERVAL: 0,
    TELNETCONSOLE_ENABLED: false,
    SCHEDULER_DEBUG: o.schedulerDebug ?? false,
    MEMUSAGE_ENABLED: false,
  },
});
const off = installShutdownHandlers(run.crawler, run.crawler.logger);
run.then(
  (r) => {
    off();
    process.stdout.write(JSON.stringify({ reason: r.reason, stats: r.stats }) + '\n');
    process.exit(0);
  },
  (err: unknown) => {
    off();
    process.stderr.write(`CRAWL FAILED: ${(err as Error)?.message ?? err}\n`);
    process.exit(1);
  },
);
