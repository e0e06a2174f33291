import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Redis, type ChainableCommander } from 'ioredis';
import type { Logger } from '../../logger.js';
import type { StatsCollector } from '../../stats.js';
import { RedisConnectionError, RedisDataError } from './errors.js';
import { checkCrawlKeys } from './key-types.js';
import { SCRIPTS, type ScriptName } from './scripts.js';
import { maskUrl } from './url.js';

/** What a shared-crawl session needs; `RedisSession.connect` builds one from these plain values. */
export interface RedisSessionOptions {
  /** `redis://…`; shown masked in every message. */
  url: string;
  /** The setting the URL came from, named in errors (SCHEDULER_URL). */
  setting: string;
  crawlId: string;
  /** Key namespace. @default 'tscrapy' */
  keyPrefix?: string;
  /** A worker silent this long loses its leases. */
  leaseMs: number;
  /** Pop newest first within a priority (depth-first) instead of oldest first. */
  lifo: boolean;
  /** Reconnection attempts (with backoff) before giving up. */
  maxRetries: number;
  logger: Logger;
  stats: StatsCollector;
  /** Called once when the connection is lost for good. */
  onFatal?: (error: RedisConnectionError) => void;
}

/** Reconnection delay for attempt `n` (1-based): 100 ms doubling, at most 3 s. */
export function backoffMs(n: number): number {
  return Math.min(100 * 2 ** (n - 1), 3000);
}

/**
 * Connects with one attempt: a Redis that cannot be reached at start is a wrong URL or a server
 * that is not running, which retries would only hide for ~20 s. Once a connection has worked,
 * a lost one is retried `maxRetries` times with backoff. The URL is masked in every message.
 */
export async function connectRedis(url: string, setting: string, maxRetries: number, logger: Logger, name?: string): Promise<Redis> {
  const masked = maskUrl(url);
  let lastError: Error | undefined;
  let connected = false;
  const client = new Redis(url, {
    lazyConnect: true,
    connectionName: name,
    // Commands wait while reconnecting; the retry strategy bounds how long.
    maxRetriesPerRequest: null,
    connectTimeout: 5000,
    retryStrategy: (times) => {
      if (!connected || times > maxRetries) return null;
      const delay = backoffMs(times);
      logger.warn(`Redis at ${masked} (${setting}) unreachable: ${lastError?.message ?? 'connection closed'}; retry ${times}/${maxRetries} in ${delay} ms`);
      return delay;
    },
  });
  // ioredis emits 'error' on every failed attempt; without a listener it prints to the console.
  client.on('error', (err: Error) => (lastError = err));
  await new Promise<void>((resolve, reject) => {
    const onEnd = () => {
      client.off('ready', onReady);
      reject(
        new RedisConnectionError(
          `Cannot connect to Redis at ${masked} (${setting}): ${lastError?.message ?? 'connection closed'}. ` +
            'Is redis-server running there, and are the host, port, password and database right?',
          { cause: lastError },
        ),
      );
    };
    const onReady = () => {
      client.off('end', onEnd);
      connected = true;
      resolve();
    };
    client.once('ready', onReady);
    client.once('end', onEnd);
    client.connect().catch(() => undefined);
  });
  for (const [name, lua] of Object.entries(SCRIPTS)) client.defineCommand(name, { numberOfKeys: 0, lua });
  return client;
}

interface Waiter<T> {
  resolve: (v: T) => void;
  reject: (e: unknown) => void;
}

interface Call {
  name: ScriptName;
  args: Array<string | number>;
  waiter: Waiter<unknown>;
}

type Scripted = Record<ScriptName, (...args: Array<string | number>) => unknown>;

/** Triples per enqueue script call, so that one call never holds the server long. */
const ENQUEUE_CHUNK = 500;

/**
 * One worker's connection to one shared crawl. Every operation issued in the same turn of the
 * event loop goes out as one pipeline (one round trip): enqueues first, then acks, then other
 * scripts, so an ack never lands before the requests its callback produced.
 */
