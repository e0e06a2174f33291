import { asAsyncIterable } from '../callback-output.js';
import { buildComponents, type CrawlerContext } from '../components.js';
import type { CallbackResult } from '../http/request.js';
import type { Response } from '../http/response.js';
import type { Spider } from '../spider.js';
import type { SpiderMiddleware } from './types.js';

type OutputFilter = (output: unknown, response: Response | null, spider: Spider) => unknown;

/** Runs the enabled spider middlewares' hooks in Scrapy's order. */
export class SpiderMiddlewareManager {
  readonly middlewares: readonly SpiderMiddleware[];
  readonly #inputs: SpiderMiddleware[];
  readonly #filters: OutputFilter[];
  readonly #streams: SpiderMiddleware[];
  readonly #exceptions: SpiderMiddleware[];
  readonly #starts: SpiderMiddleware[];

  constructor(middlewares: SpiderMiddleware[]) {
    this.middlewares = middlewares;
    const reversed = [...middlewares].reverse();
    this.#inputs = middlewares.filter((m) => m.processSpiderInput);
    this.#filters = reversed.filter((m) => m.processOutput).map((m) => m.processOutput!.bind(m));
    this.#streams = reversed.filter((m) => m.processSpiderOutput);
    this.#exceptions = reversed.filter((m) => m.processSpiderException);
    this.#starts = reversed.filter((m) => m.processStart);
  }

  static async fromCrawler(crawler: CrawlerContext): Promise<SpiderMiddlewareManager> {
    return new SpiderMiddlewareManager(
      await buildComponents<SpiderMiddleware>(crawler, 'SPIDER_MIDDLEWARES_BASE', 'SPIDER_MIDDLEWARES', 'spider middlewares'),
    );
  }

  /** Runs the input hooks; returns a promise only when one of them is asynchronous. */
  input(response: Response, spider: Spider): void | Promise<void> {
    for (let i = 0; i < this.#inputs.length; i++) {
      const r = this.#inputs[i]!.processSpiderInput!(response, spider);
      if (r instanceof Promise) return r.then(() => this.#inputsFrom(i + 1, response, spider));
    }
  }

  async #inputsFrom(start: number, response: Response, spider: Spider): Promise<void> {
    for (let i = start; i < this.#inputs.length; i++) await this.#inputs[i]!.processSpiderInput!(response, spider);
  }

  /** One output through every `processOutput`; null when a middleware dropped it. */
  filter(output: unknown, response: Response | null, spider: Spider): unknown {
    let out = output;
    for (const f of this.#filters) {
      out = f(out, response, spider);
      if (out === null || out === undefined) return null;
    }
    return out;
  }

  /** The callback's output stream wrapped by every `processSpiderOutput`. */
  wrapOutput(response: Response, result: AsyncIterable<unknown>, spider: Spider): AsyncIterable<unknown> {
    let out = result;
    // Each middleware is handed an async iterable, whatever the previous one returned.
    for (const m of this.#streams) out = asAsyncIterable(m.processSpiderOutput!(response, out, spider));
    return out;
  }

  /** The first middleware answer to a callback error, or undefined to let it propagate. */
  exception(response: Response, error: Error, spider: Spider): CallbackResult | undefined {
    for (const m of this.#exceptions) {
      const r = m.processSpiderException!(response, error, spider);
      if (r !== undefined && r !== null) return r;
    }
    return undefined;
  }

  wrapStart(start: AsyncIterable<unknown>, spider: Spider): AsyncIterable<unknown> {
    let out = start;
    for (const m of this.#starts) out = asAsyncIterable(m.processStart!(out, spider));
    return out;
  }

  async close(spider: Spider): Promise<void> {
    for (const m of this.middlewares) await m.close?.(spider);
  }
}
