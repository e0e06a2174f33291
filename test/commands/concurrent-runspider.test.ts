import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, tempTree } from '../cli/helpers.js';
import { assertFinished, PROCESSES, ROUNDS, spiderSource, startTinySite } from './concurrent-helpers.js';

describe('runspider processes sharing the runspider cache', () => {
  let site: Awaited<ReturnType<typeof startTinySite>>;
  let tree: Awaited<ReturnType<typeof tempTree>>;
  before(async () => {
    site = await startTinySite();
    tree = await tempTree({}, 'tscrapy-concurrent-runspider-');
  });
  after(async () => {
    await site.close();
    await tree.cleanup();
  });

  it(`${PROCESSES} runspider of a new spider file started at once, with a fresh cache, all finish (${ROUNDS} rounds)`, async () => {
    for (let round = 1; round <= ROUNDS; round++) {
      // TMPDIR holds the runspider cache: a fresh one per round.
      const tmp = join(tree.dir, `tmp-${round}`);
      await mkdir(tmp);
      await writeFile(join(tree.dir, `tiny-${round}.ts`), spiderSource(round));
      const args = ['runspider', `tiny-${round}.ts`, '-a', `startUrl=${site.origin}/`, '-o', '-:jsonl', '--nolog'];
      const runs = Array.from({ length: PROCESSES }, () => runCli(args, tree.dir, { env: { TMPDIR: tmp }, timeoutMs: 100_000 }));
      (await Promise.all(runs)).forEach((r, i) => assertFinished(r, round, `runspider #${i + 1}`));
    }
  });
});
