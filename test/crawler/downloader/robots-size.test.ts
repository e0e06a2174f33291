// A site's robots.txt of megabytes was parsed whole: 50 MB held the event loop for ~6 s, took
// ~0.5 GB, and every later check against it cost ~170 ms. Only the first ROBOTS_PARSE_LIMIT
// bytes are read now (RFC 9309 §2.5), cut at a line end, with a warning.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RobotsTxtForbiddenError } from '../../../src/crawler/downloader/errors.js';
import { ROBOTS_PARSE_LIMIT } from '../../../src/crawler/downloader/middlewares/robots-txt.js';
import { startFaultSite, type FaultSite } from '../../support/fault-site.js';
import { openDownloader } from './helpers.js';

describe('a robots.txt larger than the parsing limit', { timeout: 60_000 }, () => {
  let site: FaultSite;
  before(async () => {
    site = await startFaultSite();
  });
  after(() => site.close());

  it('is read up to the limit: rules before it apply, rules past it do not, and a warning says so', async () => {
    const filler = '# a comment line that only takes room in a file served by a hostile or careless site\n';
    const head = 'User-agent: *\nDisallow: /status/403\n';
    // The line that crosses the limit is dropped whole, not read half ("Disallow: /sta" would forbid /status/*).
    const pad = filler.repeat(Math.ceil(ROBOTS_PARSE_LIMIT / filler.length));
    const cut = head + pad.slice(0, ROBOTS_PARSE_LIMIT - head.length - 5);
    site.robots = `${cut}\nDisallow: /status\n${filler.repeat(20_000)}Disallow: /echo\n`;
    assert.ok(site.robots.length > 2 * ROBOTS_PARSE_LIMIT);
    const h = await openDownloader({ ROBOTSTXT_OBEY: true });
    try {
      await assert.rejects(h.get(site.url('/status/403')), RobotsTxtForbiddenError);
      assert.equal((await h.get(site.url('/status/200'))).status, 200);
      assert.equal((await h.get(site.url('/echo'))).status, 200);
      assert.ok(h.sink.lines.some((l) => l.includes('WARNING') && /robots\.txt at .* is \d+ bytes: only its first \d+ bytes are read/.test(l)), h.sink.lines.join('\n'));
      assert.equal(h.stats.getValue('robotstxt/truncated'), 1);
    } finally {
      await h.close();
    }
  });
});
