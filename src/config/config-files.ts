import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { expandEnv } from './expand.js';
import { readIniFile } from './ini-file.js';

/** Where config files are looked for; every field defaults to the real process's. */
export interface ConfigOptions {
  /** Folder the closest scrapy.cfg is searched from (walking up). @default process.cwd() */
  cwd?: string;
  /** Environment for HOME, XDG_CONFIG_HOME and `$VAR` expansion. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** The system-wide file. @default '/etc/scrapy.cfg' */
  systemFile?: string;
  /** Set false to skip the closest scrapy.cfg (the user-level files only). @default true */
  useClosest?: boolean;
}

/** A value with the file it came from (for messages and --debug). */
export interface ConfigValue {
  value: string;
  file: string;
}

/**
 * The merged view of every scrapy.cfg that applies: a later file's keys override an earlier
 * file's, per key and per section. Values are returned with `$VAR`/`${VAR}` expanded.
 */
export class LayeredConfig {
  /** section → key → value and origin, sections in order of first appearance. */
  readonly #sections = new Map<string, Map<string, ConfigValue>>();

  constructor(
    /** Files that exist and were read, lowest priority first. */
    readonly files: string[],
    /** Every file that was looked for, lowest priority first. */
    readonly searched: string[],
    /** The closest scrapy.cfg (the project's), if any. */
    readonly projectFile: string | undefined,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /** @internal Merges one file's sections on top. */
  add(file: string, sections: Map<string, Map<string, string>>): void {
    for (const [name, values] of sections) {
      let target = this.#sections.get(name);
      if (!target) this.#sections.set(name, (target = new Map()));
      for (const [k, v] of values) target.set(k, { value: v, file });
    }
  }

  sections(): string[] {
    return [...this.#sections.keys()];
  }

  hasSection(section: string): boolean {
    return this.#sections.has(section);
  }

  /** A key's value, environment-expanded; undefined when absent. */
  get(section: string, key: string): string | undefined {
    const v = this.#sections.get(section)?.get(key.toLowerCase());
    return v === undefined ? undefined : expandEnv(v.value, this.env);
  }

  /** A key's raw (unexpanded) value and the file that set it. */
  origin(section: string, key: string): ConfigValue | undefined {
    return this.#sections.get(section)?.get(key.toLowerCase());
  }

  /** Every key of a section, expanded. */
  items(section: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of this.#sections.get(section) ?? []) out[k] = expandEnv(v.value, this.env);
    return out;
  }
}

/** The user's home folder as `env` says (HOME, USERPROFILE on Windows), else the OS's. */
export function homeDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.HOME || env.USERPROFILE || homedir();
}

/** The closest `scrapy.cfg` walking up from `cwd`, or undefined. */
export function closestConfig(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const candidate = join(dir, 'scrapy.cfg');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The config files, lowest priority first, as Scrapy reads them: `/etc/scrapy.cfg`,
 * `$XDG_CONFIG_HOME/scrapy.cfg` (default `~/.config/scrapy.cfg`), `~/.scrapy.cfg`, then the
 * closest `scrapy.cfg` walking up from `cwd`.
 */
export function configSources(options: ConfigOptions = {}): { files: string[]; closest: string | undefined } {
  const env = options.env ?? process.env;
  const home = homeDir(env);
  const xdg = env.XDG_CONFIG_HOME || join(home, '.config');
  const files = [options.systemFile ?? '/etc/scrapy.cfg', join(xdg, 'scrapy.cfg'), join(home, '.scrapy.cfg')];
  const closest = options.useClosest === false ? undefined : closestConfig(options.cwd ?? process.cwd());
  if (closest && !files.includes(closest)) files.push(closest);
  return { files, closest };
}

/** Reads every config file that applies and merges them (see {@link configSources}). */
export async function loadConfig(options: ConfigOptions = {}): Promise<LayeredConfig> {
  const env = options.env ?? process.env;
  const { files, closest } = configSources(options);
  const read: string[] = [];
  const sections: Array<[string, Map<string, Map<string, string>>]> = [];
  for (const file of files) {
    const parsed = await readIniFile(file);
    if (parsed) {
      read.push(file);
      sections.push([file, parsed]);
    }
  }
  const config = new LayeredConfig(read, files, closest, env);
  for (const [file, s] of sections) config.add(file, s);
  return config;
}
