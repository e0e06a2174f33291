import { createHash } from 'node:crypto';
import { chmodSync, closeSync, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir, userInfo } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

/** What dist/bundled/crawl.cjs exports: src/cli/crawl-bundle.ts. */
export type CrawlBundle = typeof import('./crawl-bundle.js');

/**
 * The names the bundle's wrapper function gives it besides CommonJS's own: the bundle's URL (each
 * module's `import.meta.url` is computed from it, scripts/bundle.js), and `import()` and
 * `import.meta.resolve` done by this ES module: a vm.Script cannot run `import()` itself without
 * `--experimental-vm-modules`, so the build replaces each of its `import()` calls by the first.
 */
export const BUNDLE_PARAMS = {
  url: '__tscrapyBundleUrl',
  import: '__tscrapyImport',
  resolve: '__tscrapyResolve',
} as const;

/**
 * The parameters of the function the bundle is (scripts/bundle.js writes it wrapped, as Node
 * wraps a CommonJS module, so that no 3 MB string is built at each start): CommonJS's, then
 * {@link BUNDLE_PARAMS}'.
 */
export const BUNDLE_WRAPPER_PARAMS = ['exports', 'require', 'module', '__filename', '__dirname', BUNDLE_PARAMS.url, BUNDLE_PARAMS.import, BUNDLE_PARAMS.resolve];

/** The first line scripts/bundle.js writes, followed by the hash of the bundle's code. */
export const BUNDLE_HASH_PREFIX = '// tscrapy crawl bundle ';

const BUNDLE_URL = new URL('../bundled/crawl.cjs', import.meta.url);

let loaded: CrawlBundle | undefined;

/**
 * Runs the pre-bundled crawl entry once per process and returns its exports. The bundle is a
 * CommonJS script run through vm.Script so that V8's code cache can be given to it (Node 20 has
 * no compile cache for ES modules): at a start with the cache, V8 reads the compiled code of the
 * ≈ 3 MB of JavaScript, the functions the last start compiled lazily included, instead of
 * compiling it again. Without a usable cache (none yet, another tscrapy or Node, damaged, or no
 * private folder for it) it compiles as usual and writes one once the crawl is under way.
 */
export function loadCrawlBundle(): CrawlBundle {
  if (loaded) return loaded;
  const file = fileURLToPath(BUNDLE_URL);
  // ASCII (scripts/bundle.js), so Latin-1 reads it as it is, without UTF-8's decoding.
  const source = readFileSync(file, 'latin1');
  const cacheFile = codeCacheFile(file, source);
  const cachedData = cacheFile ? readCodeCache(cacheFile) : undefined;
  const script = new Script(source, { filename: file, cachedData });
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  const module = { exports: {} as CrawlBundle };
  run.call(
    module.exports,
    module.exports,
    createRequire(file),
    module,
    file,
    dirname(file),
    BUNDLE_URL.href,
    (specifier: string) => import(specifier),
    (specifier: string) => import.meta.resolve(specifier),
  );
  loaded = module.exports;
  if (cacheFile && (!cachedData || script.cachedDataRejected)) {
    // After the start, so that the cache holds the functions the start compiled, not only the
    // top level; and not in its way.
    loaded.whenCrawlUnderWay(() => writeCodeCache(cacheFile, script));
  }
  return loaded;
}

/**
 * Where the bundle's code cache is kept, or undefined when there is no folder of this user's for
 * it. A code cache is code that V8 runs without checking it (it checks only the source's length
 * and its own version and flags), so it is read only from a folder that only this user can write,
 * made by this user; the file name is keyed by what V8 would refuse it for, so that two tscrapy
 * installs or Node versions keep a cache each instead of replacing each other's at every start.
 */
function codeCacheFile(bundleFile: string, source: string): string | undefined {
  let who = 'user';
  try {
    who = String(userInfo().uid >= 0 ? userInfo().uid : userInfo().username);
  } catch {
    // no user database entry (some containers)
  }
  const dir = join(tmpdir(), `tscrapy-code-cache-${who}`);
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch {
    // there already, or cannot be made: checked below
  }
  try {
    const st = lstatSync(dir);
    const uid = process.getuid?.();
    if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) return undefined;
    // Ours, but made under a loose umask: nobody else may add files to it from now on (those
    // added before are refused by their owner, see readCodeCache).
    if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
  } catch {
    return undefined;
  }
  const firstLine = source.slice(0, source.indexOf('\n'));
  const bundleHash = firstLine.startsWith(BUNDLE_HASH_PREFIX) ? firstLine.slice(BUNDLE_HASH_PREFIX.length) : String(source.length);
  return join(dir, `${cachePrefix(bundleFile)}${sha256(bundleHash).subarray(0, 8).toString('hex')}.bin`);
}

/**
 * The start of the cache file names of one installed bundle run by one Node with the same flags;
 * what follows is the bundle's hash. Writing a cache removes the others of the same start (older
 * builds of the same install).
 */
function cachePrefix(bundleFile: string): string {
  const key = JSON.stringify([bundleFile, process.version, process.arch, process.execArgv, process.env.NODE_OPTIONS ?? '']);
  return `crawl-${sha256(key).subarray(0, 8).toString('hex')}-`;
}

function sha256(data: string | Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

/**
 * The cache's data when the file is this user's and whole: V8 checks only a cache's header, and
 * runs a damaged one as it is, so the file starts with the SHA-256 of what follows.
 */
function readCodeCache(file: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const uid = process.getuid?.();
    if (uid !== undefined && fstatSync(fd).uid !== uid) return undefined;
    const buf = readFileSync(fd);
    if (buf.length <= 32) return undefined;
    const data = buf.subarray(32);
    return sha256(data).equals(buf.subarray(0, 32)) ? data : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes the script's cache (renamed into place: a start reading it at the same time never sees
 * half a file) and removes the caches of older builds of the same install. A cache that cannot be
 * made or written is not an error: the next start compiles again.
 */
function writeCodeCache(file: string, script: Script): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const data = script.createCachedData();
    writeFileSync(tmp, Buffer.concat([sha256(data), data]), { mode: 0o600 });
    renameSync(tmp, file);
    const dir = dirname(file);
    const prefix = cachePrefix(fileURLToPath(BUNDLE_URL));
    for (const name of readdirSync(dir)) {
      if (name.startsWith(prefix) && name.endsWith('.bin') && name !== basename(file)) rmSync(join(dir, name), { force: true });
    }
  } catch {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // the folder went away or cannot be written: nothing was left in it
    }
  }
}
