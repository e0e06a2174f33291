import { builtinModules, createRequire } from 'node:module';
import { join } from 'node:path';
import { InvalidNameError } from './errors.js';

/** Scrapy's rule for project names, which also fits deploy's project names and npm's (lower-cased). */
const PROJECT_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
/** Spider names become file names (`src/spiders/NAME.ts`) and `crawl` arguments. */
const SPIDER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

/**
 * Checks a project name the way `scrapy startproject` does: an identifier, and not the name of
 * a module that already exists (a Node built-in, tscrapy, or a package installed where the
 * project is created), since the project's modules and package would shadow it or be shadowed.
 * @throws InvalidNameError saying which rule failed.
 */
export function validateProjectName(name: string, cwd: string): void {
  if (!PROJECT_NAME.test(name)) {
    throw new InvalidNameError(
      `Project name "${name}" is not valid: project names must begin with a letter and contain only letters, numbers and underscores (e.g. ${suggestProjectName(name)})`,
    );
  }
  const lower = name.toLowerCase();
  if (builtinModules.includes(lower) || lower === 'tscrapy') {
    throw new InvalidNameError(`Project name "${name}" is the name of an existing module (${lower === 'tscrapy' ? 'tscrapy itself' : 'a Node.js built-in'}); choose another name`);
  }
  try {
    createRequire(join(cwd, 'noop.js')).resolve(`${lower}/package.json`);
    throw new InvalidNameError(`Project name "${name}" is the name of an existing module (the npm package "${lower}" is installed here); choose another name`);
  } catch (err) {
    if (err instanceof InvalidNameError) throw err;
    // not resolvable: the name is free
  }
}

function suggestProjectName(name: string): string {
  const s = name.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^[^A-Za-z]+/, '');
  return s || 'my_project';
}

/** @throws InvalidNameError when `name` cannot be a spider name (and file name). */
export function validateSpiderName(name: string): void {
  if (!SPIDER_NAME.test(name)) {
    throw new InvalidNameError(
      `Spider name "${name}" is not valid: use letters, digits, "_", "-" and "." (starting with a letter or digit, at most 100 characters), e.g. "books" or "books-fr"`,
    );
  }
}

/** `my_shop` → `MyShop`; `2shop` → `P2shop` (a class name cannot start with a digit). */
export function pascalCase(name: string): string {
  const s = name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
  return /^[0-9]/.test(s) ? 'P' + s : s || 'Project';
}

/** The class name of a spider: `books-fr` → `BooksFrSpider`. */
export function spiderClassName(name: string): string {
  const base = pascalCase(name);
  return (base.endsWith('Spider') ? base : base + 'Spider').replace(/^P(?=[0-9])/, 'Spider');
}

/** What `genspider NAME DOMAIN_OR_URL` was given, split into the domain and the start URL. */
export interface SpiderTarget {
  /** Host name, without port (allowedDomains ignore ports). */
  domain: string;
  /** The URL as given, or `https://DOMAIN/` for a bare domain. */
  url: string;
  /** Whether a full URL was given (its path is then used as is). */
  explicitUrl: boolean;
}

/**
 * Parses `example.com`, `example.com/path` or `https://example.com:8080/feed.xml`.
 * @throws InvalidNameError when it is neither a domain nor an http(s) URL.
 */
export function parseSpiderTarget(input: string): SpiderTarget {
  const explicitUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(input);
  let u: URL;
  try {
    u = new URL(explicitUrl ? input : `https://${input}`);
  } catch {
    throw new InvalidNameError(`"${input}" is neither a domain (example.com) nor a URL (https://example.com/page)`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new InvalidNameError(`"${input}" is a ${u.protocol} URL; genspider takes a domain or an http(s) URL`);
  }
  if (!u.hostname || /[\s'"`\\]/.test(input)) throw new InvalidNameError(`"${input}" is neither a domain (example.com) nor a URL (https://example.com/page)`);
  return { domain: u.hostname, url: explicitUrl || u.pathname !== '/' ? u.href : `https://${u.host}/`, explicitUrl: explicitUrl || u.pathname !== '/' };
}
