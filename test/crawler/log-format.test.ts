import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { crawl } from '../../src/crawler/crawl.js';
import type { Response } from '../../src/crawler/http/response.js';
import { formatLogMessage } from '../../src/crawler/log-format.js';
import { Logger, MemorySink, LEVELS } from '../../src/crawler/logger.js';
import { Spider } from '../../src/crawler/spider.js';
import { startCatalogueSite, type CatalogueSite } from '../../src/demo/catalogue-site.js';

// Expected texts printed by CPython 3 for `fmt % args` (what logging does with a message's args).
const PYTHON: Array<[string, unknown[], string]> = [
  ['Hi %s', ['http://a/'], 'Hi http://a/'],
  ['%d items in %.2f s', [3, 1.23456], '3 items in 1.23 s'],
  ['%(name)s has %(n)03d', [{ name: 'x', n: 7 }], 'x has 007'],
  ['%r', ['q'], "'q'"],
  ['%5s|%-5s|', ['a', 'b'], '    a|b    |'],
  ['%e', [1.5], '1.500000e+00'],
  ['%g %g %g', [0.0001, 123456789, 100], '0.0001 1.23457e+08 100'],
  ['%#x %X %o', [255, 255, 8], '0xff FF 10'],
  ['%+d % d', [5, 5], '+5  5'],
  ['%.3s', ['abcdef'], 'abc'],
  ['%*d', [4, 7], '   7'],
  ['100%% of %s', ['x'], '100% of x'],
];

let site: CatalogueSite;
before(async () => {
  site = await startCatalogueSite({ products: 1, productBytes: 100 });
});
after(() => site.close());

describe('spider logger: Python logging calls port as written', { timeout: 60_000 }, () => {
  it('formats printf-style arguments as Python does', () => {
    for (const [fmt, args, expected] of PYTHON) assert.equal(formatLogMessage(fmt, args), expected, fmt);
  });

  it('appends arguments left over, keeps placeholders with none, shows objects readably', () => {
    assert.equal(formatLogMessage('got', [1, 'two']), 'got 1 two');
    assert.equal(formatLogMessage('%s and %s', ['one']), 'one and %s');
    assert.equal(formatLogMessage('item %s', [{ a: [1] }]), 'item { a: [ 1 ] }');
    assert.equal(formatLogMessage('no args %s', []), 'no args %s');
  });

  it('has warning/warn/critical, and exception() logs the error stack at ERROR', () => {
    const sink = new MemorySink();
    const log = new Logger('spider', LEVELS.DEBUG, sink);
    log.warning('w %d', 1);
    log.warn('w %d', 2);
    log.critical('c');
    const err = new Error('boom');
    log.exception('Parsing %s failed', 'http://a/', err);
    log.exception(new Error('alone'));
    assert.match(sink.lines[0]!, / WARNING: w 1$/);
    assert.match(sink.lines[1]!, / WARNING: w 2$/);
    assert.match(sink.lines[2]!, / CRITICAL: c$/);
    assert.match(sink.lines[3]!, / ERROR: Parsing http:\/\/a\/ failed\nError: boom\n {4}at /);
    assert.match(sink.lines[4]!, / ERROR: Error: alone\n {4}at /);
  });

  it('works from a spider’s this.logger in a crawl', async () => {
    const sink = new MemorySink();
    class Logs extends Spider {
      override name = 'logs';
      override startUrls = [`${site.origin}/about`];
      override parse(r: Response) {
        this.logger.info('Hi %s', r.url);
        this.logger.warning('status %d', r.status);
      }
    }
    const result = await crawl(Logs, { settings: { LOG_LEVEL: 'INFO', LOGSTATS_INTERVAL: 0, STATS_DUMP: false }, logSink: sink });
    assert.equal(result.reason, 'finished');
    assert.ok(sink.lines.some((l) => l.endsWith(`[logs] INFO: Hi ${site.origin}/about`)), sink.lines.join('\n'));
    assert.ok(sink.lines.some((l) => l.endsWith('[logs] WARNING: status 200')));
  });
});
