/**
 * Numbers as lxml/libxml2 and parsel turn them into text. Inside XPath (`string(1 div 3)`,
 * `concat()`), libxml2 formats with 15 significant digits and switches to exponent notation
 * outside [1e-5, 1e9] (or for integers outside 32 bits). A number returned by a query
 * (`count(//a)`) reaches parsel as a Python float, which prints as `repr()` does: `'3.0'`.
 */

const INT_MAX = 2147483647;
const INT_MIN = -2147483648;
const DBL_DIG = 15;

/** libxml2's `xmlXPathFormatNumber`: XPath's string() of a number. */
export function xpathNumberToString(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return '0';
  if (x > INT_MIN && x < INT_MAX && Number.isInteger(x)) return String(x);
  const abs = Math.abs(x);
  let s: string;
  if (abs > 1e9 || abs < 1e-5) {
    s = cExponent(x.toExponential(DBL_DIG - 1));
    const e = s.indexOf('e');
    return stripZeros(s.slice(0, e)) + s.slice(e);
  }
  const integerPlace = Math.trunc(Math.log10(abs));
  const fractionPlace = integerPlace > 0 ? DBL_DIG - integerPlace - 1 : DBL_DIG - integerPlace;
  s = x.toFixed(fractionPlace);
  return stripZeros(s);
}

/** Drops trailing fraction zeros and a bare point, as libxml2 does. */
function stripZeros(s: string): string {
  if (!s.includes('.')) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48) end--;
  if (s[end - 1] === '.') end--;
  return s.slice(0, end);
}

/** C's `%e` writes at least two exponent digits: `1e-6` → `1e-06`. */
function cExponent(s: string): string {
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** Python's `repr(float)`: shortest round-trip digits, exponent below 1e-4 and from 1e16, `.0` on integers. */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(x);
  if (abs >= 1e16 || abs < 1e-4) {
    const [mantissa, exp] = x.toExponential().split('e') as [string, string];
    const sign = exp[0] === '-' ? '-' : '+';
    const digits = exp.replace(/^[+-]/, '');
    return `${mantissa}e${sign}${digits.length < 2 ? '0' + digits : digits}`;
  }
  const s = String(x);
  return s.includes('.') ? s : s + '.0';
}

// XPath 1.0's Number production, with libxml2's exponent.
const NUMERIC = /^[\x20\x09\x0a\x0d]*-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?[\x20\x09\x0a\x0d]*$/;

/** XPath's number() of a string: NaN unless it is a plain decimal (no `+`, no hex, no `Infinity`). */
export function stringToNumber(s: string): number {
  return NUMERIC.test(s) ? Number(s.trim()) : NaN;
}
