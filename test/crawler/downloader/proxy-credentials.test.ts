// A user name or password in a URL with a bare % ("50%off") went through decodeURIComponent:
// a proxy URL failed every request with "URIError: URI malformed", and a deploy target URL's
// credentials were skipped without a word (the upload then got a 401). Both are decoded now as
// Scrapy and scrapyd-client decode them (Python's unquote): a bare % stays a %.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resolveCredentials } from '../../../src/config/credentials.js';
import { Request } from '../../../src/crawler/http/request.js';
import { percentDecode } from '../../../src/util/percent-decode.js';
import { startFaultSite, type FaultSite } from '../../support/fault-site.js';
import { openDownloader } from './helpers.js';
import { startLocalProxy, type LocalProxy } from './local-proxy.js';

describe('credentials in URLs with a bare %', { timeout: 30_000 }, () => {
  let site: FaultSite;
  let proxy: LocalProxy;
  let home: string;
  before(async () => {
    site = await startFaultSite();
    proxy = await startLocalProxy();
    home = await mkdtemp(join(tmpdir(), 'tscrapy-pct-'));
  });
  after(async () => {
    await proxy.close();
    await site.close();
    await rm(home, { recursive: true, force: true });
  });

  it('decodes like Python unquote: valid escapes decoded, a bare % kept', () => {
    assert.equal(percentDecode('50%off'), '50%off');
    assert.equal(percentDecode('p%3A%40%'), 'p:@%');
    assert.equal(percentDecode('%C3%A9t%C3%A9'), 'été');
    assert.equal(percentDecode('%ff'), '\ufffd');
  });

  it('a proxy password with a bare % is sent as written', async () => {
    proxy.seen.length = 0;
    const h = await openDownloader();
    try {
      const r = await h.get(new Request(site.url('/echo'), { meta: { proxy: `http://user:50%off@127.0.0.1:${proxy.port}` } }));
      assert.equal(r.status, 200);
      assert.equal(proxy.seen[0]!.proxyAuthorization, 'Basic ' + Buffer.from('user:50%off').toString('base64'));
      assert.ok(!h.sink.lines.join('\n').includes('50%off'), 'the password is not logged');
    } finally {
      await h.close();
    }
  });

  it('a deploy target URL with a bare % in its password gives those credentials', async () => {
    const r = await resolveCredentials({ name: 't', url: 'http://deployer:50%off@127.0.0.1:1/' }, { env: { HOME: home }, keychain: false });
    assert.deepEqual([r.credentials?.username, r.credentials?.password, r.credentials?.source], ['deployer', '50%off', 'url']);
  });
});
