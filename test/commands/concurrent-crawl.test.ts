import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, tempTree } from '../cli/helpers.js';
import { assertFinished, PROCESSES, ROUNDS, spiderSource, startTinySite } from './concurrent-helpers.js';

describe('crawl processes sharing one project build cache and HTTPCACHE_DIR', () => {
  let site: Awaited<ReturnType<typeof startTinySite>>;
  let tree: Awaited<ReturnType<typeof tempTree>>;
  before(async () => {
    site = await startTinySite();
    tree = await tempTree(
      {
        'scrapy.cfg': '[settings]\ndefault = tiny.settings\n',
        'src/settings.ts': "export const BOT_NAME = 'tiny';\nexport const HTTPCACHE_ENABLED = true;\nexport const CONCURRENT_REQUESTS = 2;\n",
        'src/spiders/tiny.ts': spiderSource(0),
      },
      'tscrapy-concurrent-crawl-',
    );
  });
  after(async () => {
    await site.close();
    await tree.cleanup();
  });

  it(`${PROCESSES} crawl of a changed project started at once all finish, sharing its new build and one HTTPCACHE_DIR (${ROUNDS} rounds)`, async () => {
    for (let round = 1; round <= ROUNDS; round++) {
      await writeFile(join(tree.dir, 'src/spiders/tiny.ts'), spiderSource(round));
      const cache = join(tree.dir, `httpcache-${round}`);
      const args = ['crawl', 'tiny', '-a', `startUrl=${site.origin}/`, '-s', `HTTPCACHE_DIR=${cache}`, '-o', '-:jsonl', '--nolog'];
      const runs = Array.from({ length: PROCESSES }, () => runCli(args, tree.dir, { timeoutMs: 100_000 }));
      (await Promise.all(runs)).forEach((r, i) => assertFinished(r, round, `crawl #${i + 1}`));
    }
  });
});
