import { buildComponents, type CrawlerContext } from '../components.js';
import type { Spider } from '../spider.js';
import type { ItemPipeline } from './types.js';

/** Passes each item through the enabled pipelines in order. */
export class ItemPipelineManager {
  readonly pipelines: readonly ItemPipeline[];
  readonly #processors: ItemPipeline[];

  constructor(pipelines: ItemPipeline[]) {
    this.pipelines = pipelines;
    this.#processors = pipelines.filter((p) => p.processItem);
  }

  static async fromCrawler(crawler: CrawlerContext): Promise<ItemPipelineManager> {
    return new ItemPipelineManager(await buildComponents<ItemPipeline>(crawler, 'ITEM_PIPELINES_BASE', 'ITEM_PIPELINES', 'item pipelines'));
  }

  get empty(): boolean {
    return this.#processors.length === 0;
  }

  async open(spider: Spider): Promise<void> {
    for (const p of this.pipelines) await p.openSpider?.(spider);
  }

  /** The item after every pipeline; throws what a pipeline throws (DropItem included). */
  async process(item: unknown, spider: Spider): Promise<unknown> {
    let out = item;
    for (const p of this.#processors) {
      const r = p.processItem!(out, spider);
      out = r instanceof Promise ? await r : r;
    }
    return out;
  }

  /** Closes every pipeline even if one fails; rethrows the first failure. */
  async close(spider: Spider): Promise<void> {
    let first: unknown;
    for (const p of this.pipelines) {
      try {
        await p.closeSpider?.(spider);
      } catch (err) {
        first ??= err;
      }
    }
    if (first) throw first;
  }
}
