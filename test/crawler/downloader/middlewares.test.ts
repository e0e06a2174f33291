import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { RobotsTxtForbiddenError } from '../../../src/crawler/downloader/errors.js';
import { IgnoreRequest } from '../../../src/crawler/errors.js';
import { Request } from '../../../src/crawler/http/request.js';
import { startFaultSite, type FaultSite } from '../../support/fault-site.js';
import { json, onlyMiddlewares, openDownloader } from './helpers.js';

const execFileP = promisify(execFile);

describe('headers, user agent, auth', { timeout: 30_000 }, () => {
  let site: FaultSite;
  before(async () => {
    site = await startFaultSite();
  });
  after(() => site.close());

  it('adds DEFAULT_REQUEST_HEADERS and USER_AGENT unless the request sets them', async () => {
    const h = await openDownloader({ USER_AGENT: 'ua-setting', DEFAULT_REQUEST_HEADERS: { 'X-Default': 'd', Accept: 'text/plain' } });
    try {
      const e = json(await h.get(site.url('/echo')));
      assert.equal(e.headers['user-agent'], 'ua-setting');
      assert.equal(e.headers['x-default'], 'd');
      assert.equal(e.headers['accept-encoding'], 'gzip, deflate, br');
      const e2 = json(await h.get(new Request(site.url('/echo'), { headers: { 'User-Agent': 'mine', 'X-Default': 'own' } })));
      assert.equal(e2.headers['user-agent'], 'mine');
      assert.equal(e2.headers['x-default'], 'own');
    } finally {
      await h.close();
    }
  });

  it("prefers the spider's userAgent", async () => {
    const h = await openDownloader({ USER_AGENT: 'ua-setting' }, { userAgent: 'spider-ua' });
    try {
      assert.equal(json(await h.get(site.url('/echo'))).headers['user-agent'], 'spider-ua');
    } finally {
      await h.close();
    }
  });

  it('sends Basic auth to the first domain only (or httpAuthDomain)', async () => {
    const h = await openDownloader({}, { httpUser: 'u', httpPass: 'p' });
    try {
      const e = json(await h.get(site.url('/echo')));
      assert.equal(e.headers.authorization, 'Basic ' + Buffer.from('u:p').toString('base64'));
    } finally {
      await h.close();
    }
    const h2 = await openDownloader({}, { httpUser: 'u', httpPass: 'p', httpAuthDomain: 'example.com' });
    try {
      assert.equal(json(await h2.get(site.url('/echo'))).headers.authorization, undefined);
    } finally {
      await h2.close();
    }
  });

  it('DownloadTimeoutMiddleware sets meta.download_timeout', async () => {
    const h = await openDownloader({ DOWNLOAD_TIMEOUT: 7 });
    try {
      const r = await h.get(site.url('/ok'));
      assert.equal(r.meta.download_timeout, 7);
      const r2 = await h.get(new Request(site.url('/ok'), { meta: { download_timeout: 3 } }));
      assert.equal(r2.meta.download_timeout, 3);
    } finally {
      await h.close();
    }
  });
});

describe('CookiesMiddleware', { timeout: 30_000 }, () => {
  let site: FaultSite;
  before(async () => {
    site = await startFaultSite();
  });
  after(() => site.close());

  it('keeps cookies per crawl and sends them back, merging request.cookies', async () => {
    const h = await openDownloader({ COOKIES_DEBUG: true });
    try {
      await h.get(site.url('/set-cookie?name=session&value=s1'));
      const e = json(await h.get(new Request(site.url('/echo'), { cookies: { extra: 'x' } })));
      assert.match(e.headers.cookie, /session=s1/);
      assert.match(e.headers.cookie, /extra=x/);
      assert.ok(h.sink.lines.some((l) => l.includes('Received cookies from') && l.includes('Set-Cookie: session=s1')));
      assert.ok(h.sink.lines.some((l) => l.includes('Sending cookies to') && l.includes('session=s1')));
      // A second crawl has its own jar.
      const other = await openDownloader();
      assert.equal(json(await other.get(site.url('/echo'))).headers.cookie, undefined);
      await other.close();
    } finally {
      await h.close();
    }
  });

  it('keeps separate jars per meta.cookiejar and honours dont_merge_cookies', async () => {
    const h = await openDownloader();
    try {
      await h.get(new Request(site.url('/set-cookie?name=a&value=1'), { meta: { cookiejar: 1 } }));
      await h.get(new Request(site.url('/set-cookie?name=a&value=2'), { meta: { cookiejar: 2 } }));
      assert.equal(json(await h.get(new Request(site.url('/echo'), { meta: { cookiejar: 1 } }))).headers.cookie, 'a=1');
      assert.equal(json(await h.get(new Request(site.url('/echo'), { meta: { cookiejar: 2 } }))).headers.cookie, 'a=2');
      assert.equal(json(await h.get(site.url('/echo'))).headers.cookie, undefined);
      const own = json(await h.get(new Request(site.url('/echo'), { headers: { Cookie: 'mine=1' }, meta: { cookiejar: 1, dont_merge_cookies: true } })));
      assert.equal(own.headers.cookie, 'mine=1');
    } finally {
      await h.close();
    }
  });

  it('loads tough-cookie only when the first cookie arrives', async () => {
    // In a fresh process: this one has loaded it already. tough-cookie requires tldts (CommonJS).
    const script = `
      import { createRequire } from 'node:module';
      import { openDownloader } from ${JSON.stringify(new URL('./helpers.ts', import.meta.url).href)};
      const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('/tldts/'));
      const h = await openDownloader();
      await h.get(${JSON.stringify(site.url('/echo'))});
      const before = loaded();
      await h.get(${JSON.stringify(site.url('/set-cookie?name=a&value=1'))});
      const cookie = JSON.parse((await h.get(${JSON.stringify(site.url('/echo'))})).text).headers.cookie;
      await h.close();
      console.log(JSON.stringify({ before, after: loaded(), cookie }));`;
    const { stdout } = await execFileP(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 30_000 });
    assert.deepEqual(JSON.parse(stdout.trim().split('\n').pop()!), { before: false, after: true, cookie: 'a=1' });
  });

  it('is off with COOKIES_ENABLED=false', async () => {
    const h = await openDownloader({ COOKIES_ENABLED: false });
    try {
      await h.get(site.url('/set-cookie?name=a&value=1'));
      assert.equal(json(await h.get(site.url('/echo'))).headers.cookie, undefined);
    } finally {
      await h.close();
    }
  });
});

