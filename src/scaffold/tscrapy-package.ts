import { readFileSync } from 'node:fs';
import { join, parse, relative, resolve, sep } from 'node:path';
import { VERSION } from '../crawler/settings/defaults.js';
import { InvalidArgumentError } from '../crawler/errors.js';
import { tscrapyRoot } from './templates.js';

interface PackageJson {
  name?: string;
  version?: string;
  devDependencies?: Record<string, string>;
}

function readPackage(dir: string): PackageJson | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
  } catch {
    return undefined;
  }
}

/** Versions a generated project's devDependencies use: the ones tscrapy itself is built and tested with. */
export function toolVersions(): { typescript: string; typesNode: string } {
  const dev = readPackage(tscrapyRoot())?.devDependencies ?? {};
  return { typescript: dev['typescript'] ?? '~5.9.3', typesNode: dev['@types/node'] ?? '^20.19.0' };
}

/**
 * The `tscrapy` dependency of a new project: `^VERSION` from the registry by default; with a
 * local path (`--link`: the running tscrapy, or `--tscrapy PATH`), a `file:` dependency relative
 * to the project, so `npm install` links that folder and needs no registry for tscrapy.
 * @throws InvalidArgumentError when the path is not a tscrapy package folder.
 */
export function tscrapyDependency(projectDir: string, localPath: string | undefined): { spec: string; path?: string } {
  if (localPath === undefined) return { spec: `^${VERSION}` };
  const abs = resolve(localPath);
  const pkg = readPackage(abs);
  if (pkg?.name !== 'tscrapy') {
    throw new InvalidArgumentError(`--tscrapy ${localPath}: ${abs} is not a tscrapy package folder (its package.json must say "name": "tscrapy")`);
  }
  // Relative when both folders share a parent below the filesystem root (a checkout with the project
  // inside it moves as one); absolute otherwise, where a relative path would only be a long ../ chain.
  const from = resolve(projectDir);
  const firstPart = (p: string) => p.split(sep).filter(Boolean)[0];
  if (firstPart(from) !== firstPart(abs) || parse(from).root !== parse(abs).root) {
    return { spec: `file:${abs.split(sep).join('/')}`, path: abs };
  }
  let rel = relative(from, abs).split(sep).join('/');
  if (!rel.startsWith('.')) rel = './' + rel;
  return { spec: `file:${rel}`, path: abs };
}
