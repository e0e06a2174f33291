import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { homeDir } from './config-files.js';

/** One `machine` (or `default`) entry of a netrc file. */
export interface NetrcEntry {
  machine: string | null;
  login?: string;
  password?: string;
  account?: string;
}

/**
 * Parses netrc text (the format of curl, ftp and Python's `netrc`): whitespace-separated
 * tokens `machine NAME`, `default`, `login`, `password`, `account`, `macdef NAME` (its body runs
 * to the next blank line and is skipped), `#` comments to end of line, and `"quoted tokens"`
 * with backslash escapes. Unknown tokens are ignored like curl does.
 *
 * Written here rather than taken from npm: the published netrc parsers are unmaintained
 * CommonJS packages or pull in process-spawning helpers for GPG files; the format is small.
 */
export function parseNetrc(text: string): NetrcEntry[] {
  const entries: NetrcEntry[] = [];
  let i = 0;
  const n = text.length;
  const next = (): string | undefined => {
    for (;;) {
      while (i < n && /\s/.test(text[i]!)) i++;
      if (i >= n) return undefined;
      if (text[i] === '#') {
        while (i < n && text[i] !== '\n') i++;
        continue;
      }
      break;
    }
    if (text[i] === '"') {
      let out = '';
      i++;
      while (i < n && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < n) i++;
        out += text[i++];
      }
      i++;
      return out;
    }
    const start = i;
    while (i < n && !/\s/.test(text[i]!)) i++;
    return text.slice(start, i);
  };
  let current: NetrcEntry | null = null;
  for (let tok = next(); tok !== undefined; tok = next()) {
    switch (tok) {
      case 'machine':
        current = { machine: next() ?? '' };
        entries.push(current);
        break;
      case 'default':
        current = { machine: null };
        entries.push(current);
        break;
      case 'login':
      case 'password':
      case 'account': {
        const value = next();
        if (current && value !== undefined) current[tok] = value;
        break;
      }
      case 'macdef': {
        next();
        // The macro body runs to the first empty line.
        const end = text.indexOf('\n\n', i);
        i = end === -1 ? n : end + 2;
        current = null;
        break;
      }
      default:
        break;
    }
  }
  return entries;
}

/** The entry for `host`, else the `default` entry (as curl and Python pick them). */
export function findNetrcEntry(entries: NetrcEntry[], host: string): NetrcEntry | undefined {
  const h = host.toLowerCase();
  return entries.find((e) => e.machine !== null && e.machine.toLowerCase() === h) ?? entries.find((e) => e.machine === null);
}

/** The netrc file in use: `$NETRC` when set (as curl and Python requests honour it), else `~/.netrc` (`~/_netrc` on Windows). */
export function netrcPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.NETRC) return env.NETRC;
  return join(homeDir(env), process.platform === 'win32' ? '_netrc' : '.netrc');
}

/** What lookupNetrc found: the file looked at and the entry for the host, if any. */
export interface NetrcLookup {
  file: string;
  /** The file exists. */
  found: boolean;
  entry?: NetrcEntry;
  /** Set when the file can be read by the group or others (it holds passwords). */
  warning?: string;
}

/** Looks `host` up in the netrc file; never throws for a missing or unreadable file. */
export async function lookupNetrc(host: string, env: NodeJS.ProcessEnv = process.env): Promise<NetrcLookup> {
  const file = netrcPath(env);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return { file, found: false };
  }
  const result: NetrcLookup = { file, found: true };
  const entry = findNetrcEntry(parseNetrc(text), host);
  if (entry) result.entry = entry;
  if (process.platform !== 'win32') {
    const { mode } = await stat(file);
    if (mode & 0o077) {
      result.warning = `${file} is readable by others (mode ${(mode & 0o777).toString(8).padStart(3, '0')}) and holds passwords: run chmod 600 ${file}`;
    }
  }
  return result;
}