describe('RobotsTxtMiddleware', { timeout: 30_000 }, () => {
  let site: FaultSite;
  before(async () => {
    site = await startFaultSite();
  });
  after(() => site.close());

  it('fetches robots.txt once per origin while requests wait, and forbids what it disallows', async () => {
    site.reset();
    site.robots = 'User-agent: *\nDisallow: /status\n\nUser-agent: otherbot\nDisallow: /\n';
    let answerRobots!: () => void;
    site.robotsGate = new Promise<void>((resolve) => (answerRobots = resolve));
    const h = await openDownloader({ ROBOTSTXT_OBEY: true, CONCURRENT_REQUESTS: 2 });
    try {
      const p = [h.get(site.url('/ok')), h.get(site.url('/echo')), h.get(site.url('/status/200')).catch((e: Error) => e)];
      // robots.txt is held by the site until the requests waiting for it are seen.
      while (!site.requests.some((r) => r.url === '/robots.txt')) await new Promise((r) => setTimeout(r, 5));
      assert.equal(h.downloader.backoutReason(), 'robots.txt');
      answerRobots();
      const [ok, echo, forbidden] = await Promise.all(p);
      assert.equal((ok as { status: number }).status, 200);
      assert.equal((echo as { status: number }).status, 200);
      assert.ok(forbidden instanceof RobotsTxtForbiddenError);
      assert.ok(forbidden instanceof IgnoreRequest);
      assert.equal(site.requests.filter((r) => r.url === '/robots.txt').length, 1);
      const s = h.stats.getStats();
      assert.equal(s['robotstxt/request_count'], 1);
      assert.equal(s['robotstxt/response_count'], 1);
      assert.equal(s['robotstxt/response_status_count/200'], 1);
      assert.equal(s['robotstxt/forbidden'], 1);
      // meta.dont_obey_robotstxt skips the check.
      assert.equal((await h.get(new Request(site.url('/status/200'), { meta: { dont_obey_robotstxt: true } }))).status, 200);
    } finally {
      await h.close();
      site.robotsGate = null;
    }
  });

  it('matches ROBOTSTXT_USER_AGENT', async () => {
    site.robots = 'User-agent: otherbot\nDisallow: /\n';
    const h = await openDownloader({ ROBOTSTXT_OBEY: true, ROBOTSTXT_USER_AGENT: 'OtherBot/2.0' });
    try {
      await assert.rejects(h.get(site.url('/ok')), RobotsTxtForbiddenError);
    } finally {
      await h.close();
    }
  });

  for (const [robots, label] of [
    [{ status: 404 }, '4xx'],
    [{ status: 500 }, '5xx'],
    [{ drop: true }, 'a network error'],
  ] as const) {
    it(`allows everything when robots.txt gives ${label}`, async () => {
      site.robots = robots;
      const h = await openDownloader({ ROBOTSTXT_OBEY: true, RETRY_TIMES: 0 });
      try {
        assert.equal((await h.get(site.url('/status/200'))).status, 200);
        if (label !== '4xx') assert.ok(h.sink.lines.some((l) => l.includes('WARNING') && l.includes('allowing every request')), h.sink.lines.join('\n'));
      } finally {
        await h.close();
      }
    });
  }
});
