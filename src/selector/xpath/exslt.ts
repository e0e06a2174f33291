import { Element, Text } from 'domhandler';
import { stringValue, type XNode } from './nodes.js';
import { pythonFloatRepr } from './numbers.js';
import { defineFunction as def, nodeSetArg, toBool, XPathEvalError, type Compiled, type Env, type FunctionDef, type Value } from './values.js';

/**
 * The EXSLT functions parsel users rely on: regular expressions (`re:`, implemented by lxml
 * with Python's `re`) and sets (`set:`, libexslt). parsel binds both prefixes by default.
 */

export const EXSLT_REGEX_NS = 'http://exslt.org/regular-expressions';
export const EXSLT_SETS_NS = 'http://exslt.org/sets';

/** lxml's conversion of an argument to a string for its regex functions (numbers print as Python floats). */
function pyString(v: Value): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return pythonFloatRepr(v);
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return v.length ? stringValue(v[0]!) : '';
}

const regexCache = new Map<string, RegExp>();
const REGEX_CACHE_LIMIT = 256;

/** A JS RegExp for a Python pattern (named groups, `\A`, `\Z`, and `$` before a final newline translated). */
function pythonRegex(env: Env, pattern: string, flags: string, global: boolean): RegExp {
  const jsFlags = (flags.includes('i') ? 'i' : '') + (global ? 'g' : '');
  const key = `${jsFlags}/${pattern}`;
  let re = regexCache.get(key);
  if (re === undefined) {
    try {
      re = new RegExp(translatePattern(pattern), jsFlags);
    } catch (e) {
      throw new XPathEvalError(`Invalid regular expression ${JSON.stringify(pattern)} in XPath ${JSON.stringify(env.query)}: ${(e as Error).message}`);
    }
    if (regexCache.size >= REGEX_CACHE_LIMIT) regexCache.delete(regexCache.keys().next().value!);
    regexCache.set(key, re);
  }
  re.lastIndex = 0;
  return re;
}

function translatePattern(p: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '\\') {
      const next = p[i + 1] ?? '';
      if (!inClass && next === 'A') out += '(?<![\\s\\S])';
      else if (!inClass && next === 'Z') out += '(?![\\s\\S])';
      else out += c + next;
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
      if (p[i + 1] === '^') out += p[++i];
      if (p[i + 1] === ']') out += p[++i];
    } else if (c === '$') out += '(?=\\n?(?![\\s\\S]))';
    else if (p.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
    } else if (p.startsWith('(?P=', i)) {
      const end = p.indexOf(')', i);
      out += `\\k<${p.slice(i + 4, end)}>`;
      i = end;
    } else out += c;
  }
  return out;
}

/** Python's `re.sub` template: `\1`, `\g<1>`, `\g<name>`, escapes; a group that did not take part gives ''. */
function expandTemplate(template: string, m: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== '\\' || i + 1 === template.length) {
      out += c;
      continue;
    }
    const next = template[++i]!;
    const digits = /^\d{1,2}/.exec(template.slice(i));
    if (digits) {
      out += m[Number(digits[0])] ?? '';
      i += digits[0].length - 1;
    } else if (next === 'g' && template[i + 1] === '<') {
      const end = template.indexOf('>', i);
      const ref = template.slice(i + 2, end);
      out += (/^\d+$/.test(ref) ? m[Number(ref)] : m.groups?.[ref]) ?? '';
      i = end;
    } else out += ESCAPES[next] ?? '\\' + next;
  }
  return out;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07', b: '\b', '\\': '\\' };

/** Elements `<match>text</match>` under one `<matches>`, as lxml's `re:match` returns them. */
function matchElements(texts: string[]): XNode[] {
  const elements = texts.map((t) => {
    const el = new Element('match', {}, t === '' ? [] : [new Text(t)]);
    for (const c of el.children) c.parent = el;
    return el;
  });
  const matches = new Element('matches', {}, elements);
  elements.forEach((el, i) => {
    el.parent = matches;
    el.prev = elements[i - 1] ?? null;
    el.next = elements[i + 1] ?? null;
  });
  return elements;
}

