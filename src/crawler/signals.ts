import type { Request } from './http/request.js';
import type { Response } from './http/response.js';
import type { Logger } from './logger.js';
import type { Spider } from './spider.js';

/** Signals of one crawl and what each carries. */
export interface SignalMap {
  engineStarted: Record<string, never>;
  engineStopped: Record<string, never>;
  spiderOpened: { spider: Spider };
  /** The scheduler and downloader are empty; a handler may schedule more requests. */
  spiderIdle: { spider: Spider };
  spiderClosed: { spider: Spider; reason: string };
  /** A callback threw. */
  spiderError: { error: Error; response: Response; spider: Spider };
  requestScheduled: { request: Request; spider: Spider };
  /** The scheduler refused a request (e.g. it could not be stored); it is not retried. */
  requestDropped: { request: Request; spider: Spider; reason: string };
  requestReachedDownloader: { request: Request; spider: Spider };
  requestLeftDownloader: { request: Request; spider: Spider };
  responseReceived: { response: Response; request: Request; spider: Spider };
  itemScraped: { item: unknown; response: Response | null; spider: Spider };
  itemDropped: { item: unknown; response: Response | null; error: Error; spider: Spider };
  itemError: { item: unknown; response: Response | null; error: Error; spider: Spider };
  /**
   * A persistent queue (JOBDIR, Redis) is about to record that requests are done: handlers make
   * the outputs of those requests durable first (feeds flush and fsync, state is saved). Awaited.
   */
  checkpoint: { spider: Spider };
  /** The engine started (reason set) or stopped (reason null) holding back new requests. */
  backout: { reason: string | null; spider: Spider };
}
/** The name of a signal (`spiderOpened`, `itemScraped`, …). */
export type SignalName = keyof SignalMap;
export type SignalHandler<K extends SignalName> = (payload: SignalMap[K]) => void | Promise<void>;

/**
 * Typed signals for one crawl. Handler errors are logged, never thrown into the crawl.
 * `send` calls handlers without waiting; `sendAsync` waits for all (e.g. feeds on itemScraped).
 */
export class SignalManager {
  #handlers = new Map<SignalName, Array<SignalHandler<any>>>();
  readonly #logger: Logger | undefined;

  constructor(logger?: Logger) {
    this.#logger = logger;
  }

  /** Adds a handler; returns a function that removes it. */
  connect<K extends SignalName>(name: K, handler: SignalHandler<K>): () => void {
    const list = this.#handlers.get(name) ?? [];
    list.push(handler);
    this.#handlers.set(name, list);
    return () => this.disconnect(name, handler);
  }

  disconnect<K extends SignalName>(name: K, handler: SignalHandler<K>): void {
    const list = this.#handlers.get(name);
    if (!list) return;
    const i = list.indexOf(handler);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.#handlers.delete(name);
  }

  /** True when someone listens: hot paths skip building payloads otherwise. */
  has(name: SignalName): boolean {
    return this.#handlers.has(name);
  }

  send<K extends SignalName>(name: K, payload: SignalMap[K]): void {
    const list = this.#handlers.get(name);
    if (!list) return;
    for (const h of list) {
      try {
        const r = h(payload);
        if (r && typeof (r as Promise<void>).then === 'function') {
          (r as Promise<void>).catch((err: unknown) => this.#report(name, err));
        }
      } catch (err) {
        this.#report(name, err);
      }
    }
  }

  async sendAsync<K extends SignalName>(name: K, payload: SignalMap[K]): Promise<void> {
    const list = this.#handlers.get(name);
    if (!list) return;
    // Handlers are called in order, each now, as an async wrapper per handler did; only the
    // promises they return are waited for. itemScraped goes out once per item, and the wrappers
    // and Promise.all made five promises per item even when every handler was synchronous.
    let waits: Array<Promise<void>> | undefined;
    for (let i = 0, n = list.length; i < n; i++) {
      if (!(i in list)) continue; // removed by an earlier handler, as Array.map skips it
      try {
        const r = list[i]!(payload);
        if (r && typeof (r as Promise<void>).then === 'function') {
          (waits ??= []).push(Promise.resolve(r).then(undefined, (err: unknown) => this.#report(name, err)));
        }
      } catch (err) {
        this.#report(name, err);
      }
    }
    if (waits !== undefined) await Promise.all(waits);
  }

  disconnectAll(): void {
    this.#handlers.clear();
  }

  #report(name: string, err: unknown): void {
    this.#logger?.error(`Error in a ${name} signal handler: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }
}
