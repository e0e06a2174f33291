import { InvalidArgumentError } from '../errors.js';
import { parseLevel } from '../logger.js';
import { parseThreadCount } from '../parse-ahead.js';
import { DEFAULTS } from './defaults.js';
import type { Settings } from './settings.js';

/**
 * Built-in number settings the crawl reads as whole numbers (`Settings.getInt`); every other
 * number setting is read with `getFloat`. test/crawler/settings/validate.test.ts checks this
 * list against the sources, so it cannot drift from the code that reads the settings.
 */
export const WHOLE_NUMBER_SETTINGS: ReadonlySet<string> = new Set([
  'BROWSER_CONTEXT_MAX_PAGES',
  'BROWSER_MAX_PAGES',
  'BROWSER_MAX_WAITING',
  'CLOSESPIDER_ERRORCOUNT',
  'CLOSESPIDER_ITEMCOUNT',
  'CLOSESPIDER_PAGECOUNT',
  'CONCURRENT_ITEMS',
  'CONCURRENT_REQUESTS',
  'CONCURRENT_REQUESTS_PER_DOMAIN',
  'COOKIES_MAX_HEADER_SIZE',
  'COOKIES_MAX_PER_DOMAIN',
  'COOKIES_MAX_SIZE',
  'COOKIES_MAX_TOTAL',
  'DEPTH_LIMIT',
  'DOWNLOAD_MAXSIZE',
  'DOWNLOAD_WARNSIZE',
  'EXIT_ERROR_THRESHOLD',
  'HEAP_GROWING_PERCENT',
  'IMAGES_MIN_HEIGHT',
  'IMAGES_MIN_WIDTH',
  'REDIRECT_MAX_TIMES',
  'REDIRECT_PRIORITY_ADJUST',
  'REDIS_MAX_RETRIES',
  'REDIS_PREFETCH',
  'REDIS_START_BACKLOG',
  'RETRY_PRIORITY_ADJUST',
  'RETRY_TIMES',
  'SCRAPER_SLOT_MAX_ACTIVE_SIZE',
  'URLLENGTH_LIMIT',
]);

/**
 * Built-in settings the crawl does not read with a Settings getter but parses itself, in more
 * than one accepted form (component maps: an object or [class, order] pairs; the feed options
 * that a feed's own options override): their readers check them when the crawl builds them.
 */
export const SELF_PARSED_SETTINGS: ReadonlySet<string> = new Set([
  'DOWNLOADER_MIDDLEWARES',
  'DOWNLOADER_MIDDLEWARES_BASE',
  'EXTENSIONS',
  'EXTENSIONS_BASE',
  'FEED_EXPORT_BATCH_ITEM_COUNT',
  'FEED_EXPORT_INDENT',
  'ITEM_PIPELINES',
  'ITEM_PIPELINES_BASE',
  'SPIDER_MIDDLEWARES',
  'SPIDER_MIDDLEWARES_BASE',
]);

/** The Settings getter the crawl reads a built-in setting with (from the type of its default), or null. */
export function getterOf(name: string, fallback: unknown): 'getBool' | 'getInt' | 'getFloat' | 'getList' | 'getDict' | null {
  if (SELF_PARSED_SETTINGS.has(name)) return null;
  if (typeof fallback === 'boolean') return 'getBool';
  if (typeof fallback === 'number') return WHOLE_NUMBER_SETTINGS.has(name) ? 'getInt' : 'getFloat';
  if (Array.isArray(fallback)) return 'getList';
  if (fallback !== null && typeof fallback === 'object') return 'getDict';
  return null;
}

/** Reads one built-in setting the way the crawl will; throws its InvalidArgumentError when the value cannot be used. */
function check(settings: Settings, name: string, fallback: unknown): void {
  if (name === 'LOG_LEVEL') parseLevel(settings.get(name));
  else if (name === 'PARSE_THREADS') parseThreadCount(settings.get(name));
  else {
    const getter = getterOf(name, fallback);
    if (getter) settings[getter](name);
  }
}

/**
 * Checks the built-in settings among `names` (default: all) before a crawl starts, so a bad
 * value fails at once with every problem named: `tscrapy crawl -s CONCURRENT_REQUESTS=abc`
 * (exit 2), a crawl() call, and schedule.json, which runs this on a job's settings when it is
 * scheduled. Settings tscrapy does not define are the project's own and are not checked.
 */
export function validateSettings(settings: Settings, names: Iterable<string> = Object.keys(DEFAULTS)): void {
  const problems: string[] = [];
  const defaults = DEFAULTS as Readonly<Record<string, unknown>>;
  for (const name of names) {
    if (!Object.hasOwn(defaults, name)) continue;
    try {
      check(settings, name, defaults[name]);
    } catch (err) {
      if (!(err instanceof InvalidArgumentError)) throw err;
      problems.push(err.message);
    }
  }
  if (problems.length) throw new InvalidArgumentError(problems.join('; '));
}
