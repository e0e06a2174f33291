import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Script } from 'node:vm';
import { onePageSpider, runCli, startTitleSite, tempTree } from './helpers.js';

/**
 * `tscrapy crawl`/`runspider` run the crawl bundle with V8's code cache (src/cli/crawl-loader.ts),
 * kept in TMPDIR/tscrapy-code-cache-UID. Each test gives the CLI a TMPDIR of its own. Whatever
 * the cache's state, the crawl's output is the same; a cache that V8 or the loader refuses is
 * written again, one that is used is left as it is.
 */

describe('the crawl bundle\'s code cache', { timeout: 180_000 }, () => {
  let closeSite: () => void;
  let url: string;
  let tree: Awaited<ReturnType<typeof tempTree>>;
  let tmp: string;
  let cacheDir: string;

  before(async () => {
    ({ url, close: closeSite } = await startTitleSite('cached'));
    tree = await tempTree({ 'once.ts': onePageSpider() });
  });
  after(async () => {
    closeSite();
    await tree.cleanup();
  });
  let n = 0;
  beforeEach(() => {
    tmp = join(tree.dir, `tmp-${n++}`);
    mkdirSync(tmp);
    cacheDir = join(tmp, `tscrapy-code-cache-${process.getuid?.() ?? 'user'}`);
  });

  /** Runs the spider with TMPDIR = `tmp`; asserts the crawl's usual output. */
  async function crawl(): Promise<void> {
    const r = await runCli(['runspider', 'once.ts', '-a', `url=${url}`, '-o', '-:jsonl', '--nolog'], tree.dir, { env: { TMPDIR: tmp } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.deepEqual(r.stdout.trim().split('\n').map((l) => JSON.parse(l) as unknown), [{ title: 'cached' }]);
  }

  /** The one cache file, with its inode (a rewrite renames a new file into place). */
  function cacheFile(): { path: string; ino: number; bytes: Buffer } {
    const names = readdirSync(cacheDir).filter((f) => f.endsWith('.bin'));
    assert.equal(names.length, 1, `one cache file in ${cacheDir}: ${names.join(', ')}`);
    const path = join(cacheDir, names[0]!);
    return { path, ino: statSync(path).ino, bytes: readFileSync(path) };
  }

  /** Whether the file is whole: the SHA-256 of the rest, then V8's data. */
  function whole(bytes: Buffer): boolean {
    return bytes.length > 32 && createHash('sha256').update(bytes.subarray(32)).digest().equals(bytes.subarray(0, 32));
  }

  it('is written by the first crawl, only this user can read it, and the next crawl uses it as it is', async () => {
    await crawl();
    const first = cacheFile();
    assert.ok(whole(first.bytes));
    if (process.platform !== 'win32') {
      assert.equal(statSync(cacheDir).mode & 0o777, 0o700);
      assert.equal(statSync(first.path).mode & 0o777, 0o600);
    }
    await crawl();
    assert.equal(cacheFile().ino, first.ino, 'a cache V8 accepted is not written again');
  });

  it('writing a cache removes the caches of older builds of the same install, not others', async () => {
    await crawl();
    const { path } = cacheFile();
    const name = path.slice(cacheDir.length + 1);
    const prefix = name.slice(0, name.lastIndexOf('-') + 1);
    const olderBuild = join(cacheDir, `${prefix}0000000000000000.bin`);
    const otherInstall = join(cacheDir, 'crawl-0000000000000000-0000000000000000.bin');
    writeFileSync(olderBuild, 'older build');
    writeFileSync(otherInstall, 'another install');
    writeFileSync(path, 'damaged');
    await crawl();
    assert.deepEqual(readdirSync(cacheDir).sort(), [name, otherInstall.slice(cacheDir.length + 1)].sort());
    assert.ok(whole(readFileSync(path)));
  });

  it('a damaged cache is not run: the crawl is the same and the cache is written again', async () => {
    await crawl();
    const good = cacheFile();
    const damaged = Buffer.from(good.bytes);
    for (let i = 1000; i < 1400; i++) damaged[i]! ^= 0x5a;
    writeFileSync(good.path, damaged);
    const before = statSync(good.path).ino;
    await crawl();
    const after = cacheFile();
    assert.notEqual(after.ino, before);
    assert.ok(whole(after.bytes));
  });

  it('a whole cache of other code is refused by V8: the crawl is the same and the cache is written again', async () => {
    await crawl();
    const { path } = cacheFile();
    const script = new Script('(function () { return 42; })');
    script.runInThisContext();
    const foreign = script.createCachedData();
    writeFileSync(path, Buffer.concat([createHash('sha256').update(foreign).digest(), foreign]));
    const before = statSync(path).ino;
    await crawl();
    const after = cacheFile();
    assert.notEqual(after.ino, before);
    assert.ok(whole(after.bytes));
    assert.ok(after.bytes.length > foreign.length + 32);
  });

  it('a cache file of another user is not run', { skip: process.getuid?.() !== 0 && 'only root can give a file to another user' }, async () => {
    await crawl();
    const planted = cacheFile();
    chownSync(planted.path, 65534, 65534);
    await crawl();
    const after = cacheFile();
    assert.notEqual(after.ino, planted.ino, 'replaced by one of this user');
    assert.equal(statSync(after.path).uid, process.getuid!());
  });

  it('without a folder of its own for the cache, the crawl runs as usual', async () => {
    writeFileSync(cacheDir, 'not a folder');
    await crawl();
    assert.equal(readFileSync(cacheDir, 'utf8'), 'not a folder');
  });

  it('a link in place of the folder is not followed: nothing is read or written there', async () => {
    const elsewhere = join(tmp, 'elsewhere');
    mkdirSync(elsewhere, { mode: 0o700 });
    symlinkSync(elsewhere, cacheDir);
    await crawl();
    assert.deepEqual(readdirSync(elsewhere), []);
  });

  it('a folder others could write to is made private before its cache is used', { skip: process.platform === 'win32' }, async () => {
    mkdirSync(cacheDir);
    chmodSync(cacheDir, 0o777);
    await crawl();
    assert.equal(statSync(cacheDir).mode & 0o777, 0o700);
    cacheFile();
  });
});
