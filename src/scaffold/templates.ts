import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScaffoldInstallError, TemplateError } from './errors.js';

/** The spider templates tscrapy ships, in the order `genspider -l` lists them. */
export const SPIDER_TEMPLATES = ['basic', 'crawl', 'sitemap', 'xmlfeed', 'csvfeed'] as const;
export type SpiderTemplateName = (typeof SPIDER_TEMPLATES)[number];

const TEMPLATE_EXT = '.tmpl';

/** tscrapy's package folder (holding package.json and templates/), from this module's place in src/ or dist/. */
export function tscrapyRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'tscrapy') return dir;
      } catch {
        // not a readable package.json: keep walking up
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new ScaffoldInstallError(`Cannot find tscrapy's package.json above ${fileURLToPath(import.meta.url)}; reinstall tscrapy`);
    dir = up;
  }
}

/** The `templates/` folder of the running tscrapy. */
export function templatesDir(): string {
  const dir = join(tscrapyRoot(), 'templates');
  if (!existsSync(dir)) throw new ScaffoldInstallError(`tscrapy's templates folder ${dir} is missing; reinstall tscrapy`);
  return dir;
}

/** Names of the spider templates available (the shipped ones, then any other `templates/spiders/*.ts.tmpl`). */
export async function spiderTemplateNames(): Promise<string[]> {
  const files = await readdir(join(templatesDir(), 'spiders'));
  const found = files.filter((f) => f.endsWith('.ts' + TEMPLATE_EXT)).map((f) => f.slice(0, -('.ts' + TEMPLATE_EXT).length));
  const known = SPIDER_TEMPLATES.filter((t) => found.includes(t));
  return [...known, ...found.filter((t) => !(SPIDER_TEMPLATES as readonly string[]).includes(t)).sort()];
}

/** The raw text of a spider template. @throws TemplateError listing the templates when `name` is unknown. */
export async function readSpiderTemplate(name: string): Promise<string> {
  const names = await spiderTemplateNames();
  if (!names.includes(name)) {
    throw new TemplateError(`Unknown spider template "${name}"; available templates: ${names.join(', ')} (see tscrapy genspider -l)`);
  }
  return readFile(join(templatesDir(), 'spiders', name + '.ts' + TEMPLATE_EXT), 'utf8');
}

/** One file of the project template: where it goes in the new project, and its raw text. */
export interface TemplateFile {
  /** Path in the new project, '/'-separated (`src/settings.ts`, `.gitignore`). */
  path: string;
  text: string;
}

/**
 * The project template's files. `gitignore.tmpl` becomes `.gitignore`: npm leaves files named
 * `.gitignore` out of published packages, so the template cannot ship one under that name.
 */
export async function projectTemplateFiles(): Promise<TemplateFile[]> {
  const root = join(templatesDir(), 'project');
  const out: TemplateFile[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && e.name.endsWith(TEMPLATE_EXT)) {
        let rel = relative(root, p).split(sep).join('/').slice(0, -TEMPLATE_EXT.length);
        if (rel === 'gitignore') rel = '.gitignore';
        out.push({ path: rel, text: await readFile(p, 'utf8') });
      }
    }
  };
  await walk(root);
  if (out.length === 0) throw new TemplateError(`The project template ${root} has no ${TEMPLATE_EXT} files`);
  return out;
}
