import { decodeHTML } from 'entities';
import { InvalidArgumentError } from '../crawler/errors.js';

/** Options for `re()` / `reFirst()`. */
export interface ReOptions {
  /**
   * Replace character entity references (`&eacute;`, `&#233;`) in the results, except
   * `&lt;` and `&amp;`, as parsel does. @default true
   */
  replaceEntities?: boolean;
}

const globalCache = new Map<string, RegExp>();
const CACHE_LIMIT = 256;

/** A global (`g`) version of the regex, cached so repeated `.re()` calls do not recompile it. */
function toGlobal(regex: RegExp | string): RegExp {
  const key = typeof regex === 'string' ? `/${regex}/` : `${regex.source}/${regex.flags}`;
  let re = globalCache.get(key);
  if (re === undefined) {
    try {
      re =
        typeof regex === 'string'
          ? new RegExp(regex, 'g')
          : new RegExp(regex.source, regex.flags.includes('g') ? regex.flags : regex.flags + 'g');
    } catch (e) {
      throw new InvalidArgumentError(`Invalid regular expression ${JSON.stringify(String(regex))}: ${(e as Error).message}`);
    }
    if (globalCache.size >= CACHE_LIMIT) globalCache.delete(globalCache.keys().next().value!);
    globalCache.set(key, re);
  }
  re.lastIndex = 0;
  return re;
}

/**
 * parsel's `extract_regex`: a named group `extract` gives its value in the first match only;
 * otherwise every match gives its whole text (no groups), its group (one group), or all its
 * groups in order (several groups, flattened).
 */
export function extractRegex(regex: RegExp | string, text: string, options: ReOptions = {}): string[] {
  const re = toGlobal(regex);
  const out: string[] = [];
  if (/\(\?<extract>/.test(re.source)) {
    const m = re.exec(text);
    const v = m?.groups?.['extract'];
    if (v !== undefined) out.push(v);
  } else {
    for (const m of text.matchAll(re)) {
      if (m.length === 1) out.push(m[0]);
      else for (let i = 1; i < m.length; i++) out.push(m[i] ?? '');
    }
  }
  if (options.replaceEntities === false) return out;
  for (let i = 0; i < out.length; i++) out[i] = replaceEntities(out[i]!);
  return out;
}

const ENTITY = /&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?/g;

/** Decodes entity references except `&lt;` and `&amp;` (so markup stays unambiguous), like w3lib. */
function replaceEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(ENTITY, (m) => {
    const name = m.endsWith(';') ? m.slice(1, -1) : m.slice(1);
    if (name === 'lt' || name === 'amp') return m;
    return decodeHTML(m);
  });
}
