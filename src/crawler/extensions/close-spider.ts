import type { CrawlerContext } from '../components.js';
import { NotConfigured } from '../errors.js';

/**
 * Closes the spider after CLOSESPIDER_ITEMCOUNT items, _PAGECOUNT responses, _ERRORCOUNT
 * errors or _TIMEOUT seconds, with reason `closespider_<what>`.
 */
export class CloseSpiderExtension {
  #timer: NodeJS.Timeout | null = null;

  constructor(crawler: CrawlerContext) {
    const { signals, settings, stats } = crawler;
    const close = (reason: string) => {
      if (!crawler.engine?.closing) crawler.engine?.close(reason);
    };
    const items = settings.getInt('CLOSESPIDER_ITEMCOUNT');
    const pages = settings.getInt('CLOSESPIDER_PAGECOUNT');
    const errors = settings.getInt('CLOSESPIDER_ERRORCOUNT');
    const timeout = settings.getFloat('CLOSESPIDER_TIMEOUT');
    if (items > 0) {
      signals.connect('itemScraped', () => {
        if ((stats.getValue<number>('item_scraped_count') ?? 0) >= items) close('closespider_itemcount');
      });
    }
    if (pages > 0) {
      signals.connect('responseReceived', () => {
        if ((stats.getValue<number>('response_received_count') ?? 0) >= pages) close('closespider_pagecount');
      });
    }
    if (errors > 0) {
      let count = 0;
      signals.connect('spiderError', () => {
        if (++count >= errors) close('closespider_errorcount');
      });
    }
    if (timeout > 0) {
      signals.connect('spiderOpened', () => {
        this.#timer = setTimeout(() => close('closespider_timeout'), timeout * 1000);
      });
    }
    signals.connect('spiderClosed', () => {
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = null;
    });
  }

  static fromCrawler(crawler: CrawlerContext): CloseSpiderExtension {
    const s = crawler.settings;
    const any = ['ITEMCOUNT', 'PAGECOUNT', 'ERRORCOUNT', 'TIMEOUT'].some((k) => s.getFloat(`CLOSESPIDER_${k}`) > 0);
    if (!any) throw new NotConfigured('no CLOSESPIDER_* limit set');
    return new CloseSpiderExtension(crawler);
  }
}
