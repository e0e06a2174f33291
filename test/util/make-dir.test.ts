import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeDir, makeDirSync } from '../../src/util/make-dir.js';

describe('makeDir / makeDirSync', { timeout: 30_000 }, () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'tscrapy-make-dir-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  for (const [name, make] of [
    ['makeDir', makeDir],
    ['makeDirSync', async (dir: string, mode?: number) => makeDirSync(dir, mode)],
  ] as const) {
    it(`${name} makes the missing folders with the mode, and takes a folder already there`, async () => {
      const dir = join(root, name, 'a', 'b', 'c');
      await make(dir, 0o700);
      for (const d of [join(root, name), join(root, name, 'a'), dir]) {
        const st = await stat(d);
        assert.ok(st.isDirectory());
        assert.equal(st.mode & 0o777, 0o700 & ~process.umask());
      }
      await make(dir);
      await make(join(root, name, 'a'));
    });

    it(`${name} fails on a file in the way`, async () => {
      const file = join(root, `${name}-file`);
      await writeFile(file, 'x');
      await assert.rejects(make(file), { code: 'EEXIST' });
      await assert.rejects(make(join(file, 'sub')), { code: 'ENOTDIR' });
    });

    // Node's own recursive mkdir never returns there (procfs answers ENOENT below an existing folder).
    it(`${name} ends with ENOENT where the file system cannot hold folders (procfs)`, { skip: process.platform !== 'linux' }, async () => {
      await assert.rejects(make('/proc/self/no-such-folder/x'), { code: 'ENOENT', path: '/proc/self/no-such-folder' });
    });
  }
});
