import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FileSink } from '../../src/crawler/logger.js';
import { InvalidArgumentError } from '../../src/crawler/errors.js';
import { runCli, tempTree } from '../cli/helpers.js';

const SPIDER = `import { Spider } from 'tscrapy';
export class S extends Spider {
  override name = 's';
  override startUrls = ['data:,one', 'data:,two'];
  override *parse(r: { text: string }) { yield { t: r.text }; }
}
`;

// A LOG_FILE that cannot be written used to end the process with "Unhandled 'error' event"
// (EISDIR at open, ENOSPC on a full disk) before any item reached the feed.
describe('LOG_FILE that cannot be written', { timeout: 60_000 }, () => {
  let tree: Awaited<ReturnType<typeof tempTree>>;
  before(async () => {
    tree = await tempTree({ 's.ts': SPIDER });
    await mkdir(join(tree.dir, 'a-folder'));
  });
  after(() => tree.cleanup());

  it('a folder: one clear error naming LOG_FILE, exit 2, no stack', async () => {
    const r = await runCli(['runspider', 's.ts', '-s', 'LOG_FILE=a-folder', '-O', 'out.jsonl'], tree.dir);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /LOG_FILE "a-folder" cannot be opened for writing/);
    assert.doesNotMatch(r.stderr, /Unhandled 'error' event|\n\s+at /);
  });

  it('a full disk (/dev/full): the crawl goes on, its items are written, the failure is said once', { skip: !existsSync('/dev/full') }, async () => {
    const r = await runCli(['runspider', 's.ts', '-s', 'LOG_FILE=/dev/full', '-O', 'out.jsonl'], tree.dir);
    assert.equal(r.code, 0, r.stderr);
    const items = readFileSync(join(tree.dir, 'out.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { t: string });
    assert.deepEqual(items.map((i) => i.t).sort(), ['one', 'two']);
    assert.equal(r.stderr.match(/Writing the log file \/dev\/full failed \(ENOSPC/g)?.length, 1, r.stderr);
    assert.match(r.stderr, /Spider closed \(finished\)/, 'later lines go to stderr');
  });

  it('the library sink throws InvalidArgumentError when it cannot open the file', () => {
    assert.throws(() => new FileSink(join(tree.dir, 'a-folder')), InvalidArgumentError);
  });
});
