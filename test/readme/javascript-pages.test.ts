// README examples of "JavaScript pages": the rendering spider run with runspider against the
// local JS-rendered site of test/browser (https://shop.example/ → that site). Skipped, with the
// reason, only where Debian's Chromium is missing (.ci/run installs it).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { skipWithoutChromium } from '../browser/chromium-processes.js';
import { startJsSite, type JsSite } from '../browser/js-site.js';
import { assertOk, exampleEnv, jsonLines, readmeBlock, runShell, substitute, workspace } from './readme.js';

let site: JsSite;
let ws: ReturnType<typeof workspace>;

before(async () => {
  site = await startJsSite();
  ws = workspace('browser');
});
after(async () => {
  await site?.close();
  ws?.remove();
});

describe('README: JavaScript pages', { skip: skipWithoutChromium, timeout: 120_000 }, () => {
  it('browser-spider, browser-crawl: rendered items after clicks, and a plain request beside them', async () => {
    const spider = readmeBlock('browser-spider');
    assert.equal(spider.lang, 'ts');
    writeFileSync(join(ws.dir, 'shop.ts'), substitute(spider.code, [['https://shop.example/', `${site.origin}/`]]));
    const run = readmeBlock('browser-crawl');
    assert.equal(run.lang, 'sh');
    const r = await runShell(run.code, ws.dir, exampleEnv(ws), 90_000);
    assertOk(r, 'browser-crawl');
    const items = jsonLines(readFileSync(join(ws.dir, 'items.jsonl'), 'utf8'));
    const names = items.filter((i) => 'name' in i).map((i) => i.name);
    assert.deepEqual(names, [0, 1, 2].flatMap((b) => [1, 2, 3].map((i) => `Batch ${b} item ${i}`)));
    assert.deepEqual(items.filter((i) => 'ok' in i), [{ ok: true }]);
  });
});
