import { readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { findProject, moduleFiles } from '../project/project.js';
import { TargetExistsError } from './errors.js';
import { parseSpiderTarget, spiderClassName, validateSpiderName } from './names.js';
import { renderTemplate } from './render.js';
import { readSpiderTemplate } from './templates.js';
import { makeDir } from '../util/make-dir.js';

export interface CreateSpiderOptions {
  name: string;
  /** A domain (`example.com`) or a URL (`https://example.com/feed.xml`). */
  target: string;
  /** @default 'basic' */
  template?: string;
  /** Replace an existing spider file of the same name. @default false */
  force?: boolean;
  /** @default process.cwd() */
  cwd?: string;
}

/** What `tscrapy genspider` created (its `--json` output). */
export interface CreateSpiderResult {
  name: string;
  template: string;
  /** Absolute path of the spider file. */
  file: string;
  /** Whether it was written into a project (else into the current folder, for `runspider`). */
  inProject: boolean;
  className: string;
  domain: string;
  /** The start URL (or sitemap/feed URL) written into the spider. */
  url: string;
}

/** Where a template starts when given a bare domain: a sitemap template wants the sitemap, a feed template the feed. */
const DEFAULT_PATHS: Record<string, string> = { sitemap: '/sitemap.xml', xmlfeed: '/feed.xml', csvfeed: '/feed.csv' };

/**
 * Writes a spider from a template: `src/spiders/NAME.ts` inside a project (the project's first
 * spiders folder), else `NAME.ts` in the current folder. A name already used by a spider of
 * the project, or an existing file, is refused (the file: unless `force`).
 */
export async function createSpider(options: CreateSpiderOptions): Promise<CreateSpiderResult> {
  const cwd = options.cwd ?? process.cwd();
  const template = options.template ?? 'basic';
  validateSpiderName(options.name);
  const target = parseSpiderTarget(options.target);
  const text = await readSpiderTemplate(template);
  let url = target.url;
  if (!target.explicitUrl && DEFAULT_PATHS[template]) url = new URL(DEFAULT_PATHS[template], url).href;
  const className = spiderClassName(options.name);
  const source = renderTemplate(text, { name: options.name, classname: className, domain: target.domain, url }, `spiders/${template}.ts.tmpl`);

  const project = await findProject(cwd);
  let dir = cwd;
  if (project) {
    dir = project.spiderPaths.find((p) => !/\.[cm]?[jt]sx?$/.test(p)) ?? join(project.sourceRoot, 'spiders');
    const taken = await spiderNamesIn(project.spiderPaths);
    const where = taken.get(options.name);
    if (where) {
      throw new TargetExistsError(`Spider "${options.name}" already exists in ${relative(cwd, where) || where}; spider names must be unique in a project (choose another name, or edit that file)`);
    }
  }
  const file = resolve(dir, `${options.name}.ts`);
  if (!options.force && (await stat(file).catch(() => undefined))) {
    throw new TargetExistsError(`${relative(cwd, file) || file} already exists; choose another spider name, or use --force to replace the file`);
  }
  await makeDir(dir);
  await writeFile(file, source);
  return { name: options.name, template, file, inProject: project !== null, className, domain: target.domain, url };
}

/** A spider's `name = '…'` class field (with optional modifiers and type), as templates and people write it. */
const NAME_FIELD = /^[ \t]*(?:(?:override|public|readonly|declare)\s+)*name\s*(?::\s*string\s*)?=\s*(['"`])([^'"`\n]*)\1/gm;

/**
 * Spider names used in the project's spider files, read from their source (no build needed):
 * name → file. A name computed at run time is not seen; `tscrapy list` still catches the clash.
 */
export async function spiderNamesIn(paths: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const p of paths) {
    for (const file of await moduleFiles(p)) {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch {
        continue;
      }
      for (const m of text.matchAll(NAME_FIELD)) if (!out.has(m[2]!)) out.set(m[2]!, file);
    }
  }
  return out;
}