export class RedisSession {
  readonly workerId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  readonly prefix: string;
  readonly maskedUrl: string;
  /** Pipelines sent (each one network round trip). */
  roundTrips = 0;
  readonly #o: RedisSessionOptions;
  readonly #client: Redis;
  #enq: Array<{ fp: string; priority: number; data: string; waiter: Waiter<boolean> }> = [];
  #acks: string[] = [];
  #calls: Call[] = [];
  #flushScheduled = false;
  #inFlightFlushes = new Set<Promise<void>>();
  #heartbeat: NodeJS.Timeout | null = null;
  #fatal: RedisConnectionError | null = null;
  #closed = false;
  #ackErrors = 0;

  private constructor(client: Redis, options: RedisSessionOptions) {
    this.#client = client;
    this.#o = options;
    this.prefix = `${options.keyPrefix ?? 'tscrapy'}:${options.crawlId}:`;
    this.maskedUrl = maskUrl(options.url);
    client.on('end', () => {
      if (this.#closed) return;
      this.#fatal = new RedisConnectionError(
        `Lost the connection to Redis at ${this.maskedUrl} (${options.setting}) and could not reconnect after ${options.maxRetries} retries`,
      );
      options.logger.error(this.#fatal.message);
      options.onFatal?.(this.#fatal);
    });
    client.on('ready', () => options.logger.debug(`Connected to Redis at ${this.maskedUrl} as worker ${this.workerId}`));
  }

  /** Connects (throwing RedisConnectionError with the masked URL when Redis cannot be reached). */
  static async connect(options: RedisSessionOptions): Promise<RedisSession> {
    const client = await connectRedis(options.url, options.setting, options.maxRetries, options.logger, `tscrapy:${options.crawlId}`);
    try {
      await checkCrawlKeys(client, `${options.keyPrefix ?? 'tscrapy'}:${options.crawlId}:`);
    } catch (err) {
      client.disconnect();
      throw err;
    }
    return new RedisSession(client, options);
  }

  get options(): Readonly<RedisSessionOptions> {
    return this.#o;
  }

  get leaseMs(): number {
    return this.#o.leaseMs;
  }

  /** Stores a request unless `fp` was seen (pass '' to skip the check). Resolves true when stored. */
  enqueue(fp: string, priority: number, data: string): Promise<boolean> {
    if (this.#fatal) return Promise.reject(this.#fatal);
    return new Promise<boolean>((resolve, reject) => {
      this.#enq.push({ fp, priority, data, waiter: { resolve, reject } });
      this.#schedule();
    });
  }

  /** Forgets a lease; sent with the next pipeline, after the enqueues issued before it. */
  ack(leaseId: string): void {
    if (this.#fatal) return;
    this.#acks.push(leaseId);
    this.#schedule();
  }

  /** Runs a script (ARGV after the prefix) in the next pipeline. */
  run<T>(name: ScriptName, args: Array<string | number>): Promise<T> {
    if (this.#fatal) return Promise.reject(this.#fatal);
    return new Promise<T>((resolve, reject) => {
      this.#calls.push({ name, args, waiter: { resolve: resolve as (v: unknown) => void, reject } });
      this.#schedule();
    });
  }

  /** Sends whatever is buffered now and waits for every pipeline in flight. */
  async flush(): Promise<void> {
    this.#flushScheduled = false;
    this.#send();
    await Promise.all([...this.#inFlightFlushes]);
  }

  /** Renews this worker's lease expiry and reaps dead workers, every leaseMs/3 (0.2–5 s). */
  startHeartbeat(): void {
    if (this.#heartbeat) return;
    const every = Math.min(5000, Math.max(200, Math.floor(this.#o.leaseMs / 3)));
    this.#heartbeat = setInterval(() => {
      this.run<[number, number]>('tscrapyHeartbeat', [this.workerId, this.#o.leaseMs, this.#o.lifo ? 1 : 0]).then(
        ([requeued, missing]) => {
          if (requeued > 0) this.#o.logger.info(`Handed ${requeued} requests leased by workers that stopped responding back to the queue`);
          if (missing === 1) {
            this.#o.logger.warn(
              `This worker missed its heartbeat for over ${this.#o.leaseMs} ms (REDIS_LEASE_TIMEOUT): its leased requests were handed to other workers and may be crawled twice`,
            );
          }
        },
        (err: unknown) => this.#o.logger.debug(`Redis heartbeat failed: ${(err as Error).message}`),
      );
    }, every);
    this.#heartbeat.unref();
  }

  stopHeartbeat(): void {
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#heartbeat = null;
  }

  /** Flushes, stops the heartbeat and disconnects. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.stopHeartbeat();
    if (!this.#fatal) await this.flush().catch(() => undefined);
    this.#closed = true;
    if (this.#fatal) this.#client.disconnect();
    else await this.#client.quit().catch(() => this.#client.disconnect());
  }

  /** A plain command outside the batch (status readers). */
  get client(): Redis {
    return this.#client;
  }

  #schedule(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => {
      if (!this.#flushScheduled) return;
      this.#flushScheduled = false;
      this.#send();
    });
  }

  /**
   * A script's error on a key that holds the wrong type (written by something else since the
   * check at connect) names the crawl's keys and how to find the culprit, instead of a Lua trace.
   */
  #dataError(err: Error): Error {
    if (!/WRONGTYPE/.test(err.message)) return err;
    return new RedisDataError(
      `A Redis key under "${this.prefix}" holds the wrong type (another program wrote to it): ${err.message}. ` +
        `Run \`tscrapy crawl-status ${this.#o.crawlId} --prefix ${this.#o.keyPrefix ?? 'tscrapy'}\` to see which key, then give this crawl other keys (CRAWL_ID or REDIS_KEY_PREFIX) or delete that key`,
      { cause: err },
    );
  }

  #send(): void {
    const enq = this.#enq;
    const acks = this.#acks;
    const calls = this.#calls;
    if (enq.length === 0 && acks.length === 0 && calls.length === 0) return;
    this.#enq = [];
    this.#acks = [];
    this.#calls = [];
    const pipe = this.#client.pipeline();
    const scripted = pipe as unknown as Scripted;
    const slots: Array<(err: Error | null, value: unknown) => void> = [];
    for (let i = 0; i < enq.length; i += ENQUEUE_CHUNK) {
      const chunk = enq.slice(i, i + ENQUEUE_CHUNK);
      const args: Array<string | number> = [this.prefix];
      for (const e of chunk) args.push(e.fp, e.priority, e.data);
      scripted.tscrapyEnqueue(...args);
      slots.push((err, value) => {
        chunk.forEach((e, j) => (err ? e.waiter.reject(err) : e.waiter.resolve((value as number[])[j] === 1)));
      });
    }
    if (acks.length) {
      scripted.tscrapyAck(this.prefix, this.workerId, ...acks);
      slots.push((err) => {
        if (err && this.#ackErrors++ === 0) this.#o.logger.error(`Could not acknowledge requests in Redis (they will be crawled again): ${err.message}`);
      });
    }
    for (const c of calls) {
      scripted[c.name](this.prefix, ...c.args);
      slots.push((err, value) => (err ? c.waiter.reject(err) : c.waiter.resolve(value)));
    }
    this.roundTrips++;
    this.#o.stats.incValue('redis/round_trips');
    const done = execPipeline(pipe).then(
      (results) => results.forEach(([err, value], i) => slots[i]!(err && this.#dataError(err), value)),
      (err: Error) => slots.forEach((s) => s(this.#fatal ?? err, null)),
    );
    this.#inFlightFlushes.add(done);
    void done.finally(() => this.#inFlightFlushes.delete(done));
  }
}

async function execPipeline(pipe: ChainableCommander): Promise<Array<[Error | null, unknown]>> {
  const res = await pipe.exec();
  return (res ?? []) as Array<[Error | null, unknown]>;
}
