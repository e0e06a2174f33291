// README's "Scaling out with Redis" example against a real redis-server (skipped when it is not
// installed; CI installs it), and a check that every `<!-- test: NAME -->` block of README.md is
// run by some test in this folder. See readme.ts for how blocks are run.
//
// Substitutions (redis): the block's `redis-server --port 6379 --bind 10.0.0.5 …` line is replaced
// by `:` because the test starts redis-server itself (same password, 127.0.0.1, a free port,
// no persistence), and `10.0.0.5:6379` becomes that server's `127.0.0.1:PORT`. The project is a
// minimal one whose quotes spider is the README's first spider, pointed at the practice site on a free port.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { assertOk, exampleEnv, jsonLines, readmeBlock, readmeMarkers, practicePort, runShell, startPractice, substitute, workspace, type Practice } from './readme.js';

const hasRedis = spawnSync('redis-server', ['--version']).status === 0;
let redis: RedisServer | undefined;
let site: Practice | undefined;
let ws: ReturnType<typeof workspace> | undefined;

after(async () => {
  await redis?.stop();
  await site?.close();
  ws?.remove();
});

describe('README: scaling out with Redis', { timeout: 120_000 }, () => {
  it('redis: a worker crawls through the shared frontier; crawl-status shows the crawl', { skip: hasRedis ? false : 'redis-server is not installed' }, async () => {
    redis = await startRedisServer({ password: 's3cret' });
    site = await startPractice({ pages: 3 });
    ws = workspace('redis');
    const project = join(ws.dir, 'shop');
    mkdirSync(join(project, 'src', 'spiders'), { recursive: true });
    writeFileSync(join(project, 'scrapy.cfg'), '[settings]\ndefault = src/settings.ts\n');
    writeFileSync(join(project, 'src', 'settings.ts'), "export const BOT_NAME = 'shop';\n");
    writeFileSync(join(project, 'src', 'spiders', 'quotes.ts'), practicePort(readmeBlock('first-spider').code, site));
    const script = substitute(readmeBlock('redis').code, [
      ['redis-server --port 6379 --bind 10.0.0.5 --requirepass s3cret', ':'],
      ['10.0.0.5:6379', `127.0.0.1:${redis.port}`],
    ]);
    const r = await runShell(script, project, exampleEnv(ws), 90_000);
    assertOk(r, 'redis');
    const feed = readdirSync(project).find((f) => /^items-.+\.jsonl$/.test(f));
    assert.ok(feed, 'items-$(hostname).jsonl was written');
    assert.equal(jsonLines(readFileSync(join(project, feed), 'utf8')).length, site.total);
    assert.match(r.stdout, /finished/i);
    assert.ok(!r.stdout.includes('s3cret') && !r.stderr.includes('s3cret'), 'the password is masked in every line');
  });
});

describe('README: every marked example is tested', () => {
  it('each <!-- test: NAME --> is read by a test in test/readme', () => {
    const dir = fileURLToPath(new URL('.', import.meta.url));
    const sources = readdirSync(dir).filter((f) => f.endsWith('.test.ts')).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
    const markers = readmeMarkers();
    assert.ok(markers.length >= 15, `markers: ${markers.join(', ')}`);
    assert.equal(new Set(markers).size, markers.length, 'marker names are unique');
    const untested = markers.filter((m) => !sources.includes(`readmeBlock('${m}')`));
    assert.deepEqual(untested, []);
  });
});
