import type { ComponentClass } from '../components.js';
import { CloseSpiderExtension } from './close-spider.js';
import { CoreStats } from './core-stats.js';
import { LogStats } from './log-stats.js';
import { MemoryUsage } from './memory-usage.js';
import { SpiderStateExtension } from '../jobdir/spider-state.js';
import { RedisItemsStream } from './redis-items.js';

export { CloseSpiderExtension, CoreStats, LogStats, MemoryUsage, RedisItemsStream, SpiderStateExtension };
export { RedisStatsMirror, parseMergedStats } from './redis-stats.js';

/** The built-in extensions by the names used in EXTENSIONS_BASE. */
export const EXTENSION_COMPONENTS: Record<string, ComponentClass> = {
  CoreStats,
  MemoryUsage,
  LogStats,
  CloseSpiderExtension,
  RedisItemsStream,
  SpiderStateExtension,
};
