// items_dir as a feed URI, as in Scrapyd: a deployed job's items go to
// <items_dir>/PROJECT/SPIDER/JOB.jl on a local S3 server (s3rver) or FTP server (ftp-srv),
// run by the real job child; the server keeps no copy and links none.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { Settings } from '../../src/crawler/settings/settings.js';
import { createS3Client } from '../../src/feeds/storages/index.js';
import { loadServerConfig } from '../../src/server/config.js';
import { ServerConfigError } from '../../src/server/errors.js';
import { remoteItemsUri } from '../../src/server/items-dir.js';
import { startServer } from '../../src/server/server.js';
import { startLocalFtp } from '../media/ftp-server.js';
import { startLocalS3 } from '../media/s3-server.js';
import { startTestServer, tempDir, testConfig } from './helpers.js';
import { realBundle, site } from './real-bundle.js';

const job = { project: 'p1', spider: 's1', id: 'j1' };

describe('items_dir as a feed URI: configuration', () => {
  it('builds each job\'s feed URI as Scrapyd does (posixpath.join into the path, query and fragment kept)', () => {
    assert.equal(remoteItemsUri({ items_dir: 's3://bucket' }, job), 's3://bucket/p1/s1/j1.jl');
    assert.equal(remoteItemsUri({ items_dir: 's3://bucket/items/' }, job), 's3://bucket/items/p1/s1/j1.jl');
    assert.equal(remoteItemsUri({ items_dir: 'ftp://u:pw@host:2121/path?query=value#fragment' }, job), 'ftp://u:pw@host:2121/path/p1/s1/j1.jl?query=value#fragment');
  });

  it('an s3:// or ftp:// items_dir is kept as given, a file: URI becomes its path; a relative folder still resolves', () => {
    const cwd = tempDir('tscrapy-itemsdir-');
    try {
      const load = (items_dir: string) => loadServerConfig({ cwd, home: cwd, etcDir: join(cwd, 'etc'), env: {}, flags: { items_dir } }).config.items_dir;
      assert.equal(load('s3://bucket/items'), 's3://bucket/items');
      assert.equal(load('ftp://user:pw@127.0.0.1:2121/items'), 'ftp://user:pw@127.0.0.1:2121/items');
      assert.equal(load('file:///srv/items?ignored'), '/srv/items');
      assert.equal(load('items'), join(cwd, 'items'));
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('a bad items_dir stops the server with one error naming the key and the valid forms, never the credentials', async () => {
    const cases: Array<[string, RegExp]> = [
      ['http://host/items', /scheme "http" has no feed storage/],
      ['s3://AKIAKEY:topsecret@bucket/items', /holds credentials; set AWS_ACCESS_KEY_ID/],
      ['s3:///items', /is not an S3 URI/],
      ['ftp://user:topsecret@/items', /not a valid FTP URI|has no host/],
    ];
    for (const [value, why] of cases) {
      assert.throws(
        () => loadServerConfig({ cwd: '/', home: '/nonexistent', etcDir: '/nonexistent', env: {}, flags: { items_dir: value } }),
        (err: Error) => {
          assert.ok(err instanceof ServerConfigError, String(err));
          assert.match(err.message, /for items_dir in --items-dir: /);
          assert.match(err.message, why);
          assert.match(err.message, /expected a directory path, a file:\/\/ URI, s3:\/\/bucket/);
          assert.ok(!err.message.includes('topsecret') && !err.message.includes('AKIAKEY'), err.message);
          return true;
        },
      );
    }
    const dir = tempDir();
    try {
      await assert.rejects(startServer({ config: testConfig(dir, { items_dir: 'gs://bucket/items' }) }), (err: Error) => err instanceof ServerConfigError && /items_dir in the server config/.test(err.message));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('items_dir as a feed URI: deployed jobs', { timeout: 180_000 }, () => {
  it('s3://: the job\'s items land in the bucket at items/PROJECT/SPIDER/JOB.jl; no items_url, no /items/ listing, no local folder', async () => {
    const s3 = await startLocalS3('crawls');
    const web = await site(3);
    const logs: string[] = [];
    const t = await startTestServer({ items_dir: 's3://crawls/items', max_proc: 1 }, { runnerScript: undefined, log: (m) => logs.push(m) });
    const s3client = await createS3Client(new Settings(s3.settings));
    try {
      assert.equal((await t.upload('shop', '1', await realBundle('shop', '1'))).body.status, 'ok');
      const settings = Object.entries(s3.settings).map(([k, v]) => `${k}=${v}`);
      const r = await t.post('/schedule.json', { project: 'shop', spider: 'alpha', jobid: 'j1', start_url: `${web.url}p1`, setting: settings });
      assert.equal(r.body.status, 'ok', JSON.stringify(r.body));
      const done = await t.waitFor(async () => (await t.get('/listjobs.json')).body.finished[0], 'the job to finish', 120_000);
      const job = (await t.get('/job.json', { job: 'j1' })).body.job;
      assert.equal(job.finish_reason, 'finished', `${job.message}\n${readFileSync(join(t.dir, 'logs', 'shop', 'alpha', 'j1.log'), 'utf8')}`);
      const keys = ((await s3client.send(new ListObjectsV2Command({ Bucket: 'crawls' }))).Contents ?? []).map((o) => o.Key);
      assert.deepEqual(keys, ['items/shop/alpha/j1.jl']);
      const body = await (await s3client.send(new GetObjectCommand({ Bucket: 'crawls', Key: 'items/shop/alpha/j1.jl' }))).Body!.transformToString();
      assert.deepEqual(body.trim().split('\n').map((l) => (JSON.parse(l) as { url: string }).url), [`${web.url}p1`, `${web.url}p2`, `${web.url}p3`]);
      assert.equal(done.items_count, 3);
      assert.equal(done.items_url, null, 'Scrapyd gives no items_url for a remote items_dir');
      assert.match(done.log_url, /^\/logs\/shop\/alpha\/j1\.log$/);
      assert.equal((await t.get('/items/')).status, 404);
      assert.equal((await t.get('/items/shop/alpha/j1.jl')).status, 404);
      assert.doesNotMatch((await t.get('/jobs')).body, /<th>Items<\/th>/);
      assert.match((await t.get('/jobs/j1')).body, /Items sent to <code>s3:\/\/crawls\/items\/shop\/alpha\/j1\.jl<\/code>/);
      assert.ok(!existsSync(join(t.dir, 'items')) && !existsSync(join(process.cwd(), 's3:')), 'no local items folder');
      assert.ok(logs.some((l) => l.includes('Job items go to PROJECT/SPIDER/JOB.jl under s3://crawls/items')), logs.join('\n'));
    } finally {
      s3client.destroy();
      await t.close();
      await s3.close();
      web.server.close();
    }
  });

  it('ftp:// with credentials in items_dir: the items land on the FTP server; the password shows nowhere', async () => {
    const ftp = await startLocalFtp();
    const web = await site(2);
    const logs: string[] = [];
    const t = await startTestServer({ items_dir: `${ftp.origin}/feeds`, max_proc: 1 }, { runnerScript: undefined, log: (m) => logs.push(m) });
    try {
      assert.equal((await t.upload('shop', '1', await realBundle('shop', '1'))).body.status, 'ok');
      assert.equal((await t.post('/schedule.json', { project: 'shop', spider: 'alpha', jobid: 'f1', start_url: `${web.url}p1` })).body.status, 'ok');
      await t.waitFor(async () => (await t.get('/listjobs.json')).body.finished.length === 1, 'the job to finish', 120_000);
      const jobLog = readFileSync(join(t.dir, 'logs', 'shop', 'alpha', 'f1.log'), 'utf8');
      const job = (await t.get('/job.json', { job: 'f1' })).body.job;
      assert.equal(job.finish_reason, 'finished', `${job.message}\n${jobLog}`);
      const stored = readFileSync(join(ftp.root, 'feeds', 'shop', 'alpha', 'f1.jl'), 'utf8');
      assert.equal(stored.trim().split('\n').length, 2);
      const shown = [jobLog, logs.join('\n'), JSON.stringify((await t.get('/listjobs.json')).body), (await t.get('/jobs/f1')).body, (await t.get('/jobs')).body];
      for (const text of shown) assert.ok(!text.includes(ftp.password), text);
      assert.match((await t.get('/jobs/f1')).body, /Items sent to <code>ftp:\/\/crawler:\*\*\*\*@127\.0\.0\.1:\d+\/feeds\/shop\/alpha\/f1\.jl<\/code>/);
    } finally {
      await t.close();
      await ftp.close();
      web.server.close();
    }
  });
});
