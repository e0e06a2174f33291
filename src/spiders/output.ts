import { InvalidArgumentError } from '../crawler/errors.js';
import type { CallbackResult } from '../crawler/http/request.js';
import type { Response } from '../crawler/http/response.js';

/** What a generic spider's hook may return: a callback result, or one item (a plain object) or request. */
export type SpiderOutput = CallbackResult | object;

/** A callback as the generic spiders take it: like `Callback`, but it may also return one item. */
export type OutputCallback = (response: Response, kwargs: Record<string, any>) => SpiderOutput;

/**
 * Yields every output of a callback result, whatever its shape (nothing, one item or request,
 * a promise, an array, a sync or async iterable), the way the scraper consumes it. The generic
 * spiders use it to chain a user's callback into their own async generators.
 */
export async function* iterateOutput(result: SpiderOutput): AsyncGenerator<unknown, void, undefined> {
  let value: unknown = result;
  if (value instanceof Promise) value = await value;
  if (value === undefined || value === null) return;
  if (typeof value !== 'object' || !(Symbol.iterator in value || Symbol.asyncIterator in value)) {
    yield value;
  } else if (Symbol.asyncIterator in value) {
    yield* value as AsyncIterable<unknown>;
  } else {
    yield* value as Iterable<unknown>;
  }
}

/** A spider method named by a string, or the function itself; undefined stays undefined. */
export function resolveMethod<F extends (...args: any[]) => unknown>(
  spider: object,
  value: F | string | null | undefined,
  what: string,
): F | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'function') return value;
  const fn = (spider as Record<string, unknown>)[value];
  if (typeof fn !== 'function') {
    throw new InvalidArgumentError(`${spider.constructor.name} has no method "${value}" (named as ${what}); define it or pass a function`);
  }
  return fn as F;
}
