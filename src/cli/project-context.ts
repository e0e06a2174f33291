import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InvalidArgumentError } from '../crawler/errors.js';
import type { SpiderClass } from '../crawler/spider.js';
import type { ProjectInfo } from '../project/project.js';
import type { ProjectModule } from '../project/load.js';

/** A project found from the working folder, built and loaded. */
export interface LoadedProject {
  info: ProjectInfo;
  module: ProjectModule;
  /** The bundle came from the build cache (no esbuild run). */
  cached: boolean;
}

/** The project of `cwd` (walking up to scrapy.cfg), built (cached by content hash) and loaded; null outside a project. */
export async function findAndLoadProject(cwd: string = process.cwd()): Promise<LoadedProject | null> {
  const [{ findProject }, { buildProject }, { loadProjectModule }] = await Promise.all([
    import('../project/project.js'),
    import('../project/build.js'),
    import('../project/load.js'),
  ]);
  const info = await findProject(cwd);
  if (!info) return null;
  // Stack traces from spiders then name the project's .ts files and lines.
  process.setSourceMapsEnabled(true);
  const built = await buildProject(info);
  for (const w of built.warnings) process.emitWarning(w, { code: 'TSCRAPY_BUILD' });
  const module = await loadProjectModule(built.bundleFile);
  return { info, module, cached: built.cached };
}

/** Like {@link findAndLoadProject}, but outside a project fails with how to make one. */
export async function requireProject(command: string, cwd: string = process.cwd()): Promise<LoadedProject> {
  const loaded = await findAndLoadProject(cwd);
  if (loaded) return loaded;
  const { ProjectNotFoundError } = await import('../project/errors.js');
  throw new ProjectNotFoundError(
    `tscrapy ${command} must run inside a project, and there is no scrapy.cfg in ${cwd} or any folder above it. ` +
      'Create a project with "tscrapy new myproject" (then cd myproject), or run a single spider file with "tscrapy runspider myspider.ts".',
  );
}

/** A spider of the project by name (SpiderNotFoundError lists the names there are). */
export async function projectSpider(project: LoadedProject, name: string): Promise<SpiderClass> {
  const { getSpider } = await import('../project/load.js');
  return getSpider(project.module, name);
}

/**
 * Bundles and loads a self-contained spider file (`runspider`), and picks its spider: the only
 * one, or the one named `name` when the file holds several.
 */
export async function loadSpiderFile(file: string, name?: string): Promise<{ spiderClass: SpiderClass; module: ProjectModule }> {
  const abs = resolve(file);
  const st = await stat(abs).catch(() => undefined);
  if (!st?.isFile()) throw new InvalidArgumentError(`Spider file not found: ${abs}`);
  if (!/\.(?:[cm]?[jt]s|tsx)$/.test(abs)) {
    throw new InvalidArgumentError(`${file} is not a spider file: runspider takes a .ts, .mts, .js or .mjs file`);
  }
  const { buildSpiderFile } = await import('../project/spider-file.js');
  process.setSourceMapsEnabled(true);
  const module = await buildSpiderFile(abs);
  if (name) {
    const { getSpider } = await import('../project/load.js');
    return { spiderClass: getSpider(module, name), module };
  }
  if (module.spiders.length === 0) {
    throw new InvalidArgumentError(`No spider found in ${file}: export a class that extends Spider and sets a name (export class MySpider extends Spider { name = 'my' ... })`);
  }
  if (module.spiders.length > 1) {
    throw new InvalidArgumentError(`${file} holds ${module.spiders.length} spiders (${[...module.spidersByName.keys()].join(', ')}); pick one with --spider NAME`);
  }
  return { spiderClass: module.spiders[0]!, module };
}
