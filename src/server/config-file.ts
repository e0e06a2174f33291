/**
 * A small reader for Python configparser files (scrapyd.conf, scrapy.cfg): `[section]`,
 * `key = value` or `key: value`, `#`/`;` comment lines, indented continuation lines. Kept
 * separate from the `ini` package because configparser accepts `:` and continuations, and
 * because errors here name the line.
 */
export interface IniEntry {
  value: string;
  line: number;
}

/** Section name → key (lower-cased, as configparser does) → entry. */
export type IniSections = Map<string, Map<string, IniEntry>>;

export function parseConfigParser(text: string): IniSections {
  const sections: IniSections = new Map();
  let current: Map<string, IniEntry> | undefined;
  let lastKey: string | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (/^\s*([#;].*)?$/.test(raw)) continue;
    if (/^\s/.test(raw) && current && lastKey) {
      const entry = current.get(lastKey)!;
      entry.value = `${entry.value}\n${raw.trim()}`;
      continue;
    }
    const section = /^\[([^\]]+)\]\s*$/.exec(raw);
    if (section) {
      const name = section[1]!.trim();
      current = sections.get(name) ?? new Map();
      sections.set(name, current);
      lastKey = undefined;
      continue;
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw.trim());
    if (!kv || !current) {
      lastKey = undefined;
      continue; // configparser would raise; a stray line outside a section is ignored like Scrapyd's loose readers
    }
    lastKey = kv[1]!.toLowerCase();
    current.set(lastKey, { value: kv[2]!.replace(/\s+[#;].*$/, '').trim(), line: i + 1 });
  }
  return sections;
}
