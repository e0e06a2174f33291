import { readdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { TargetExistsError } from './errors.js';
import { pascalCase, validateProjectName } from './names.js';
import { renderTemplate } from './render.js';
import { projectTemplateFiles } from './templates.js';
import { runningTscrapyDependency, toolVersions, tscrapyDependency } from './tscrapy-package.js';
import { makeDir } from '../util/make-dir.js';

export interface CreateProjectOptions {
  /** The project's name (scrapy.cfg, BOT_NAME, package name lower-cased). */
  name: string;
  /** Folder to create it in. @default `./NAME` */
  dir?: string;
  /** Write into a non-empty folder, replacing files of the same names. @default false */
  force?: boolean;
  /**
   * Depend on this tscrapy folder (a `file:` dependency). Without it, the project depends on the
   * running tscrapy: `^VERSION` when that came from a registry, else a `file:` path to it.
   */
  tscrapyPath?: string;
  /** Folder names and paths are resolved from. @default process.cwd() */
  cwd?: string;
}

/** What `tscrapy new` created (its `--json` output). */
export interface CreateProjectResult {
  project: string;
  /** Absolute path of the project folder. */
  directory: string;
  /** Files written, relative to `directory`, '/'-separated, sorted. */
  files: string[];
  /** The `tscrapy` dependency written to package.json (`^0.1.0`, `file:../tscrapy`, `file:/path/tscrapy-0.1.0.tgz`). */
  tscrapyDependency: string;
  /** Why that dependency was chosen. */
  tscrapyDependencyReason: string;
  /** Commands to run next, in order. */
  nextSteps: string[];
}

/**
 * Creates a project from `templates/project/`. Everything is rendered before anything is
 * written, so a bad name or template leaves the disk untouched.
 * @throws InvalidNameError, TargetExistsError, TemplateError (exit code 2 in the CLI).
 */
export async function createProject(options: CreateProjectOptions): Promise<CreateProjectResult> {
  const cwd = options.cwd ?? process.cwd();
  const { name } = options;
  validateProjectName(name, cwd);
  const directory = resolve(cwd, options.dir ?? name);
  await checkTarget(directory, options.force ?? false);

  const dependency =
    options.tscrapyPath === undefined
      ? runningTscrapyDependency(directory)
      : { spec: tscrapyDependency(directory, options.tscrapyPath).spec, reason: `asked for the tscrapy folder ${resolve(cwd, options.tscrapyPath)}` };
  const tools = toolVersions();
  const vars = {
    project: name,
    packageName: name.toLowerCase(),
    ProjectClass: pascalCase(name),
    tscrapyDependency: dependency.spec,
    typescriptVersion: tools.typescript,
    typesNodeVersion: tools.typesNode,
  };
  const rendered = (await projectTemplateFiles()).map((f) => ({ path: f.path, text: renderTemplate(f.text, vars, `project/${f.path}`) }));

  for (const f of rendered) {
    const target = join(directory, ...f.path.split('/'));
    await makeDir(dirname(target));
    await writeFile(target, f.text);
  }
  const rel = relative(cwd, directory) || '.';
  const nextSteps = [
    ...(rel === '.' ? [] : [`cd ${quoteArg(rel)}`]),
    'npm install',
    'tscrapy practice    # in another terminal: the site the quotes spider crawls',
    'tscrapy crawl quotes -o quotes.jsonl',
    'npm test',
  ];
  return {
    project: name,
    directory,
    files: rendered.map((f) => f.path).sort(),
    tscrapyDependency: dependency.spec,
    tscrapyDependencyReason: dependency.reason,
    nextSteps,
  };
}

/** The folder must not exist, be empty, or (with force) be a folder. */
async function checkTarget(directory: string, force: boolean): Promise<void> {
  const st = await stat(directory).catch(() => undefined);
  if (!st) return;
  if (!st.isDirectory()) throw new TargetExistsError(`${directory} exists and is not a folder; choose another folder for the project`);
  const entries = await readdir(directory);
  if (entries.length === 0 || force) return;
  const hint = entries.includes('scrapy.cfg') ? ' (it already holds a project: scrapy.cfg)' : '';
  throw new TargetExistsError(
    `Folder ${directory} is not empty${hint}: ${entries.slice(0, 5).join(', ')}${entries.length > 5 ? ', …' : ''}. Use another folder, or --force to write the project files into it (files of the same names are replaced)`,
  );
}

function quoteArg(p: string): string {
  return /^[\w./@:-]+$/.test(p) ? p : `'${p.replace(/'/g, `'\\''`)}'`;
}

