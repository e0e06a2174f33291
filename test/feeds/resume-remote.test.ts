// A remote feed (s3://, ftp://) of a JOBDIR job that is paused and resumed: every item must reach
// the storage exactly once, whether the job paused gracefully, crashed, or could not upload.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { Settings } from '../../src/crawler/settings/settings.js';
import { FeedExporter, feedsStatePath } from '../../src/feeds/index.js';
import { createS3Client } from '../../src/feeds/storages/index.js';
import { startLocalFtp, type LocalFtp } from '../media/ftp-server.js';
import { startLocalS3, type LocalS3 } from '../media/s3-server.js';
import { shopSpider, startCountingSite, type CountingSite } from '../crawler/jobdir/helpers.js';
import { errors, makeCrawler, runFeeds, tempDir } from './helpers.js';

const BIN = new URL('../../bin/run.js', import.meta.url).pathname;

const range = (from: number, to: number): Array<{ i: number }> => Array.from({ length: to - from }, (_, k) => ({ i: from + k }));
const ids = (text: string) => text.split('\n').filter((l) => l.trim() !== '').map((l) => (JSON.parse(l) as { i: number }).i);

/** A storage that appends each batch to a local file (as FTP with overwrite: false), refusing while `down`. */
class AppendingStorage {
  static down = false;
  readonly appends = true;
  readonly description: string;
  readonly #dest: string;
  constructor(uri: string) {
    this.description = uri;
    this.#dest = uri.slice('append://'.length);
  }
  async store(localPath: string): Promise<void> {
    if (AppendingStorage.down) throw new Error('the storage is down');
    appendFileSync(this.#dest, readFileSync(localPath));
  }
}

describe('remote feeds of a JOBDIR job, paused and resumed', { timeout: 120_000 }, () => {
  let s3: LocalS3;
  let ftp: LocalFtp;
  let client: S3Client;
  let tmp: { dir: string; cleanup: () => void };
  before(async () => {
    s3 = await startLocalS3();
    ftp = await startLocalFtp();
    client = await createS3Client(new Settings(s3.settings));
    tmp = tempDir();
  });
  after(async () => {
    client.destroy();
    await s3.close();
    await ftp.close();
    tmp.cleanup();
  });

  const objects = async (prefix: string): Promise<Record<string, number[]>> => {
    const out: Record<string, number[]> = {};
    for (const o of (await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix }))).Contents ?? []) {
      out[o.Key!] = ids(await (await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: o.Key! }))).Body!.transformToString());
    }
    return out;
  };
  const settings = (jobdir: string, feeds: Record<string, object>, extra: Record<string, unknown> = {}) => ({ ...s3.settings, JOBDIR: join(tmp.dir, jobdir), FEEDS: feeds, ...extra });

  it('batches: the batch in progress at the pause is uploaded, and the resumed job goes on in a new batch', async () => {
    const s = settings('job-batches', { 's3://bucket/b/items-%(batch_id)d.jsonl': { format: 'jsonl' } }, { FEED_EXPORT_BATCH_ITEM_COUNT: 5 });
    await runFeeds(makeCrawler(s), range(0, 7), 'shutdown');
    const resumed = makeCrawler(s);
    await runFeeds(resumed, range(7, 15), 'shutdown');
    const last = makeCrawler(s);
    await runFeeds(last, range(15, 18));
    assert.deepEqual(errors(resumed), []);
    assert.deepEqual(errors(last), []);
    const got = await objects('b/');
    assert.deepEqual(Object.values(got).flat().sort((a, b) => a - b), range(0, 18).map((x) => x.i), JSON.stringify(got));
    assert.deepEqual(got['b/items-2.jsonl'], [5, 6], 'the batch paused in is sent as it stood');
  });

  it('one object: the resumed job sends it whole (items of every run, once each)', async () => {
    const s = settings('job-one', { 's3://bucket/one.jsonl': { format: 'jsonl' }, 's3://bucket/one.json': { format: 'json' } });
    await runFeeds(makeCrawler(s), range(0, 4), 'shutdown');
    assert.deepEqual((await objects('one.jsonl'))['one.jsonl'], [0, 1, 2, 3], 'sent at the pause');
    await runFeeds(makeCrawler(s), range(4, 6), 'shutdown');
    const last = makeCrawler(s);
    await runFeeds(last, range(6, 9));
    assert.deepEqual(errors(last), []);
    assert.deepEqual((await objects('one.jsonl'))['one.jsonl'], range(0, 9).map((x) => x.i));
    const json = await (await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'one.json' }))).Body!.transformToString();
    assert.deepEqual(JSON.parse(json), range(0, 9));
  });

  it('a crash (no graceful close): the resumed job uploads the torn batch, repaired', async () => {
    const s = settings('job-crash', { 's3://bucket/c/items-%(batch_id)d.jsonl': { format: 'jsonl' } }, { FEED_EXPORT_BATCH_ITEM_COUNT: 5 });
    // What a kill -9 leaves: items flushed durably (a checkpoint), the batch never closed nor sent.
    const crashed = FeedExporter.fromCrawler(makeCrawler(s));
    await crashed.open();
    for (const item of range(0, 8)) await crashed.exportItem(item);
    await crashed.flush(true);
    const state = JSON.parse(readFileSync(feedsStatePath(s.JOBDIR), 'utf8'));
    const spool = state.feeds['s3://bucket/c/items-%(batch_id)d.jsonl'].path as string;
    assert.ok(spool.startsWith(s.JOBDIR), `the batch is spooled in JOBDIR, where a resume finds it: ${spool}`);
    const last = makeCrawler(s);
    await runFeeds(last, range(8, 11));
    assert.deepEqual(errors(last), []);
    const got = await objects('c/');
    assert.deepEqual(Object.values(got).flat().sort((a, b) => a - b), range(0, 11).map((x) => x.i), JSON.stringify(got));
  });

  it('an upload that fails at the pause is retried by the resumed job', async () => {
    const down = { ...s3.settings, AWS_ENDPOINT_URL: 'http://127.0.0.1:1' };
    const s = settings('job-retry', { 's3://bucket/r/items-%(batch_id)d.jsonl': { format: 'jsonl' } }, { FEED_EXPORT_BATCH_ITEM_COUNT: 5 });
    const paused = makeCrawler({ ...s, ...down });
    await runFeeds(paused, range(0, 7), 'shutdown');
    assert.equal(errors(paused).filter((l) => l.includes('the batch is kept in')).length, 2);
    // Still down when the job resumes: the retries fail too, and every batch stays listed for the next run.
    const stillDown = makeCrawler({ ...s, ...down });
    await runFeeds(stillDown, range(7, 8), 'shutdown');
    assert.equal(errors(stillDown).filter((l) => l.includes('the batch is kept in')).length, 3);
    assert.ok(errors(stillDown).some((l) => l.includes('3 batch file(s) could not be sent') && l.includes('resuming the job sends them again')), errors(stillDown).join('\n'));
    const last = makeCrawler(s);
    await runFeeds(last, range(8, 9));
    assert.deepEqual(errors(last), []);
    assert.ok(last.sink.lines.some((l) => /sent 3 batch\(es\) kept from an earlier run/.test(l)), last.sink.lines.join('\n'));
    const got = await objects('r/');
    assert.deepEqual(Object.values(got).flat().sort((a, b) => a - b), range(0, 9).map((x) => x.i), JSON.stringify(got));
  });

  it('ftp append (overwrite: false): the resumed job appends only its own items', async () => {
    const s = { JOBDIR: join(tmp.dir, 'job-ftp'), FEEDS: { [`${ftp.origin}/resumed.jsonl`]: { format: 'jsonl', overwrite: false } } };
    await runFeeds(makeCrawler(s), range(0, 3), 'shutdown');
    const last = makeCrawler(s);
    await runFeeds(last, range(3, 5));
    assert.deepEqual(errors(last), []);
    assert.deepEqual(ids(readFileSync(join(ftp.root, 'resumed.jsonl'), 'utf8')), range(0, 5).map((x) => x.i));
    assert.ok(!existsSync(join(s.JOBDIR, 'feeds-spool', 'resumed.jsonl')));
  });

  it('an appending storage that failed at the pause gets the kept items with the resumed ones', async () => {
    const dest = join(tmp.dir, 'appended.jsonl');
    const s = { JOBDIR: join(tmp.dir, 'job-append'), FEED_STORAGES: { append: AppendingStorage }, FEEDS: { [`append://${dest}`]: { format: 'jsonl', overwrite: false } } };
    await runFeeds(makeCrawler(s), range(0, 2), 'shutdown');
    AppendingStorage.down = true;
    const failed = makeCrawler(s);
    await runFeeds(failed, range(2, 4), 'shutdown');
    assert.equal(errors(failed).filter((l) => l.includes('the batch is kept in')).length, 1);
    AppendingStorage.down = false;
    const last = makeCrawler(s);
    await runFeeds(last, range(4, 6));
    assert.deepEqual(errors(last), []);
    assert.deepEqual(ids(readFileSync(dest, 'utf8')), range(0, 6).map((x) => x.i));
  });
});

