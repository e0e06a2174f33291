import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, parse, relative, resolve, sep } from 'node:path';
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
  return { spec: fileSpec(projectDir, abs), path: abs };
}

/** Where the running tscrapy came from, and the dependency a new project gets on it. */
export interface RunningTscrapy {
  /** The dependency for package.json: `^0.1.0`, or a `file:` path to a folder or a tarball. */
  spec: string;
  /** Why that one, for `tscrapy new` to print. */
  reason: string;
}

/**
 * The dependency that makes a new project use the tscrapy that is running: `^VERSION` when npm's
 * record of its install (`node_modules/.package-lock.json`) says it came from a registry; a
 * `file:` path to the tarball it was installed from when that record names one still there;
 * otherwise (a checkout, `npm install -g CHECKOUT`, a global install from a tarball, of which
 * npm keeps no record) a `file:` path to its folder, which npm links as it is. No registry is
 * asked anything.
 */
export function runningTscrapyDependency(projectDir: string, root = tscrapyRoot()): RunningTscrapy {
  const nodeModules = dirname(root);
  if (basename(nodeModules) !== 'node_modules') {
    return { spec: fileSpec(projectDir, root), reason: `the running tscrapy is the folder ${root}, not a package installed from a registry` };
  }
  const lockRoot = dirname(nodeModules);
  const resolved = installRecord(nodeModules, relative(lockRoot, root).split(sep).join('/'));
  if (resolved && /^https?:/.test(resolved)) return { spec: `^${VERSION}`, reason: 'the running tscrapy was installed from the registry' };
  if (resolved?.startsWith('file:')) {
    const source = resolve(lockRoot, resolved.slice('file:'.length));
    if (source.endsWith('.tgz') && existsSync(source)) {
      return { spec: fileSpec(projectDir, source), reason: `the running tscrapy was installed from ${source}` };
    }
  }
  return { spec: fileSpec(projectDir, root), reason: `the running tscrapy is installed in ${root}, and npm's records name no registry it came from` };
}

/** `resolved` of a package in npm's record of a node_modules folder, if npm wrote one. */
function installRecord(nodeModules: string, key: string): string | undefined {
  try {
    const lock = JSON.parse(readFileSync(join(nodeModules, '.package-lock.json'), 'utf8')) as { packages?: Record<string, { resolved?: string }> };
    return lock.packages?.[key]?.resolved;
  } catch {
    return undefined;
  }
}

/** A `file:` spec for `abs` as seen from the project folder. */
function fileSpec(projectDir: string, abs: string): string {
  // Relative when both folders share a parent below the filesystem root (a checkout with the project
  // inside it moves as one); absolute otherwise, where a relative path would only be a long ../ chain.
  const from = resolve(projectDir);
  const firstPart = (p: string) => p.split(sep).filter(Boolean)[0];
  if (firstPart(from) !== firstPart(abs) || parse(from).root !== parse(abs).root) {
    return `file:${abs.split(sep).join('/')}`;
  }
  let rel = relative(from, abs).split(sep).join('/');
  if (!rel.startsWith('.')) rel = './' + rel;
  return `file:${rel}`;
}
