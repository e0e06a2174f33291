import type { CrawlerContext } from '../components.js';
import { NotConfigured } from '../errors.js';

/**
 * Samples the process's resident memory into `memusage/startup` and `memusage/max`; with
 * MEMUSAGE_LIMIT_MB closes the spider ('memusage_exceeded'), with MEMUSAGE_WARNING_MB warns once.
 */
export class MemoryUsage {
  #timer: NodeJS.Timeout | null = null;
  #warned = false;

  constructor(crawler: CrawlerContext) {
    const { signals, stats, settings, logger } = crawler;
    const limit = settings.getFloat('MEMUSAGE_LIMIT_MB') * 1024 * 1024;
    const warning = settings.getFloat('MEMUSAGE_WARNING_MB') * 1024 * 1024;
    const interval = settings.getFloat('MEMUSAGE_CHECK_INTERVAL_SECONDS', 1) * 1000;
    const sample = () => {
      const rss = process.memoryUsage.rss();
      stats.maxValue('memusage/max', rss);
      if (limit && rss > limit && !crawler.engine?.closing) {
        stats.setValue('memusage/limit_reached', 1);
        logger.error(`Memory usage exceeded ${settings.get('MEMUSAGE_LIMIT_MB')} MB (MEMUSAGE_LIMIT_MB). Closing the spider.`);
        crawler.engine?.close('memusage_exceeded');
      } else if (warning && rss > warning && !this.#warned) {
        this.#warned = true;
        stats.setValue('memusage/warning_reached', 1);
        logger.warn(`Memory usage reached ${settings.get('MEMUSAGE_WARNING_MB')} MB (MEMUSAGE_WARNING_MB)`);
      }
    };
    signals.connect('spiderOpened', () => {
      stats.setValue('memusage/startup', process.memoryUsage.rss());
      sample();
      this.#timer = setInterval(sample, interval);
      this.#timer.unref();
    });
    signals.connect('spiderClosed', () => {
      sample();
      if (this.#timer) clearInterval(this.#timer);
      this.#timer = null;
    });
  }

  static fromCrawler(crawler: CrawlerContext): MemoryUsage {
    if (!crawler.settings.getBool('MEMUSAGE_ENABLED')) throw new NotConfigured('MEMUSAGE_ENABLED is off');
    return new MemoryUsage(crawler);
  }
}
