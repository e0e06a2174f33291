import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { ComponentRegistry, type CrawlerContext } from '../../src/crawler/components.js';
import { Logger, LEVELS, MemorySink } from '../../src/crawler/logger.js';
import { Settings, type SettingsInput } from '../../src/crawler/settings/settings.js';
import { SignalManager } from '../../src/crawler/signals.js';
import { Spider } from '../../src/crawler/spider.js';
import { StatsCollector } from '../../src/crawler/stats.js';
import { FeedExporter } from '../../src/feeds/index.js';

export class TestSpider extends Spider {
  override name = 'books';
  category = 'fiction';
}

/** A real crawl context (settings, signals, stats, logger) around a spider. */
export function makeCrawler(values: SettingsInput, spider: Spider = new TestSpider()): CrawlerContext & { sink: MemorySink } {
  const sink = new MemorySink();
  const logger = new Logger('test', LEVELS.DEBUG, sink);
  const ctx = {
    settings: new Settings(values, 'project'),
    stats: new StatsCollector(),
    signals: new SignalManager(logger),
    logger,
    components: new ComponentRegistry(),
    spider,
    sink,
  };
  return ctx;
}

/** Runs a spider's feed life cycle through the signals: open, items, close. */
export async function runFeeds(crawler: CrawlerContext, items: unknown[], reason = 'finished'): Promise<FeedExporter> {
  const exporter = FeedExporter.fromCrawler(crawler);
  const spider = crawler.spider;
  await crawler.signals.sendAsync('spiderOpened', { spider });
  for (const item of items) await crawler.signals.sendAsync('itemScraped', { item, response: null, spider });
  await crawler.signals.sendAsync('spiderClosed', { spider, reason });
  return exporter;
}

/** Lines logged at ERROR or above. */
export function errors(crawler: { sink: MemorySink }): string[] {
  return crawler.sink.lines.filter((l) => / (ERROR|CRITICAL): /.test(l));
}

/** A fresh temp folder, removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tscrapy-feeds-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A stream that collects what is written to it. */
export function collector(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

export const SAMPLE_ITEMS = [
  { title: 'A "quoted" title, with comma', price: 12.5, tags: ['x', 'y'], meta: { isbn: '123', pages: 300 }, inStock: true },
  { title: 'Line\nbreak & <tag>', price: 0, tags: [], meta: { isbn: null }, inStock: false },
  { title: 'Ünïcödé — 日本語 🎉', price: -1.25, tags: ['ñ'], meta: {}, inStock: null },
];
