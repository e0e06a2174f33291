import { Request } from '../crawler/http/request.js';
import { jsonReplacer } from '../feeds/exporters/values.js';

/** What one callback produced: items and requests, in order. */
export interface CallbackOutput {
  items: unknown[];
  requests: Request[];
}

/**
 * Drains whatever a callback returned — nothing, a value, a promise, an array, a sync or async
 * iterable — into items and requests (what the scraper does, without the spider middlewares).
 */
export async function collectResults(result: unknown): Promise<CallbackOutput> {
  const out: CallbackOutput = { items: [], requests: [] };
  const add = (v: unknown) => {
    if (v === undefined || v === null) return;
    if (v instanceof Request) out.requests.push(v);
    else out.items.push(v);
  };
  const value = await result;
  if (value === undefined || value === null) return out;
  if (typeof value === 'object' && Symbol.asyncIterator in value) {
    for await (const v of value as AsyncIterable<unknown>) add(v);
  } else if (typeof value === 'object' && Symbol.iterator in value && !(value instanceof Request)) {
    for (const v of value as Iterable<unknown>) add(await v);
  } else {
    add(value);
  }
  return out;
}

/** A callback's name for display: the method name, or null for the default (`parse`). */
export function callbackName(cb: unknown): string | null {
  if (typeof cb === 'string') return cb;
  if (typeof cb === 'function') return cb.name.replace(/^bound /, '') || '<anonymous>';
  return null;
}

/** An item as plain JSON data, written as the feeds write it (undefined as null, Dates as ISO, Maps and Sets as objects and arrays). */
export function itemAsJson(item: unknown): unknown {
  const text = JSON.stringify(item, jsonReplacer());
  return text === undefined ? null : JSON.parse(text);
}
