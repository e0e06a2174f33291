import { componentRegistry } from '../../src/crawler/builtins.js';
import type { CrawlerContext } from '../../src/crawler/components.js';
import { LEVELS, Logger, MemorySink } from '../../src/crawler/logger.js';
import { Settings, type SettingsInput } from '../../src/crawler/settings/settings.js';
import { SignalManager } from '../../src/crawler/signals.js';
import { Spider } from '../../src/crawler/spider.js';
import { StatsCollector } from '../../src/crawler/stats.js';

/** A crawler context with real settings, stats, signals and an in-memory log, for component tests. */
export function testContext(settings: SettingsInput = {}, spider?: Spider): CrawlerContext & { sink: MemorySink } {
  const sink = new MemorySink();
  const logger = new Logger('test', LEVELS.DEBUG, sink);
  const ctx = {
    settings: new Settings(settings),
    stats: new StatsCollector(),
    signals: new SignalManager(logger),
    logger,
    components: componentRegistry(),
    spider: undefined as unknown as Spider,
    sink,
  };
  const s = spider ?? new (class extends Spider {
    override name = 'test';
  })();
  s.crawler = ctx;
  s.settings = ctx.settings;
  s.logger = logger;
  ctx.spider = s;
  return ctx;
}
