import { statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { closestConfig, loadConfig, type ConfigOptions } from '../config/config-files.js';
import { ProjectConfigError } from './errors.js';

/** What `crawl`, `list` and `deploy` know about a project before building it. */
export interface ProjectInfo {
  /** The folder holding scrapy.cfg. */
  root: string;
  /** The project's scrapy.cfg. */
  configFile: string;
  /** `[deploy] project` when set, else the folder's name. */
  name: string;
  /** `[settings] default` as written (e.g. `src/settings.ts` or `myproject.settings`); '' when absent. */
  settingsModule: string;
  /** The settings file it resolves to; undefined when the project has no settings module. */
  settingsFile: string | undefined;
  /** Folder whose modules are the project's modules (components are looked for there): `src/` when it exists. */
  sourceRoot: string;
  /** Folders (searched recursively) or files holding spiders. */
  spiderPaths: string[];
}

/** Extensions tried, in order, for a module named without one. */
export const MODULE_EXTENSIONS = ['.ts', '.mts', '.tsx', '.js', '.mjs'];
const EXPLICIT_EXT = /\.(?:[cm]?[jt]s|tsx|jsx)$/;

/**
 * The project the folder `cwd` belongs to: the closest scrapy.cfg walking up, or null.
 * `[settings]` is read from the layered config (see {@link loadConfig}); relative paths in it
 * are relative to the project's folder.
 */
export async function findProject(cwd: string = process.cwd(), options: Omit<ConfigOptions, 'cwd'> = {}): Promise<ProjectInfo | null> {
  const configFile = closestConfig(cwd);
  if (!configFile) return null;
  const config = await loadConfig({ ...options, cwd });
  const root = dirname(configFile);
  const env = options.env ?? process.env;
  // SCRAPY_PROJECT picks another key of [settings], as in Scrapy.
  const key = env.SCRAPY_PROJECT || 'default';
  const settingsModule = config.get('settings', key) ?? '';
  if (key !== 'default' && !settingsModule) {
    throw new ProjectConfigError(`${configFile}: SCRAPY_PROJECT=${key} but [settings] has no "${key}" key`);
  }
  let settingsFile: string | undefined;
  if (settingsModule) {
    settingsFile = resolveModule(root, settingsModule, 'file');
    if (!settingsFile) {
      throw new ProjectConfigError(
        `${configFile}: [settings] ${key} = ${settingsModule} names no file; tried ${candidates(settingsModule).map((c) => c + '{' + MODULE_EXTENSIONS.join(',') + '}').join(', ')} under ${root}`,
      );
    }
  } else {
    settingsFile = resolveModule(root, 'src/settings', 'file');
  }
  const srcDir = join(root, 'src');
  const sourceRoot = isDir(srcDir) ? srcDir : settingsFile ? dirname(settingsFile) : root;

  const spidersValue = config.get('settings', 'spiders');
  let spiderPaths: string[];
  if (spidersValue) {
    spiderPaths = spidersValue.split(/[\s,]+/).filter(Boolean).map((entry) => {
      const found = resolveModule(root, entry, 'any');
      if (!found) throw new ProjectConfigError(`${configFile}: [settings] spiders = ${spidersValue}: "${entry}" is neither a folder nor a module under ${root}`);
      return found;
    });
  } else {
    const beside = settingsFile ? join(dirname(settingsFile), 'spiders') : undefined;
    spiderPaths = [beside && isDir(beside) ? beside : join(sourceRoot, 'spiders')];
  }
  const name = config.get('deploy', 'project') || basename(root);
  return { root, configFile, name, settingsModule, settingsFile, sourceRoot, spiderPaths };
}

/**
 * Paths (without extension) a module name may mean, in order. A name with a `/` or an
 * extension is a path relative to the project folder. A dotted Scrapy-style name `a.b.c` means
 * `a/b/c`, then `src/a/b/c`, then — the first part being the Python package's name, which a
 * TypeScript project keeps in `src/` — `src/b/c`.
 */
export function candidates(name: string): string[] {
  if (name.includes('/') || name.includes('\\') || EXPLICIT_EXT.test(name) || isAbsolute(name)) return [name];
  const parts = name.split('.').filter(Boolean);
  const out = [parts.join('/'), 'src/' + parts.join('/')];
  if (parts.length > 1) out.push('src/' + parts.slice(1).join('/'));
  return out;
}

/** Resolves a module (or, with kind 'any', a folder too) name under root; undefined when nothing exists. */
export function resolveModule(root: string, name: string, kind: 'file' | 'any'): string | undefined {
  for (const c of candidates(name)) {
    const base = resolve(root, c);
    if (kind === 'any' && isDir(base)) return base;
    if (EXPLICIT_EXT.test(base) && isFile(base)) return base;
    for (const ext of MODULE_EXTENSIONS) if (isFile(base + ext)) return base + ext;
    for (const ext of MODULE_EXTENSIONS) if (isFile(join(base, 'index' + ext))) return join(base, 'index' + ext);
  }
  return undefined;
}

const SKIP_DIRS = new Set(['node_modules', '__tests__', 'test', 'tests', 'dist']);
const MODULE_FILE = /\.(?:[m]?[jt]s|tsx)$/;
const NOT_MODULE = /(?:\.d\.[mc]?ts|\.(?:test|spec)\.[mc]?[jt]sx?)$/;

/** Module files under `path` (a folder, searched recursively, or a file), sorted, skipping tests, declarations, node_modules and dot folders. */
export async function moduleFiles(path: string): Promise<string[]> {
  if (isFile(path)) return [path];
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) await walk(p);
      } else if (e.isFile() && MODULE_FILE.test(e.name) && !NOT_MODULE.test(e.name)) {
        out.push(p);
      }
    }
  };
  await walk(path);
  return out;
}

/** The dotted module name of a file under sourceRoot: `pipelines/price.ts` → `pipelines.price`; `x/index.ts` → `x`. */
export function moduleName(sourceRoot: string, file: string): string {
  const rel = relative(sourceRoot, file).split(sep).join('/').replace(/\.[^./]+$/, '');
  return rel.replace(/\/index$/, '').split('/').join('.');
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
