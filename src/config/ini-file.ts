import { readFile } from 'node:fs/promises';
import { decode } from 'ini';
import { ConfigSyntaxError } from './errors.js';

/** One parsed config file: section → key → raw value (no expansion yet), in file order. */
export type IniSections = Map<string, Map<string, string>>;

const SECTION = /^\[([^\]]*)\]\s*$/;
const KEY_VALUE = /^([^=:]+?)\s*[=:]\s*(.*)$/;

/**
 * Parses scrapy.cfg text with the semantics of Python's ConfigParser (which scrapy and
 * scrapyd-client use), so existing files mean the same thing here:
 * - `key = value` and `key: value`; keys are case-insensitive (lower-cased), section names are not;
 * - whole-line `;` / `#` comments only: a `#` or `;` inside a value is part of it (passwords, URL fragments);
 * - a key before any section, a line that is neither, an unclosed `[`, a duplicate section or key
 *   in one file are errors naming the file and line.
 *
 * The `ini` package is lenient (it skips lines it cannot read, cuts values at `;`/`#`, turns
 * dotted section names into nested objects and "true" into booleans), so every line is checked
 * here first and handed to `ini` in a quoted, escaped form that it decodes back verbatim.
 */
export function parseIni(text: string, file: string): IniSections {
  const canonical: string[] = [];
  const seenSections = new Set<string>();
  let seenKeys: Set<string> | null = null;
  let sectionName = '';
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    const line = raw.trim();
    if (line === '' || line.startsWith(';') || line.startsWith('#')) return;
    if (/^\s/.test(raw) && seenKeys && !SECTION.test(line) && !KEY_VALUE.test(line)) {
      throw new ConfigSyntaxError(file, lineNo, `continuation lines are not supported; put the value of the previous key on one line (got ${JSON.stringify(line)})`);
    }
    if (line.startsWith('[')) {
      const m = SECTION.exec(line);
      if (!m) throw new ConfigSyntaxError(file, lineNo, `malformed section header ${JSON.stringify(line)}: expected [name] alone on the line`);
      const name = m[1]!.trim();
      if (name === '') throw new ConfigSyntaxError(file, lineNo, 'empty section name "[]"');
      if (seenSections.has(name)) throw new ConfigSyntaxError(file, lineNo, `section [${name}] appears twice in this file`);
      if (name === '__proto__') throw new ConfigSyntaxError(file, lineNo, 'section name "__proto__" is not allowed');
      seenSections.add(name);
      seenKeys = new Set();
      sectionName = name;
      // Escape dots: `ini` would otherwise nest [deploy:prod.eu] under "deploy:prod".
      canonical.push(`[${name.replace(/\./g, '\\.')}]`);
      return;
    }
    const kv = KEY_VALUE.exec(line);
    if (!kv) {
      throw new ConfigSyntaxError(file, lineNo, `expected "key = value", "[section]" or a ; or # comment, got ${JSON.stringify(line)}`);
    }
    if (!seenKeys) {
      throw new ConfigSyntaxError(file, lineNo, `"${kv[1]!.trim()}" comes before any [section] header`);
    }
    const key = kv[1]!.trim().toLowerCase();
    if (key === '__proto__') throw new ConfigSyntaxError(file, lineNo, 'key "__proto__" is not allowed');
    if ((seenKeys as Set<string>).has(key)) {
      throw new ConfigSyntaxError(file, lineNo, `key "${key}" appears twice in section [${sectionName}]`);
    }
    (seenKeys as Set<string>).add(key);
    // JSON-quoted: `ini` JSON.parses quoted values, so the value survives byte for byte.
    canonical.push(`${JSON.stringify(key)} = ${JSON.stringify(kv[2]!.trim())}`);
  });

  const decoded = decode(canonical.join('\n'), { bracketedArray: false }) as Record<string, unknown>;
  const out: IniSections = new Map();
  for (const name of seenSections) {
    const section = decoded[name];
    const values = new Map<string, string>();
    if (section && typeof section === 'object') {
      for (const [k, v] of Object.entries(section as Record<string, unknown>)) values.set(k, String(v));
    }
    out.set(name, values);
  }
  return out;
}

/** Reads and parses a config file; returns null when it does not exist. */
export async function readIniFile(file: string): Promise<IniSections | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw new ConfigSyntaxError(file, 0, `cannot read: ${(err as Error).message}`);
  }
  return parseIni(text, file);
}
