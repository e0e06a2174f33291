import type { CrawlerContext } from '../components.js';
import { NotConfigured } from '../errors.js';

/** Every LOGSTATS_INTERVAL seconds: `Crawled N pages (at X pages/min), scraped M items (at Y items/min)`. */
export class LogStats {
  #timer: NodeJS.Timeout | null = null;
  #pages = 0;
  #items = 0;

  constructor(crawler: CrawlerContext, interval: number) {
    const { signals, stats, logger } = crawler;
    const perMin = 60 / interval;
    const tick = () => {
      const pages = stats.getValue<number>('response_received_count', 0) ?? 0;
      const items = stats.getValue<number>('item_scraped_count', 0) ?? 0;
      const prate = Math.round((pages - this.#pages) * perMin);
      const irate = Math.round((items - this.#items) * perMin);
      this.#pages = pages;
      this.#items = items;
      logger.info(`Crawled ${pages} pages (at ${prate} pages/min), scraped ${items} items (at ${irate} items/min)`);
    };
    signals.connect('spiderOpened', () => {
      tick();
      this.#timer = setInterval(tick, interval * 1000);
      this.#timer.unref();
    });
    signals.connect('spiderClosed', () => {
      if (this.#timer) clearInterval(this.#timer);
      this.#timer = null;
    });
  }

  static fromCrawler(crawler: CrawlerContext): LogStats {
    const interval = crawler.settings.getFloat('LOGSTATS_INTERVAL');
    if (interval <= 0) throw new NotConfigured('LOGSTATS_INTERVAL is 0');
    return new LogStats(crawler, interval);
  }
}