describe('tscrapy runspider with JOBDIR and an s3:// feed, paused with SIGINT mid-batch', { timeout: 240_000 }, () => {
  let s3: LocalS3;
  let client: S3Client;
  let site: CountingSite;
  let tmp: { dir: string; cleanup: () => void };
  before(async () => {
    s3 = await startLocalS3();
    client = await createS3Client(new Settings(s3.settings));
    site = await startCountingSite(400);
    tmp = tempDir();
  });
  after(async () => {
    client.destroy();
    await s3.close();
    await site.close();
    tmp.cleanup();
  });

  /** One run of the job; SIGINT once the site has served `pauseAfter` more requests (none: run to the end). */
  async function run(pauseAfter?: number): Promise<{ code: number | null; stderr: string }> {
    const args = [BIN, 'runspider', shopSpider(), '-a', `startUrl=${site.origin}/`, '-o', 's3://bucket/shop/items-%(batch_id)d.jsonl', '--no-progress',
      '-s', `JOBDIR=${join(tmp.dir, 'job')}`, '-s', 'FEED_EXPORT_BATCH_ITEM_COUNT=70', '-s', `AWS_ENDPOINT_URL=${s3.endpoint}`,
      '-s', 'CONCURRENT_REQUESTS=4', '-s', 'LOG_LEVEL=INFO', '-s', 'LOGSTATS_INTERVAL=0', '-s', 'EXIT_ERROR_THRESHOLD=-1'];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const base = site.total();
    const poll = pauseAfter === undefined ? null : setInterval(() => {
      if (site.total() - base < pauseAfter) return;
      child.kill('SIGINT');
      clearInterval(poll!);
    }, 5);
    const killer = setTimeout(() => child.kill('SIGKILL'), 100_000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    clearTimeout(killer);
    if (poll) clearInterval(poll);
    return { code, stderr };
  }

  it('every item is in the bucket exactly once', async () => {
    let paused = 0;
    for (let i = 0; i < 3; i++) {
      const r = await run(60);
      assert.equal(r.code, 0, r.stderr.slice(-2000));
      if (!/Paused the job in JOBDIR/.test(r.stderr)) break;
      paused++;
    }
    assert.ok(paused >= 1, 'the job paused at least once');
    const last = await run();
    assert.equal(last.code, 0, last.stderr.slice(-2000));
    const urls: string[] = [];
    for (const o of (await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: 'shop/' }))).Contents ?? []) {
      const text = await (await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: o.Key! }))).Body!.transformToString();
      for (const line of text.split('\n')) if (line.trim()) urls.push((JSON.parse(line) as { url: string }).url);
    }
    const ids = urls.map((u) => Number(/\/product\/(\d+)$/.exec(u)?.[1]));
    assert.equal(new Set(ids).size, ids.length, 'no item twice');
    assert.deepEqual([...ids].sort((a, b) => a - b), site.site.expectedProductIds());
  });
});
