import type { CrawlerContext } from '../components.js';

/** start_time, finish_time, elapsed_time_seconds and finish_reason, under Scrapy's names. */
export class CoreStats {
  #started = 0;

  constructor(crawler: CrawlerContext) {
    const { signals, stats } = crawler;
    signals.connect('spiderOpened', () => {
      this.#started = performance.now();
      stats.setValue('start_time', new Date().toISOString());
    });
    signals.connect('spiderClosed', ({ reason }) => {
      stats.setValue('finish_time', new Date().toISOString());
      stats.setValue('elapsed_time_seconds', Math.round(performance.now() - this.#started) / 1000);
      stats.setValue('finish_reason', reason);
    });
  }

  static fromCrawler(crawler: CrawlerContext): CoreStats {
    return new CoreStats(crawler);
  }
}
