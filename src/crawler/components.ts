import { InvalidArgumentError, NotConfigured } from './errors.js';
import type { Engine } from './engine.js';
import type { Logger } from './logger.js';
import type { Settings } from './settings/settings.js';
import type { SignalManager } from './signals.js';
import type { Spider } from './spider.js';
import type { StatsCollector } from './stats.js';

/**
 * What a component's factory receives: the crawl's own settings, stats, signals and logger.
 * Nothing here is process-global; two crawls side by side have two of each.
 */
export interface CrawlerContext {
  readonly settings: Settings;
  readonly stats: StatsCollector;
  readonly signals: SignalManager;
  readonly logger: Logger;
  readonly components: ComponentRegistry;
  /** Set once the spider is built (before components are). */
  readonly spider: Spider;
  /** Set once the crawl runs; extensions use it to close the spider. */
  readonly engine?: Engine;
}

/** A component class: built with `fromCrawler(crawler)` when it has one, else `new Class()`. */
export interface ComponentClass<T = unknown> {
  new (...args: any[]): T;
  fromCrawler?(crawler: CrawlerContext): T | Promise<T>;
  readonly name: string;
}

/** A component named by its registered name, or the class itself. */
export type ComponentRef = string | ComponentClass;

/**
 * Components and their order: `{ name: order }` (names resolved through the registry), or
 * pairs / a Map when passing classes. An order of `null` disables the component.
 */
export type ComponentMap =
  | Record<string, number | null>
  | ReadonlyArray<readonly [ComponentRef, number | null]>
  | ReadonlyMap<ComponentRef, number | null>;

/** Name → class lookup for component maps given by name (settings files, `-s`, the server). */
export class ComponentRegistry {
  #classes = new Map<string, ComponentClass>();

  constructor(entries?: Iterable<readonly [string, ComponentClass]>) {
    if (entries) for (const [name, cls] of entries) this.register(cls, name);
  }

  /** Registers `cls` under `name` (default: its class name). */
  register(cls: ComponentClass, name: string = cls.name): this {
    this.#classes.set(name, cls);
    return this;
  }

  /** A registry with these entries on top of this one's. */
  extend(entries: Iterable<readonly [string, ComponentClass]>): ComponentRegistry {
    const r = new ComponentRegistry(this.#classes);
    for (const [name, cls] of entries) r.register(cls, name);
    return r;
  }

  resolve(ref: ComponentRef, settingName: string): ComponentClass {
    if (typeof ref === 'function') return ref;
    const cls = this.#classes.get(ref);
    if (!cls) {
      const known = [...this.#classes.keys()].sort().join(', ');
      throw new InvalidArgumentError(
        `${settingName}: no component named "${ref}". Export the class from your project (e.g. src/pipelines.ts) or use one of: ${known}`,
      );
    }
    return cls;
  }

  names(): string[] {
    return [...this.#classes.keys()];
  }
}

function entriesOf(map: unknown, settingName: string): Array<[ComponentRef, number | null]> {
  if (map === null || map === undefined) return [];
  if (map instanceof Map) return [...map.entries()];
  if (Array.isArray(map)) return map.map((e) => [e[0], e[1]]);
  if (typeof map === 'object') return Object.entries(map as Record<string, number | null>);
  throw new InvalidArgumentError(`${settingName} must be an object of {component: order}, got ${JSON.stringify(map)}`);
}

/**
 * The classes of `baseKey` (built-ins) merged with `userKey`, ordered by number; a null order
 * removes a component. Throws with the setting's name for unknown names or bad orders.
 */
export function componentList(
  settings: Settings,
  registry: ComponentRegistry,
  baseKey: string,
  userKey: string,
): ComponentClass[] {
  const merged = new Map<ComponentClass, number | null>();
  for (const key of [baseKey, userKey]) {
    const raw = settings.get(key);
    const map = typeof raw === 'string' ? settings.getDict(key) : raw;
    for (const [ref, order] of entriesOf(map, key)) {
      if (order !== null && (typeof order !== 'number' || !Number.isFinite(order))) {
        throw new InvalidArgumentError(`${key}: the order of ${String(typeof ref === 'string' ? ref : ref.name)} must be a number or null, got ${JSON.stringify(order)}`);
      }
      merged.set(registry.resolve(ref, key), order);
    }
  }
  return [...merged]
    .filter((e): e is [ComponentClass, number] => e[1] !== null)
    .sort((a, b) => a[1] - b[1])
    .map(([cls]) => cls);
}

/**
 * Builds the components listed by `baseKey` + `userKey` in order, skipping those whose factory
 * throws NotConfigured, and logs once which are enabled.
 */
export async function buildComponents<T>(
  crawler: CrawlerContext,
  baseKey: string,
  userKey: string,
  what: string,
): Promise<T[]> {
  const out: T[] = [];
  const enabled: string[] = [];
  for (const cls of componentList(crawler.settings, crawler.components, baseKey, userKey)) {
    try {
      out.push((cls.fromCrawler ? await cls.fromCrawler(crawler) : new cls()) as T);
      enabled.push(cls.name);
    } catch (err) {
      if (err instanceof NotConfigured) continue;
      throw err;
    }
  }
  crawler.logger.info(`Enabled ${what}:\n[${enabled.map((n) => `'${n}'`).join(',\n ')}]`);
  return out;
}
