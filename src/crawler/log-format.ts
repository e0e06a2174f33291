import { inspect } from 'node:util';

// Python's printf-style conversion: %[(key)][flags][width][.precision]type.
const SPEC = /%(?:\(([^)]*)\))?([-+ 0#]*)(\d+|\*)?(?:\.(\d+|\*))?([diouxXeEfFgGcrsa%])/g;

/**
 * A log message with its arguments, as Python's logging formats it (`msg % args`), so that a
 * spider ported from Scrapy logs the same text: `logger.info('Saved %d items from %s', n, url)`,
 * `%(name)s` with one object argument, `%r`, `%.2f`, `%5d`, `%%`. Objects are shown with
 * `util.inspect` (Python would show their repr). Arguments left over (Python would report "not
 * all arguments converted") are appended, separated by spaces, as `console.log` does; a
 * placeholder with no argument left is kept as written.
 */
export function formatLogMessage(message: unknown, args: readonly unknown[]): string {
  const text = typeof message === 'string' ? message : show(message);
  if (args.length === 0) return text;
  const mapping = args.length === 1 && isMapping(args[0]) ? (args[0] as Record<string, unknown>) : null;
  let next = 0;
  const take = (): { ok: boolean; value?: unknown } => (next < args.length ? { ok: true, value: args[next++] } : { ok: false });
  let usedMapping = false;
  const out = text.replace(SPEC, (whole, key: string | undefined, flags: string, width: string | undefined, precision: string | undefined, type: string) => {
    if (type === '%') return '%';
    let value: unknown;
    if (key !== undefined) {
      if (!mapping || !(key in mapping)) return whole;
      usedMapping = true;
      value = mapping[key];
    } else {
      if (width === '*') {
        const w = take();
        if (!w.ok) return whole;
        width = String(w.value);
      }
      if (precision === '*') {
        const p = take();
        if (!p.ok) return whole;
        precision = String(p.value);
      }
      const v = take();
      if (!v.ok) return whole;
      value = v.value;
    }
    return pad(convert(value, type, flags, precision === undefined ? undefined : Number(precision)), flags, width === undefined ? 0 : Number(width), type);
  });
  const rest = usedMapping ? [] : args.slice(next);
  return rest.length ? `${out} ${rest.map(show).join(' ')}` : out;
}

function isMapping(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Error) && !(v instanceof Date);
}

function show(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Error) return String(v);
  if (v !== null && typeof v === 'object') return inspect(v, { depth: 4, breakLength: Infinity });
  return String(v);
}

function convert(value: unknown, type: string, flags: string, precision: number | undefined): string {
  switch (type) {
    case 's':
      return precision === undefined ? show(value) : show(value).slice(0, precision);
    case 'r':
    case 'a':
      return inspect(value, { depth: 4, breakLength: Infinity });
    case 'c':
      return typeof value === 'number' ? String.fromCodePoint(value) : String(value).slice(0, 1);
  }
  const n = Number(value);
  if (Number.isNaN(n)) return show(value);
  const sign = (s: string) => (n >= 0 && !s.startsWith('-') ? (flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '') + s : s);
  switch (type) {
    case 'd':
    case 'i':
    case 'u':
      return sign(String(Math.trunc(n)));
    case 'x':
      return sign((flags.includes('#') ? '0x' : '') + Math.trunc(n).toString(16));
    case 'X':
      return sign((flags.includes('#') ? '0X' : '') + Math.trunc(n).toString(16).toUpperCase());
    case 'o':
      return sign((flags.includes('#') ? '0o' : '') + Math.trunc(n).toString(8));
    case 'f':
    case 'F':
      return sign(n.toFixed(precision ?? 6));
    case 'e':
    case 'E': {
      // Python writes at least two exponent digits: 1.500000e+00.
      const s = n.toExponential(precision ?? 6).replace(/e([+-])(\d)$/, 'e$10$2');
      return sign(type === 'E' ? s.toUpperCase() : s);
    }
    default: {
      // %g: shortest of %e and %f at the given significant digits, trailing zeros dropped.
      const p = precision === 0 ? 1 : (precision ?? 6);
      const exp = n === 0 ? 0 : Math.floor(Math.log10(Math.abs(n)));
      let s = exp < -4 || exp >= p ? n.toExponential(p - 1).replace(/e([+-])(\d)$/, 'e$10$2') : n.toFixed(Math.max(0, p - 1 - exp));
      if (!flags.includes('#')) {
        const [mantissa, exponent] = s.split('e') as [string, string | undefined];
        const trimmed = mantissa.includes('.') ? mantissa.replace(/0+$/, '').replace(/\.$/, '') : mantissa;
        s = exponent === undefined ? trimmed : `${trimmed}e${exponent}`;
      }
      return sign(type === 'G' ? s.toUpperCase() : s);
    }
  }
}

function pad(s: string, flags: string, width: number, type: string): string {
  if (s.length >= width) return s;
  if (flags.includes('-')) return s.padEnd(width);
  if (flags.includes('0') && type !== 's' && type !== 'r' && type !== 'c') {
    const signed = /^[+ -]/.test(s);
    return signed ? s[0] + s.slice(1).padStart(width - 1, '0') : s.padStart(width, '0');
  }
  return s.padStart(width);
}
