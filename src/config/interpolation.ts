/**
 * Python ConfigParser's BasicInterpolation, which Scrapy and scrapyd-client read scrapy.cfg
 * with: `%(name)s` is replaced by the key `name` of the same section or of `[DEFAULT]`
 * (recursively), `%%` is a literal `%`, and any other `%` is an error.
 */

/** ConfigParser's MAX_INTERPOLATION_DEPTH. */
const MAX_DEPTH = 10;

/** ConfigParser's `_KEYCRE`: `%(name)s`, name being anything up to the closing parenthesis. */
const REFERENCE = /^%\(([^)]+)\)s/;

/** Why a value cannot be interpolated; the caller adds the file, section and key. */
export type InterpolationProblem =
  | { kind: 'missing'; name: string }
  | { kind: 'syntax'; found: string }
  | { kind: 'depth' };

/** Thrown by {@link interpolate}; carries what went wrong without any file context. */
export class InterpolationFailure extends Error {
  constructor(readonly problem: InterpolationProblem) {
    super(problem.kind);
  }
}

/**
 * Expands `raw` the way ConfigParser's `BasicInterpolation.before_get` does. `lookup` returns the
 * raw value of a key (already lower-cased, as ConfigParser's `optionxform` makes it) from the same
 * section or `[DEFAULT]`, or undefined. Throws {@link InterpolationFailure}.
 */
export function interpolate(raw: string, lookup: (name: string) => string | undefined): string {
  const out: string[] = [];
  expand(raw, lookup, out, 1);
  return out.join('');
}

function expand(rest: string, lookup: (name: string) => string | undefined, out: string[], depth: number): void {
  if (depth > MAX_DEPTH) throw new InterpolationFailure({ kind: 'depth' });
  while (rest) {
    const p = rest.indexOf('%');
    if (p < 0) {
      out.push(rest);
      return;
    }
    if (p > 0) {
      out.push(rest.slice(0, p));
      rest = rest.slice(p);
    }
    const next = rest[1];
    if (next === '%') {
      out.push('%');
      rest = rest.slice(2);
    } else if (next === '(') {
      const m = REFERENCE.exec(rest);
      if (!m) throw new InterpolationFailure({ kind: 'syntax', found: rest });
      const name = m[1]!.toLowerCase();
      rest = rest.slice(m[0].length);
      const value = lookup(name);
      if (value === undefined) throw new InterpolationFailure({ kind: 'missing', name });
      if (value.includes('%')) expand(value, lookup, out, depth + 1);
      else out.push(value);
    } else {
      throw new InterpolationFailure({ kind: 'syntax', found: rest });
    }
  }
}
