import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ComponentClass } from '../crawler/components.js';
import type { SpiderClass } from '../crawler/spider.js';
import { ensureFile } from './cache-file.js';
import { DUPLICATE_SPIDER_CODE } from './entry.js';
import { DuplicateSpiderError, ProjectLoadError, SpiderNotFoundError } from './errors.js';

/** A loaded project (or runspider file): what its bundle exports, plus spiders by name. */
export interface ProjectModule {
  /** The bundle it was loaded from. */
  bundleFile: string;
  /** Spider classes that have a name, sorted by name. */
  spiders: SpiderClass[];
  /** name → class (names read from instances: `new Cls().name`). */
  spidersByName: Map<string, SpiderClass>;
  /** The settings module's values. */
  settings: Record<string, unknown>;
  /** Exported classes by `ClassName` and `module.ClassName`. */
  components: Record<string, ComponentClass>;
}

let entryOverride: string | undefined;

/**
 * Makes the bundles loaded from now on import `tscrapy` from `url` instead of dist/index.js: the
 * pre-bundled crawl entry (src/cli/crawl-main.ts) holds its own copy of every class, which the
 * spiders it loads must share.
 */
export function useTscrapyEntryUrl(url: string): void {
  entryOverride = url;
}

/** The running tscrapy's entry module: dist/index.js when built, src/index.ts under tsx (or the one {@link useTscrapyEntryUrl} set). */
export function tscrapyEntryUrl(): string {
  if (entryOverride) return entryOverride;
  const js = new URL('../index.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return js.href;
  return new URL('../index.ts', import.meta.url).href;
}

/**
 * Makes `import … from 'tscrapy'` in the bundles of `dir` resolve to the running tscrapy,
 * wherever the folder is and whatever tscrapy a project has installed: a two-file package in
 * `dir/node_modules/tscrapy` re-exports it (written only when missing or different). A
 * `module.register()` resolve hook would do the same, but Node 20 runs hooks on a thread of their
 * own, which costs ≈14 MB for as long as the crawl runs.
 */
export async function linkTscrapy(dir: string): Promise<void> {
  const pkg = join(dir, 'node_modules', 'tscrapy');
  const files: Record<string, string> = {
    'package.json': `${JSON.stringify({ name: 'tscrapy', private: true, type: 'module', exports: './index.js' })}\n`,
    'index.js': `// Written by tscrapy: the tscrapy that loads bundles of this folder.\nexport * from ${JSON.stringify(tscrapyEntryUrl())};\n`,
  };
  // Each file renamed into place, an identical one left as it is: crawls of this folder starting
  // at the same time never read half a file, nor fail on each other's writes.
  for (const [name, text] of Object.entries(files)) await ensureFile(join(pkg, name), text);
}

/**
 * Imports a built bundle with `tscrapy` resolved to the running tscrapy (see linkTscrapy), and reads spider names
 * from instances. Two spiders with one name → DuplicateSpiderError naming both.
 */
export async function loadProjectModule(bundleFile: string): Promise<ProjectModule> {
  let mod: Record<string, unknown>;
  const st = await stat(bundleFile).catch(() => undefined);
  if (!st) throw new ProjectLoadError(`Bundle ${bundleFile} does not exist`);
  try {
    await linkTscrapy(dirname(bundleFile));
  } catch (err) {
    throw new ProjectLoadError(`Cannot load ${bundleFile}: writing ${join(dirname(bundleFile), 'node_modules', 'tscrapy')} (which points its imports of tscrapy to this tscrapy) failed: ${(err as Error).message}. Make the folder writable.`, { cause: err });
  }
  // The query makes a rebuilt file at the same path a new module rather than the cached one.
  const url = `${pathToFileURL(bundleFile).href}?v=${st.mtimeMs}-${st.size}`;
  try {
    mod = (await import(url)) as Record<string, unknown>;
  } catch (err) {
    if ((err as { code?: string }).code === DUPLICATE_SPIDER_CODE) throw new DuplicateSpiderError((err as Error).message);
    throw new ProjectLoadError(`Loading ${bundleFile} failed: ${(err as Error).stack ?? String(err)}`, { cause: err });
  }
  const { spiders, settings, components } = mod;
  if (!Array.isArray(spiders) || !isObject(settings) || !isObject(components)) {
    throw new ProjectLoadError(`${bundleFile} is not a tscrapy bundle: it must export spiders (an array), settings and components (objects)`);
  }
  return toProjectModule(bundleFile, spiders as SpiderClass[], settings, components as Record<string, ComponentClass>);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function toProjectModule(bundleFile: string, classes: SpiderClass[], settings: Record<string, unknown>, components: Record<string, ComponentClass>): ProjectModule {
  const byName = new Map<string, SpiderClass>();
  for (const cls of classes) {
    let name: string;
    try {
      name = new cls().name;
    } catch (err) {
      throw new ProjectLoadError(`Spider class ${cls.name} cannot be constructed without arguments to read its name: ${(err as Error).message}`, { cause: err });
    }
    if (!name) continue; // a base class: Scrapy skips spiders without a name too
    const prev = byName.get(name);
    if (prev && prev !== cls) throw new DuplicateSpiderError(`Two spiders are named "${name}": classes ${prev.name} and ${cls.name}; spider names must be unique`);
    byName.set(name, cls);
  }
  const sorted = new Map([...byName].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { bundleFile, spiders: [...sorted.values()], spidersByName: sorted, settings, components };
}

/** The spider called `name`, or SpiderNotFoundError listing the available names. */
export function getSpider(mod: ProjectModule, name: string): SpiderClass {
  const cls = mod.spidersByName.get(name);
  if (cls) return cls;
  const names = [...mod.spidersByName.keys()];
  throw new SpiderNotFoundError(`Spider not found: ${name}. ${names.length ? `Available spiders: ${names.join(', ')}` : 'The project has no spiders (put them in src/spiders/)'}`);
}
