import { ConfigSyntaxError } from '../config/errors.js';

/**
 * A reader for Python configparser files (scrapyd.conf, and the `[scrapyd]` section of
 * scrapy.cfg): `[section]`, `key = value` or `key: value`, `#`/`;` comment lines, indented
 * continuation lines. Kept separate from the `ini` package because configparser accepts `:`
 * and continuations, and because errors here name the file and line. What Scrapyd's
 * ConfigParser refuses (a line that is neither, an unclosed `[`, a key before any section, a
 * section or key twice in one file) is refused here too, with a ConfigSyntaxError, so the
 * server stops instead of starting with half a config.
 */
export interface IniEntry {
  value: string;
  line: number;
}

/** Section name → key (lower-cased, as configparser does) → entry. */
export type IniSections = Map<string, Map<string, IniEntry>>;

export function parseConfigParser(text: string, file: string): IniSections {
  const sections: IniSections = new Map();
  let current: Map<string, IniEntry> | undefined;
  let currentName = '';
  let lastKey: string | undefined;
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const lineNo = i + 1;
    if (/^\s*([#;].*)?$/.test(raw)) continue;
    if (/^\s/.test(raw) && current && lastKey) {
      const entry = current.get(lastKey)!;
      entry.value = `${entry.value}\n${raw.trim()}`;
      continue;
    }
    const line = raw.trim();
    if (line.startsWith('[')) {
      const section = /^\[(.+)\]$/.exec(line);
      if (!section) throw new ConfigSyntaxError(file, lineNo, `malformed section header ${JSON.stringify(line)}: expected [name] alone on the line`);
      const name = section[1]!.trim();
      if (sections.has(name)) throw new ConfigSyntaxError(file, lineNo, `section [${name}] appears twice in this file`);
      current = new Map();
      currentName = name;
      sections.set(name, current);
      lastKey = undefined;
      continue;
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
    if (!kv) throw new ConfigSyntaxError(file, lineNo, `expected "key = value", "[section]" or a ; or # comment, got ${JSON.stringify(line)}`);
    if (!current) throw new ConfigSyntaxError(file, lineNo, `"${kv[1]!.trim()}" comes before any [section] header (scrapyd.conf settings go under [scrapyd])`);
    const key = kv[1]!.toLowerCase();
    if (current.has(key)) throw new ConfigSyntaxError(file, lineNo, `key "${key}" appears twice in section [${currentName}]`);
    lastKey = key;
    current.set(key, { value: kv[2]!.replace(/\s+[#;].*$/, '').trim(), line: lineNo });
  }
  return sections;
}
