import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import type { CrawlStatus } from '../crawler/queues/redis/status.js';

export default class CrawlStatusCommand extends BaseCommand<typeof CrawlStatusCommand> {
  static override summary = 'Show a shared (Redis) crawl: state, queue, leases, live workers and stats merged across workers.';
  static override description = [
    'Reads the crawl ID (CRAWL_ID, by default the spider name) from the Redis server that its workers use',
    '(-s SCHEDULER_URL=redis://… on `tscrapy crawl`). The state is running (a worker heartbeat is current),',
    'paused (requests left, no worker), finished, or unknown (no such crawl).',
    '',
    'Exit codes: 0 ok, 1 Redis unreachable or no such crawl, 2 usage error.',
  ].join('\n');
  static override examples = [
    '<%= config.bin %> <%= command.id %> quotes',
    '<%= config.bin %> <%= command.id %> quotes --redis redis://:secret@10.0.0.5:6379/0',
    '<%= config.bin %> <%= command.id %> quotes --json',
  ];
  static override enableJsonFlag = true;
  static override args = {
    id: Args.string({ description: 'The crawl id (CRAWL_ID; default of a crawl: the spider name).', required: true }),
  };
  static override flags = {
    redis: Flags.string({
      summary: 'Redis URL of the crawl (redis://[:password@]host:port/db).',
      env: 'TSCRAPY_REDIS_URL',
      default: 'redis://127.0.0.1:6379/0',
    }),
    prefix: Flags.string({ summary: 'Key namespace (REDIS_KEY_PREFIX).', default: 'tscrapy' }),
  };

  async run(): Promise<CrawlStatus> {
    const { readCrawlStatus } = await import('../crawler/queues/redis/status.js');
    const { args } = await this.parse(CrawlStatusCommand);
    const { checkCrawlId } = await import('../crawler/queues/redis/index.js');
    const status = await readCrawlStatus(this.flags.redis, checkCrawlId(args.id), this.flags.prefix);
    if (status.state === 'unknown' && Object.keys(status.stats).length === 0) {
      this.error(`No crawl "${status.crawlId}" in Redis at ${status.redis} (prefix ${this.flags.prefix}): check the id and the URL`, { exit: 1 });
    }
    if (!this.jsonEnabled()) {
      this.log(`Crawl ${status.crawlId} on ${status.redis}: ${status.state}`);
      this.log(`  pending ${status.pending}, leased ${status.leased}, seed ${status.seed}, workers ${status.workers.length}`);
      for (const w of status.workers) this.log(`    ${w.id} (lease ${(w.leaseLeftMs / 1000).toFixed(1)} s left)`);
      const keys = Object.keys(status.stats);
      if (keys.length) {
        this.log('  stats (all workers):');
        for (const k of keys) this.log(`    ${k}: ${JSON.stringify(status.stats[k])}`);
      }
    }
    return status;
  }
}
