import { Request } from '../../http/request.js';
import type { Logger } from '../../logger.js';
import type { Spider } from '../../spider.js';
import type { StatsCollector } from '../../stats.js';
import { GroupCommit } from '../group-commit.js';
import type { DupeFilter, RequestQueue } from '../types.js';
import type { RedisSession } from './session.js';

export interface RedisQueueOptions {
  session: RedisSession;
  /** Requests taken under lease per round trip when the local buffer runs dry. @default 8 */
  prefetch?: number;
  /** The seeder feeds start() while fewer requests than this are pending in the shared queue. @default 1000 */
  startBacklog?: number;
  /** How long an idle worker waits while others hold leases; 0 = as long as any lease is outstanding. */
  idleTimeoutMs?: number;
  /** Pause between checks of an idle worker. @default 200 (the backend uses 100 ms, or a tenth of the lease when shorter) */
  pollMs?: number;
  logger: Logger;
  stats: StatsCollector;
  /**
   * Awaited before a batch of acks is sent: makes the items of the acked requests durable first
   * (the crawl sends the `checkpoint` signal: feeds flushed and fsynced), as with JOBDIR.
   */
  beforeCommit?: () => Promise<void>;
  /** Acks wait this long to be committed together. @default 50 */
  commitDelayMs?: number;
}

/** Why an idle worker stopped waiting. */
export type IdleOutcome = 'work' | 'finished' | 'timeout' | 'closing';

/**
 * The frontier of a crawl shared by many workers, in Redis. `pop()` hands out requests under a
 * lease (a batch per round trip, buffered here); `ack()` ends the lease once the callback's output
 * is recorded. A worker that dies stops heartbeating and its leases go back to the queue.
 * `size()` counts this worker's buffered requests; `waitForWork()` is the cross-worker idle check.
 */
export class RedisQueue implements RequestQueue {
  readonly #s: RedisSession;
  readonly #o: RedisQueueOptions;
  #spider: Spider | undefined;
  #buffer: Array<{ id: string; data: string }> = [];
  #leases = new WeakMap<Request, string>();
  /** Lease ids handed to the engine and not acked yet (reset when the engine reports idle). */
  #outstanding = new Set<string>();
  /** Pop round trips in flight. */
  #filling = 0;
  /** Requests pending in the shared queue, as of this worker's last pop (plus what it stored since). */
  #sharedPending = 0;
  /** Fingerprints known to be in the shared set: repeats need no round trip. */
  readonly known = new Set<string>();
  #seeds = false;
  #finished = false;
  #closing = false;
  #warnedSeeder = false;
  /** Leases done but not acknowledged yet: they wait for the next commit. */
  #acks: string[] = [];
  readonly #group: GroupCommit;

