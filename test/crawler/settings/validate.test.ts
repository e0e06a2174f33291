import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { crawl } from '../../../src/crawler/crawl.js';
import { InvalidArgumentError } from '../../../src/crawler/errors.js';
import { MemorySink } from '../../../src/crawler/logger.js';
import { Settings } from '../../../src/crawler/settings/settings.js';
import { DEFAULTS } from '../../../src/crawler/settings/defaults.js';
import { SELF_PARSED_SETTINGS, WHOLE_NUMBER_SETTINGS, getterOf, validateSettings } from '../../../src/crawler/settings/validate.js';
import { Spider } from '../../../src/crawler/spider.js';

const SRC = fileURLToPath(new URL('../../../src', import.meta.url));

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (path.endsWith('.ts')) out.push(readFileSync(path, 'utf8'));
  }
  return out;
}

describe('validateSettings', () => {
  it('checks each built-in setting with the getter the crawl reads it with', () => {
    const text = sources(SRC).join('\n');
    const read = (getter: string) => new Set([...text.matchAll(new RegExp(`${getter}(?:<[^>]*>)?\\('([A-Z0-9_]+)'`, 'g'))].map((m) => m[1]!));
    assert.deepEqual([...read('getInt')].sort(), [...WHOLE_NUMBER_SETTINGS].sort());
    for (const [name, fallback] of Object.entries(DEFAULTS)) {
      const getter = getterOf(name, fallback);
      if (getter) assert.ok(read(getter).has(name), `${name} is checked with ${getter}, which the sources do not read it with`);
    }
    for (const name of SELF_PARSED_SETTINGS) assert.ok(!['getBool', 'getInt', 'getFloat', 'getList', 'getDict'].some((g) => read(g).has(name)), `${name} is read with a getter: check it`);
  });

  it('accepts every form the crawl accepts for self-parsed settings (component maps as [class, order] pairs)', () => {
    class P {}
    const s = new Settings({ ITEM_PIPELINES: [[P, 300]], EXTENSIONS: { CoreStats: null } } as Record<string, unknown>);
    assert.doesNotThrow(() => validateSettings(s));
  });

  it('names every bad value at once, and leaves project-defined settings alone', () => {
    const bad: Record<string, unknown> = { CONCURRENT_REQUESTS: 'abc', DOWNLOAD_DELAY: 0.5, RETRY_TIMES: 1.5, COOKIES_ENABLED: 'maybe', FEEDS: '{oops', LOG_LEVEL: 'LOUD', MY_OWN: 'abc' };
    const s = new Settings(bad);
    assert.throws(
      () => validateSettings(s),
      (err: unknown) =>
        err instanceof InvalidArgumentError &&
        err.message ===
          'CONCURRENT_REQUESTS must be a number, got "abc"; COOKIES_ENABLED must be a boolean (true/false, 1/0), got "maybe"; FEEDS must be valid JSON, got {oops; LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, got "LOUD"; RETRY_TIMES must be a whole number, got 1.5',
    );
    assert.doesNotThrow(() => validateSettings(s, ['DOWNLOAD_DELAY', 'MY_OWN']));
  });

  it('a crawl with a bad setting fails before it starts (no spider built, nothing logged)', async () => {
    let built = false;
    class S extends Spider {
      override name = 's';
      constructor() {
        super();
        built = true;
      }
    }
    const sink = new MemorySink();
    const settings: Record<string, unknown> = { CONCURRENT_REQUESTS: 'abc' };
    await assert.rejects(async () => await crawl(S, { settings, logSink: sink }), /CONCURRENT_REQUESTS must be a number, got "abc"/);
    assert.equal(built, false);
    assert.deepEqual(sink.lines, []);
  });
});