const str = (env: Env, a: Compiled | undefined, n: XNode, p: number, s: number) => (a === undefined ? '' : pyString(a(env, n, p, s)));

export const EXSLT_REGEX_FUNCTIONS: Record<string, FunctionDef> = {
  test: def(2, 3, (env, n, p, s, a) => pythonRegex(env, str(env, a[1], n, p, s), str(env, a[2], n, p, s), false).test(str(env, a[0], n, p, s))),
  match: def(2, 3, (env, n, p, s, a) => {
    const text = str(env, a[0], n, p, s);
    const flags = str(env, a[2], n, p, s);
    const re = pythonRegex(env, str(env, a[1], n, p, s), flags, flags.includes('g'));
    if (flags.includes('g')) {
      // With "g", lxml gives each whole match (no groups).
      const texts = [...text.matchAll(re)].map((m) => m[0]);
      return matchElements(texts);
    }
    const m = re.exec(text);
    if (m === null) return [];
    return matchElements(Array.from(m, (g) => g ?? ''));
  }),
  replace: def(4, 4, (env, n, p, s, a) => {
    const text = str(env, a[0], n, p, s);
    const flags = str(env, a[2], n, p, s);
    const template = str(env, a[3], n, p, s);
    const re = pythonRegex(env, str(env, a[1], n, p, s), flags, true);
    let count = 0;
    return text.replace(re, (...args) => {
      if (!flags.includes('g') && count++ > 0) return args[0] as string;
      const groupsAt = typeof args[args.length - 1] === 'object' ? args.length - 3 : args.length - 2;
      const m = Object.assign(args.slice(0, groupsAt) as unknown as RegExpExecArray, {
        groups: typeof args[args.length - 1] === 'object' ? (args[args.length - 1] as Record<string, string>) : undefined,
      });
      return expandTemplate(template, m);
    });
  }),
};

function sets(env: Env, n: XNode, p: number, s: number, a: readonly Compiled[], name: string): [XNode[], XNode[]] {
  return [nodeSetArg(env, a[0]!(env, n, p, s), name), nodeSetArg(env, a[1]!(env, n, p, s), name)];
}

export const EXSLT_SET_FUNCTIONS: Record<string, FunctionDef> = {
  difference: def(2, 2, (env, n, p, s, a) => {
    const [x, y] = sets(env, n, p, s, a, 'set:difference');
    const drop = new Set(y);
    return x.filter((node) => !drop.has(node));
  }),
  intersection: def(2, 2, (env, n, p, s, a) => {
    const [x, y] = sets(env, n, p, s, a, 'set:intersection');
    const keep = new Set(y);
    return x.filter((node) => keep.has(node));
  }),
  distinct: def(1, 1, (env, n, p, s, a) => {
    const seen = new Set<string>();
    return nodeSetArg(env, a[0]!(env, n, p, s), 'set:distinct').filter((node) => {
      const v = stringValue(node);
      if (seen.has(v)) return false;
      seen.add(v);
      return true;
    });
  }),
  'has-same-node': def(2, 2, (env, n, p, s, a) => {
    const [x, y] = sets(env, n, p, s, a, 'set:has-same-node');
    const other = new Set(y);
    return toBool(x.some((node) => other.has(node)));
  }),
  leading: def(2, 2, (env, n, p, s, a) => {
    const [x, y] = sets(env, n, p, s, a, 'set:leading');
    if (y.length === 0) return x;
    const i = x.indexOf(y[0]!);
    return i < 0 ? [] : x.slice(0, i);
  }),
  trailing: def(2, 2, (env, n, p, s, a) => {
    const [x, y] = sets(env, n, p, s, a, 'set:trailing');
    if (y.length === 0) return x;
    const i = x.indexOf(y[0]!);
    return i < 0 ? [] : x.slice(i + 1);
  }),
};
