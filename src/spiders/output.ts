import { InvalidArgumentError } from '../crawler/errors.js';
import type { CallbackResult } from '../crawler/http/request.js';
import type { Response } from '../crawler/http/response.js';

/** What a generic spider's hook may return: a callback result, or one item (a plain object) or request. */
export type SpiderOutput = CallbackResult | object;

/** A callback as the generic spiders take it: like `Callback`, but it may also return one item. */
export type OutputCallback = (response: Response, kwargs: Record<string, any>) => SpiderOutput;

export { iterateOutput } from '../crawler/callback-output.js';

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
