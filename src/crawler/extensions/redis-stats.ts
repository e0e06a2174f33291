import type { CrawlerContext } from '../components.js';
import type { RedisSession } from '../queues/redis/session.js';
import type { StatsCollector } from '../stats.js';

/** Stats whose merged value is the earliest / latest across workers rather than a sum or the last write. */
const MIN_KEYS = new Set(['start_time']);
const MAX_KEYS = new Set(['finish_time', 'elapsed_time_seconds']);

export interface RedisStatsMirrorOptions {
  /** Flush period. @default 1000 */
  intervalMs?: number;
  /** Keep the frontier and fingerprints when the crawl finishes. @default false */
  persist?: boolean;
  /** Whether this worker saw the crawl finish (queue empty, nothing leased). */
  finished: () => boolean;
}

/** Parses the flat HGETALL list of the merged stats hash into values. */
export function parseMergedStats(flat: string[] | Record<string, string>): Record<string, unknown> {
  const entries = Array.isArray(flat) ? pairs(flat) : Object.entries(flat);
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    try {
      out[k] = JSON.parse(v);
    } catch {
      out[k] = v;
    }
  }
  return out;
}

function pairs(flat: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}

const encode = (v: unknown) => (typeof v === 'number' ? String(v) : JSON.stringify(v instanceof Date ? v.toISOString() : v));

/**
 * Mirrors one worker's stats into the crawl's Redis hash, so that `tscrapy crawl-status ID` and the
 * last worker's stats dump show totals: counters are added (HINCRBYFLOAT), maxima and minima kept,
 * other values last-writer-wins. Changes are aggregated locally and sent once per interval in one
 * script call. The last worker to leave replaces its own stats with the merged totals.
 * Attached by the Redis queue backend (SCHEDULER_URL=redis://…); it also ends the worker's session.
 */
export class RedisStatsMirror {
  readonly #crawler: CrawlerContext;
  readonly #s: RedisSession;
  readonly #o: RedisStatsMirrorOptions;
  #incs = new Map<string, number>();
  #sets = new Map<string, unknown>();
  #maxes = new Map<string, unknown>();
  #mins = new Map<string, unknown>();
  #timer: NodeJS.Timeout | null = null;

  constructor(crawler: CrawlerContext, session: RedisSession, options: RedisStatsMirrorOptions) {
    this.#crawler = crawler;
    this.#s = session;
    this.#o = options;
    this.#wrap(crawler.stats);
    crawler.signals.connect('spiderOpened', () => {
      this.#timer = setInterval(() => void this.flush().catch(() => undefined), options.intervalMs ?? 1000);
      this.#timer.unref();
    });
    crawler.signals.connect('spiderClosed', ({ reason }) => this.#leave(reason));
  }

  /** Sends the changes since the last flush. */
  async flush(): Promise<void> {
    const ops = this.#takeOps();
    if (ops.length > 0) await this.#s.run('tscrapyStats', ops);
  }

  /** Final flush and leave, in one round trip; the last worker out takes the merged totals. */
  async #leave(reason: string): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    const s = this.#s;
    try {
      const ops = this.#takeOps();
      const flushed = ops.length > 0 ? s.run('tscrapyStats', ops) : Promise.resolve();
      const left = s.run<[number, number, number, string[]]>('tscrapyLeave', [
        s.workerId,
        s.options.lifo ? 1 : 0,
        this.#o.finished() ? 1 : 0,
        this.#o.persist ? 1 : 0,
      ]);
      const [, [last, pending, leased, flat]] = await Promise.all([flushed, left]);
      if (last === 1) {
        const totals = parseMergedStats(flat);
        totals['redis/workers_merged'] = true;
        this.#crawler.stats.setStats(totals);
        this.#crawler.logger.info(`Last worker of crawl "${s.options.crawlId}" out (${reason}): the stats below are totals across all workers`);
      } else if (pending > 0 || leased > 0) {
        this.#crawler.logger.info(`Left crawl "${s.options.crawlId}" with ${pending} requests pending and ${leased} leased in Redis`);
      }
    } catch (err) {
      this.#crawler.logger.error(`Could not leave crawl "${s.options.crawlId}" cleanly in Redis: ${(err as Error).message}`);
    } finally {
      await s.close();
    }
  }

  /** (op, key, value) triples of the changes since the last call. */
  #takeOps(): string[] {
    const ops: string[] = [];
    for (const [k, v] of this.#sets) ops.push('s', k, encode(v));
    for (const [k, v] of this.#incs) ops.push('i', k, String(v));
    for (const [k, v] of this.#maxes) ops.push('x', k, encode(v));
    for (const [k, v] of this.#mins) ops.push('n', k, encode(v));
    this.#sets.clear();
    this.#incs.clear();
    this.#maxes.clear();
    this.#mins.clear();
    return ops;
  }

  /**
   * Records every change of this crawl's StatsCollector (its own instance only: other crawls in
   * the process are untouched). Wrapping keeps the hot path to one Map update per change.
   */
  #wrap(stats: StatsCollector): void {
    for (const [k, v] of Object.entries(stats.getStats())) this.#record(k, typeof v === 'number' ? 'inc' : 'set', v);
    const inc = stats.incValue.bind(stats);
    const set = stats.setValue.bind(stats);
    const max = stats.maxValue.bind(stats);
    const min = stats.minValue.bind(stats);
    stats.incValue = (key, count = 1, start = 0) => {
      const before = stats.getValue<number>(key);
      inc(key, count, start);
      this.#record(key, 'inc', (stats.getValue<number>(key) ?? 0) - (before ?? 0));
    };
    stats.setValue = (key, value) => {
      set(key, value);
      this.#record(key, MIN_KEYS.has(key) ? 'min' : MAX_KEYS.has(key) ? 'max' : 'set', value);
    };
    stats.maxValue = (key, value) => {
      max(key, value);
      this.#record(key, 'max', value);
    };
    stats.minValue = (key, value) => {
      min(key, value);
      this.#record(key, 'min', value);
    };
  }

  #record(key: string, op: 'inc' | 'set' | 'max' | 'min', value: unknown): void {
    if (op === 'inc') this.#incs.set(key, (this.#incs.get(key) ?? 0) + (value as number));
    else if (op === 'set') this.#sets.set(key, value);
    else {
      const map = op === 'max' ? this.#maxes : this.#mins;
      const cur = map.get(key);
      if (cur === undefined || (op === 'max' ? (value as number) > (cur as number) : (value as number) < (cur as number))) map.set(key, value);
    }
  }
}
