import type { Spider } from '../spider.js';

/**
 * An item pipeline, like Scrapy's. `processItem` returns the item (or a replacement), may be
 * async, and throws DropItem to drop it. Pipelines run in ascending order.
 */
export interface ItemPipeline {
  openSpider?(spider: Spider): void | Promise<void>;
  closeSpider?(spider: Spider): void | Promise<void>;
  processItem?(item: any, spider: Spider): unknown;
}
