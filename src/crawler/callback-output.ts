import type { CallbackResult } from './http/request.js';

/**
 * Yields every output of a callback result, whatever its shape (nothing, one item or request,
 * a promise, an array, a sync or async iterable), the way the scraper consumes it. Used for
 * `start()` (which may be a plain generator) and by the generic spiders to chain a user's callback.
 */
export async function* iterateOutput(result: CallbackResult | object): AsyncGenerator<unknown, void, undefined> {
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

/** `value` itself when it is async-iterable, else its outputs as an async iterable (see iterateOutput). */
export function asAsyncIterable(value: CallbackResult | object): AsyncIterable<unknown> {
  return value !== null && typeof value === 'object' && Symbol.asyncIterator in value ? (value as AsyncIterable<unknown>) : iterateOutput(value);
}
