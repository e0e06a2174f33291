import assert from 'node:assert/strict';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, tempTree } from '../cli/helpers.js';
import { spiderSource, startTinySite } from './concurrent-helpers.js';

const OLD = '{"old": "a complete earlier file"}\n';

/**
 * Reads what a reader that opened `file` before the command ran sees now: with the file
 * renamed into place, still the whole earlier file; written in place, a truncated or new one.
 */
async function openReader(file: string): Promise<() => Promise<string>> {
  const fh = await open(file, 'r');
  return async () => {
    try {
      const buf = Buffer.alloc(OLD.length * 2);
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      return buf.subarray(0, bytesRead).toString();
    } finally {
      await fh.close();
    }
  };
}

describe('files a command writes for others to read', () => {
  let site: Awaited<ReturnType<typeof startTinySite>>;
  let tree: Awaited<ReturnType<typeof tempTree>>;
  before(async () => {
    site = await startTinySite();
    tree = await tempTree(
      {
        'scrapy.cfg': '[settings]\ndefault = tiny.settings\n\n[deploy]\nproject = tiny\n',
        'src/settings.ts': "export const BOT_NAME = 'tiny';\n",
        'src/spiders/tiny.ts': spiderSource(1),
        'stats.json': OLD,
        'out/bundle.tar.gz': OLD,
      },
      'tscrapy-outputs-',
    );
  });
  after(async () => {
    await site.close();
    await tree.cleanup();
  });

  it('--json-stats replaces the file whole: a reader of the earlier file never sees it cut', async () => {
    const reader = await openReader(join(tree.dir, 'stats.json'));
    const r = await runCli(['crawl', 'tiny', '-a', `startUrl=${site.origin}/`, '--json-stats', 'stats.json', '--nolog'], tree.dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await reader(), OLD);
    const stats = JSON.parse(await readFile(join(tree.dir, 'stats.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(stats.item_scraped_count, 3);
  });

  // Node's recursive mkdir never returns below /proc (it spun at full CPU): each output path's
  // folder is made by src/util/make-dir.ts, which gives up with an error instead.
  for (const args of [
    ['--json-stats', '/proc/self/no-such-folder/stats.json'],
    ['-o', '/proc/self/no-such-folder/items.jsonl'],
    ['-s', 'LOG_FILE=/proc/self/no-such-folder/log.txt'],
  ]) {
    it(`${args[0]} in a folder that cannot be made ends the command with an error naming it`, { skip: process.platform !== 'linux' }, async () => {
      const r = await runCli(['crawl', 'tiny', '-a', `startUrl=${site.origin}/`, ...args, ...(args[0] === '-s' ? [] : ['--nolog'])], tree.dir);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /\/proc\/self\/no-such-folder/);
    });
  }

  it('deploy --build-egg replaces the file whole: a copy or upload of the earlier file never takes half of it', async () => {
    const reader = await openReader(join(tree.dir, 'out/bundle.tar.gz'));
    const r = await runCli(['deploy', '--build-egg', 'out/bundle.tar.gz', '-v', 'v1'], tree.dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await reader(), OLD);
    assert.deepEqual([...(await readFile(join(tree.dir, 'out/bundle.tar.gz'))).subarray(0, 2)], [0x1f, 0x8b], 'a gzip file');
  });
});