  constructor(options: RedisQueueOptions) {
    this.#s = options.session;
    this.#o = options;
    this.#group = new GroupCommit({
      run: () => this.#commit(),
      delayMs: options.commitDelayMs ?? 50,
      onError: (err) => options.logger.error(`Could not checkpoint before acknowledging requests in Redis (they stay leased and will be crawled again): ${(err as Error)?.message ?? err}`),
    });
  }

  /** Registers this worker and learns whether it seeds the start requests. */
  async open(spider: Spider): Promise<void> {
    this.#spider = spider;
    const { session: s, logger } = this.#o;
    const role = await s.run<string>('tscrapyOpen', [s.workerId, s.leaseMs, s.options.lifo ? 1 : 0]);
    this.#seeds = role === 'seed';
    s.startHeartbeat();
    logger.info(
      `Joined crawl "${s.options.crawlId}" on Redis ${s.maskedUrl} as worker ${s.workerId}` +
        (this.#seeds ? ' (first worker: seeding the start requests)' : ' (start requests already seeded by another worker)'),
    );
  }

  /** True for the worker that feeds `spider.start()`; the others only take requests from the queue. */
  get seeds(): boolean {
    return this.#seeds;
  }

  /** True once a worker saw the whole crawl done (queue empty, no lease outstanding). */
  get finished(): boolean {
    return this.#finished;
  }

  async push(request: Request): Promise<void> {
    this.#sharedPending++;
    await this.#s.enqueue('', request.priority, this.#serialize(request));
  }

  /** Whether the seeder should feed more start requests: the shared backlog (as last seen) is short. */
  wantsStart(): boolean {
    return this.#sharedPending < (this.#o.startBacklog ?? 1000);
  }

  /** Dedup and store in one atomic step (a crash between the two would lose the request). Resolves false for a duplicate. */
  async pushUnique(request: Request, fingerprint: string): Promise<boolean> {
    if (this.known.has(fingerprint)) return false;
    const data = this.#serialize(request);
    // Counted now, so that a seeder issuing many start requests at once stops at the backlog.
    this.#sharedPending++;
    const stored = await this.#s.enqueue(fingerprint, request.priority, data);
    if (!stored) this.#sharedPending--;
    this.known.add(fingerprint);
    return stored;
  }

  async pop(): Promise<Request | null> {
    if (this.#closing) return null;
    if (this.#buffer.length === 0) await this.#fill();
    for (let next = this.#buffer.shift(); next; next = this.#buffer.shift()) {
      try {
        const request = Request.fromJSON(JSON.parse(next.data), this.#spider);
        this.#leases.set(request, next.id);
        this.#outstanding.add(next.id);
        return request;
      } catch (err) {
        // A request this spider cannot rebuild (renamed callback, foreign crawl id) is dropped, not retried forever.
        this.#o.stats.incValue('scheduler/unserializable');
        this.#o.logger.error(`Dropping a request from Redis that this spider cannot restore: ${(err as Error).message}`);
        this.#s.ack(next.id);
      }
    }
    return null;
  }

  /**
   * The request is done. Its lease ends in Redis only at the next commit, after the checkpoint:
   * a worker killed before that leaves the lease to expire, and another worker redoes the request
   * (its items may appear twice, never zero times). Resolves once the ack is sent.
   */
  ack(request: Request): Promise<void> | void {
    const id = this.#leases.get(request);
    if (id === undefined) return;
    this.#leases.delete(request);
    this.#outstanding.delete(id);
    this.#acks.push(id);
    return this.#group.request();
  }

  size(): number {
    return this.#buffer.length;
  }

  /**
   * Called when this worker is idle. Resolves 'work' once requests are buffered here again,
   * 'finished' when the queue is empty and no worker holds a lease (and seeding is over),
   * 'timeout' after `idleTimeoutMs` of waiting on other workers' leases, 'closing' if the crawl stops.
   * Call it only when the engine is idle: requests this worker still holds a lease on are then
   * orphans and go back to the queue. The engine may pull again while this waits (its heartbeat
   * kicks): leases taken since are not orphans, and 'work' is returned at once.
   */
  async waitForWork(isClosing: () => boolean): Promise<IdleOutcome> {
    const { session: s, logger } = this.#o;
    const started = Date.now();
    let logged = false;
    let pause = Math.min(10, this.#o.pollMs ?? 200);
    // Done requests are acknowledged first: the idle check below hands this worker's other leases back.
    await this.#group.commit();
    this.#outstanding.clear();
    await s.flush();
    for (;;) {
      if (isClosing() || this.#closing) return 'closing';
      if (this.#buffer.length > 0 || this.#outstanding.size > 0) return 'work';
      // A pop in flight (the engine pulling) may be answered before this script runs: its leases are not orphans.
      const requeueOwn = this.#filling === 0 ? 1 : 0;
      const [pending, leased, seed] = await s.run<[number, number, string, number]>('tscrapyIdle', [s.workerId, s.leaseMs, s.options.lifo ? 1 : 0, requeueOwn]);
      this.#sharedPending = pending;
      if (seed === 'seeder-died' && !this.#warnedSeeder) {
        this.#warnedSeeder = true;
        logger.warn('The worker seeding the start requests stopped before it finished; continuing with the requests it seeded');
      }
      if (pending > 0) {
        await this.#fill();
        if (this.#buffer.length > 0) return 'work';
        continue;
      }
      if (leased === 0 && seed !== 'seeding') {
        this.#finished = true;
        logger.info(`Crawl "${s.options.crawlId}" is done: the shared queue is empty and no worker holds a request`);
        return 'finished';
      }
      const timeout = this.#o.idleTimeoutMs ?? 0;
      if (timeout > 0 && Date.now() - started >= timeout) {
        logger.info(`Stopped waiting after ${timeout / 1000} s (REDIS_IDLE_TIMEOUT): ${leased} requests are still leased by other workers`);
        return 'timeout';
      }
      if (!logged) {
        logged = true;
        logger.debug(
          seed === 'seeding' ? 'Waiting for the first worker to seed the start requests' : `Queue empty; waiting for ${leased} requests leased by other workers`,
        );
      }
      // Check often at first (another worker is about to seed, or to enqueue what it just parsed), then back off.
      await new Promise((r) => setTimeout(r, pause));
      pause = Math.min(pause * 2, this.#o.pollMs ?? 200);
    }
  }

  /** Hands every request leased by this worker (buffered or unfinished) back to the queue. */
  async close(): Promise<void> {
    this.#closing = true;
    this.#buffer = [];
    const s = this.#s;
    // Failing here leaves the done requests unacknowledged: they go back to the queue below and are crawled again.
    await this.#group.close().catch(() => undefined);
    await s.flush();
    await s.run('tscrapyRelease', [s.workerId, s.options.lifo ? 1 : 0]);
  }

  async #commit(): Promise<void> {
    const acks = this.#acks;
    if (acks.length === 0) return;
    this.#acks = [];
    try {
      await this.#o.beforeCommit?.();
    } catch (err) {
      this.#acks = acks.concat(this.#acks);
      throw err;
    }
    for (const id of acks) this.#s.ack(id);
    await this.#s.flush();
  }

  async #fill(): Promise<void> {
    const s = this.#s;
    this.#filling++;
    try {
      const res = await s.run<Array<string | number>>('tscrapyPop', [s.workerId, this.#o.prefetch ?? 8, s.options.lifo ? 1 : 0, s.leaseMs]);
      this.#sharedPending = Number(res[0]);
      for (let i = 1; i + 1 < res.length; i += 2) this.#buffer.push({ id: String(res[i]), data: String(res[i + 1]) });
    } finally {
      this.#filling--;
    }
  }

  #serialize(request: Request): string {
    return JSON.stringify(request.toJSON(this.#spider));
  }
}

/**
 * The shared fingerprint set. The scheduler dedups through `RedisQueue.pushUnique` (atomic with
 * the push); this answers direct `seen()` calls. `size()` counts fingerprints this worker met.
 */
export class RedisDupeFilter implements DupeFilter {
  readonly #s: RedisSession;
  readonly #known: Set<string>;

  constructor(session: RedisSession, known: Set<string>) {
    this.#s = session;
    this.#known = known;
  }

  open(): void {}

  async seen(fingerprint: string): Promise<boolean> {
    if (this.#known.has(fingerprint)) return true;
    const added = await this.#s.client.sadd(`${this.#s.prefix}seen`, fingerprint);
    this.#known.add(fingerprint);
    return added === 0;
  }

  size(): number {
    return this.#known.size;
  }

  close(): void {}
}
