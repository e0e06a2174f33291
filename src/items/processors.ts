/**
 * A processor: takes the values collected for a field (always an array for input processors)
 * and returns the processed value(s). The factories below are Scrapy's (itemloaders.processors),
 * called without `new`: `TakeFirst()`, `MapCompose(fn, ...)`, `Join(', ')`.
 */
export type Processor = (value: any) => unknown;

/**
 * A value as a list, as itemloaders' `arg_to_iter` does: null/undefined → [], an array or other
 * iterable (not a string or a plain object) → its elements, anything else → [value].
 */
export function toValueList(value: unknown): unknown[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value;
  if (typeof value === 'string' || typeof value !== 'object') return [value];
  if (Symbol.iterator in value && !(value instanceof Map)) return [...(value as Iterable<unknown>)];
  return [value];
}

/** Returns the values unchanged. */
export function Identity(): Processor {
  return (values: unknown) => values;
}

/** The first value that is not null, undefined or an empty string (undefined if none). */
export function TakeFirst(): Processor {
  return (values: unknown) => {
    for (const v of toValueList(values)) if (v !== null && v !== undefined && v !== '') return v;
    return undefined;
  };
}

/** The values joined into one string with `separator`. @default ' ' */
export function Join(separator = ' '): Processor {
  return (values: unknown) => toValueList(values).map(String).join(separator);
}

/**
 * Applies each function to every value in turn; a function's array result is flattened into the
 * values, and null/undefined results are dropped (so a function can filter values out).
 *
 * ```ts
 * MapCompose((s: string) => s.trim(), (s: string) => s || null, Number)
 * ```
 */
export function MapCompose(...fns: Array<(value: any) => unknown>): Processor {
  return (values: unknown) => {
    let list = toValueList(values);
    for (const fn of fns) {
      const next: unknown[] = [];
      for (const v of list) {
        const r = fn(v);
        if (r !== null && r !== undefined) next.push(...toValueList(r));
      }
      list = next;
    }
    return list;
  };
}

/**
 * Applies the functions to the whole value in turn, each to the previous result; stops at a
 * null/undefined result unless `stopOnNone` is false (give `{ stopOnNone: false }` last).
 *
 * ```ts
 * Compose((v: string[]) => v[0], (s: string) => s.toUpperCase())
 * ```
 */
export function Compose(...fns: Array<((value: any) => unknown) | { stopOnNone: boolean }>): Processor {
  const last = fns[fns.length - 1];
  const stopOnNone = typeof last === 'object' && last !== null ? last.stopOnNone : true;
  const chain = fns.filter((f): f is (value: any) => unknown => typeof f === 'function');
  return (values: unknown) => {
    let value = values;
    for (const fn of chain) {
      if ((value === null || value === undefined) && stopOnNone) break;
      value = fn(value);
    }
    return value;
  };
}
