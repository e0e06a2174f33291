// /logs/ and /items/ directory listings as ScrapydWeb reads them: Scrapyd 1.6's pages
// (Twisted static.File's listing + Scrapyd's Last modified column, scrapyd/website.py),
// parsed with ScrapydWeb's DIRECTORY_PATTERN (scrapyd-clients.ts).
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { withDeployedServer, type TestServer } from './helpers.js';
import { scrapydWebListing } from './scrapyd-clients.js';


const get = async (t: TestServer, path: string) => {
  const res = await fetch(new URL(path, t.url), { redirect: 'manual' });
  return { status: res.status, text: await res.text(), headers: res.headers };
};

/** The status of a GET sent with the path exactly as written (fetch would resolve `%2E%2E`). */
function rawStatus(t: TestServer, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(t.url), { path, method: 'GET' }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('directory listings in Scrapyd shape (ScrapydWeb Logs and Items pages)', { timeout: 60_000 }, () => {
  it('lists projects, spiders and job files; ScrapydWeb follows each link', async () => {
    await withDeployedServer({}, async (t) => {
      for (const id of ['j1', 'j2']) {
        await t.post('/schedule.json', { project: 'demo', spider: 'alpha', jobid: id, items: '2' });
        await t.waitFor(async () => (await t.get('/status.json', { job: id })).body.currstate === 'finished', `${id} to finish`);
      }
      for (const kind of ['logs', 'items'] as const) {
        const ext = kind === 'logs' ? 'log' : 'jl';
        const root = scrapydWebListing((await get(t, `/${kind}/`)).text, kind);
        assert.deepEqual(root?.map((r) => [r.odd_even, r.href, r.filename, r.size, r.content_type]), [['odd', 'demo/', 'demo/', '', '[Directory]']]);
        assert.match(root![0]!.last_modified, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
        const project = scrapydWebListing((await get(t, `/${kind}/demo/`)).text, kind);
        assert.deepEqual(project?.map((r) => r.filename), ['alpha/']);
        const page = await get(t, `/${kind}/demo/alpha/`);
        assert.equal(page.status, 200);
        assert.match(page.text, new RegExp(`<title>Directory listing for /${kind}/demo/alpha/</title>`));
        const files = scrapydWebListing(page.text, kind)!;
        assert.deepEqual(files.map((r) => [r.odd_even, r.filename, r.content_type, r.content_encoding]), [
          ['odd', `j1.${ext}`, '[text/plain]', ''],
          ['even', `j2.${ext}`, '[text/plain]', ''],
        ]);
        for (const row of files) {
          assert.match(row.size, /^\d+[BKMG]$/);
          // ScrapydWeb: row['href'] = url + row['href'], url being http://SERVER/logs/demo/alpha/
          const file = await get(t, `/${kind}/demo/alpha/${row.href}`);
          assert.equal(file.status, 200);
          assert.equal(`${Buffer.byteLength(file.text)}B`, row.size);
        }
      }
    });
  });

  it('serves what LogParser writes next to the logs (stats.json, JOB.json), and redirects /logs to /logs/', async () => {
    await withDeployedServer({}, async (t) => {
      const logs = t.config.logs_dir;
      mkdirSync(join(logs, 'demo', 'alpha'), { recursive: true });
      writeFileSync(join(logs, 'stats.json'), '{"datas": {}}');
      writeFileSync(join(logs, 'demo', 'alpha', 'j1.json'), '{"pages": 3}');
      const stats = await get(t, '/logs/stats.json');
      assert.deepEqual([stats.status, stats.headers.get('content-type'), stats.text], [200, 'application/json', '{"datas": {}}']);
      assert.equal((await get(t, '/logs/demo/alpha/j1.json')).text, '{"pages": 3}');
      const root = scrapydWebListing((await get(t, '/logs/')).text, 'logs')!;
      assert.deepEqual(root.map((r) => [r.filename, r.content_type, r.size]), [['demo/', '[Directory]', ''], ['stats.json', '[application/json]', '13B']]);
      const redirect = await get(t, '/logs');
      assert.deepEqual([redirect.status, redirect.headers.get('location')], [302, '/logs/']);
    });
  });

  it('an empty logs folder lists nothing; unknown paths, symlinks and a disabled items_dir answer 404, bad percent-encoding 400', async () => {
    await withDeployedServer({ items_dir: '' }, async (t) => {
      assert.deepEqual(scrapydWebListing((await get(t, '/logs/')).text, 'logs'), []);
      mkdirSync(join(t.config.logs_dir, 'demo'), { recursive: true });
      symlinkSync('/etc', join(t.config.logs_dir, 'demo', 'etc'));
      symlinkSync('/etc/hostname', join(t.config.logs_dir, 'hostname'));
      assert.deepEqual(scrapydWebListing((await get(t, '/logs/demo/')).text, 'logs'), []);
      for (const path of ['/items/', '/logs/nope/', '/logs/demo/etc/', '/logs/hostname', '/logs/..%2F/', '/logs/a%2Fb/', '/logs/demo/x/y/z/']) {
        assert.equal(await rawStatus(t, path), 404, path);
      }
      assert.equal(await rawStatus(t, '/logs/%E0%A4%A/'), 400, 'a path that does not percent-decode is a bad request');
    });
  });
});
