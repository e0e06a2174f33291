import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ConfigInterpolationError } from './errors.js';
import { expandEnv } from './expand.js';
import { readIniFile } from './ini-file.js';
import { InterpolationFailure, interpolate, type InterpolationProblem } from './interpolation.js';

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
  /** The value as written (not interpolated, not expanded). */
  value: string;
  file: string;
  /** The section that holds it: the one asked for, or `DEFAULT` when it came from there. */
  section: string;
}

/** ConfigParser's default section: its keys are visible in every other section. */
export const DEFAULT_SECTION = 'DEFAULT';

/** Keys whose values are never printed in error messages. */
const SECRET_KEY = /pass|secret|token/i;

/**
 * The merged view of every scrapy.cfg that applies, read as Scrapy and scrapyd-client read it
 * (one ConfigParser over all the files): a later file's keys override an earlier file's, per key
 * and per section; `[DEFAULT]`'s keys are visible in every section; values are returned with
 * `%(name)s` / `%%` interpolated (ConfigParser's BasicInterpolation: the name is looked up in the
 * same section, then `[DEFAULT]`), then `$VAR`/`${VAR}` expanded (scrapyd-client's
 * EnvInterpolation does the same, in that order).
 */
export class LayeredConfig {
  /** section → key → value and origin, sections in order of first appearance. */
  readonly #sections = new Map<string, Map<string, { value: string; file: string }>>();

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

  /** The sections, `[DEFAULT]` excepted (as ConfigParser's `sections()`). */
  sections(): string[] {
    return [...this.#sections.keys()].filter((s) => s !== DEFAULT_SECTION);
  }

  /** False for `DEFAULT`, as ConfigParser's `has_section()`. */
  hasSection(section: string): boolean {
    return section !== DEFAULT_SECTION && this.#sections.has(section);
  }

  /**
   * A key's value, interpolated and environment-expanded; undefined when absent (from the section
   * and from `[DEFAULT]`) or when the section does not exist. Throws ConfigInterpolationError.
   */
  get(section: string, key: string): string | undefined {
    const k = key.toLowerCase();
    const v = this.origin(section, k);
    return v === undefined ? undefined : this.#resolve(section, k, v);
  }

  /** A key's raw value (as written), the file that set it and the section that holds it. */
  origin(section: string, key: string): ConfigValue | undefined {
    if (!this.hasSection(section)) return undefined;
    const k = key.toLowerCase();
    const own = this.#sections.get(section)?.get(k);
    if (own) return { ...own, section };
    const fallback = this.#sections.get(DEFAULT_SECTION)?.get(k);
    return fallback ? { ...fallback, section: DEFAULT_SECTION } : undefined;
  }

  /**
   * Every key of a section, `[DEFAULT]`'s included (as ConfigParser's `items(section)`),
   * interpolated and expanded; empty when the section does not exist. Throws
   * ConfigInterpolationError for the first key that cannot be interpolated.
   */
  items(section: string): Record<string, string> {
    const out: Record<string, string> = {};
    if (!this.hasSection(section)) return out;
    const keys = new Set([...(this.#sections.get(DEFAULT_SECTION)?.keys() ?? []), ...this.#sections.get(section)!.keys()]);
    for (const k of keys) out[k] = this.#resolve(section, k, this.origin(section, k)!);
    return out;
  }

  #resolve(section: string, key: string, v: ConfigValue): string {
    const lookup = (name: string): string | undefined => this.origin(section, name)?.value;
    try {
      return expandEnv(interpolate(v.value, lookup), this.env);
    } catch (err) {
      if (!(err instanceof InterpolationFailure)) throw err;
      throw new ConfigInterpolationError(v.file, section, key, this.#explain(section, key, v, err.problem));
    }
  }

  #explain(section: string, key: string, v: ConfigValue, problem: InterpolationProblem): string {
    const shown = SECRET_KEY.test(key) ? '' : ` (value ${JSON.stringify(v.value)})`;
    const literal = 'write %% for a literal %';
    if (problem.kind === 'missing') {
      const elsewhere = this.sections().filter((s) => s !== section && this.#sections.get(s)!.has(problem.name));
      const hint = elsewhere.length
        ? ` It is set in [${elsewhere.join('], [')}], but a reference only sees its own section and [DEFAULT]: move "${problem.name}" to [DEFAULT] or into [${section}].`
        : ` Set "${problem.name}" in [${section}] or [DEFAULT], or ${literal}.`;
      return `%(${problem.name})s refers to "${problem.name}", which is set neither in [${section}] nor in [DEFAULT]${shown}.${hint}`;
    }
    if (problem.kind === 'syntax') {
      const near = SECRET_KEY.test(key) ? '' : ` near ${JSON.stringify(problem.found.slice(0, 20))}`;
      return `a % must be followed by % or (name)s${near}${shown}: ${literal}, %(name)s to use another key's value.`;
    }
    return `%(name)s references nest more than 10 levels deep${shown}: is there a loop (a key that refers to itself)?`;
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
