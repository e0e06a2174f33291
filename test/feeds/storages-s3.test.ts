import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { Settings } from '../../src/crawler/settings/settings.js';
import { FeedExporter } from '../../src/feeds/index.js';
import { createS3Client } from '../../src/feeds/storages/index.js';
import { startLocalS3, type LocalS3 } from '../media/s3-server.js';
import { errors, makeCrawler, runFeeds, tempDir } from './helpers.js';

const items = (n: number, pad = 0): Array<{ i: number; pad?: string }> => Array.from({ length: n }, (_, i) => (pad ? { i, pad: 'x'.repeat(pad) } : { i }));
const lines = (text: string) => text.trim().split('\n').map((l) => JSON.parse(l) as { i: number });

describe('FEEDS to s3:// (a local S3-compatible server)', { timeout: 120_000 }, () => {
  let s3: LocalS3;
  let client: S3Client;
  let spool: { dir: string; cleanup: () => void };
  before(async () => {
    s3 = await startLocalS3();
    client = await createS3Client(new Settings(s3.settings));
    spool = tempDir();
  });
  after(async () => {
    client.destroy();
    await s3.close();
    spool.cleanup();
  });

  const keys = async (prefix: string) =>
    ((await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix }))).Contents ?? []).map((o) => o.Key!).sort();
  const read = async (key: string) => (await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }))).Body!.transformToString();
  const settings = (extra: Record<string, unknown> = {}) => ({ ...s3.settings, FEED_TEMPDIR: spool.dir, ...extra });

  it('every batch (%(batch_id)d) lands in the bucket on close; the local copies are removed', async () => {
    const crawler = makeCrawler(settings({ FEEDS: { 's3://bucket/run1/items-%(batch_id)d.jsonl': { format: 'jsonl' } }, FEED_EXPORT_BATCH_ITEM_COUNT: 1000 }));
    await runFeeds(crawler, items(2500));
    assert.deepEqual(errors(crawler), []);
    assert.deepEqual(await keys('run1/'), ['run1/items-1.jsonl', 'run1/items-2.jsonl', 'run1/items-3.jsonl']);
    const all = [...lines(await read('run1/items-1.jsonl')), ...lines(await read('run1/items-2.jsonl')), ...lines(await read('run1/items-3.jsonl'))];
    assert.deepEqual(all.map((x) => x.i), items(2500).map((x) => x.i));
    assert.ok(crawler.sink.lines.some((l) => l.includes('Stored jsonl feed (2500 items) in: s3://bucket/run1/items-3.jsonl')));
    assert.deepEqual(readdirSync(spool.dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()), []);
    assert.equal(crawler.stats.getValue('feedexport/success_count'), 1);
  });

  it('a feed bigger than one upload part goes up as a multipart upload, whole', async () => {
    const crawler = makeCrawler(settings({ FEEDS: { 's3://bucket/big.jsonl': { format: 'jsonl' } } }));
    await runFeeds(crawler, items(10_000, 1000));
    assert.deepEqual(errors(crawler), []);
    const got = lines(await read('big.jsonl'));
    assert.equal(got.length, 10_000);
    assert.equal(got[9_999]!.i, 9_999);
  });

  it('the server going down mid-crawl: batches sent before are in the bucket, the others stay on disk, named in the log', async () => {
    const local = await startLocalS3('down');
    const crawler = makeCrawler({ ...local.settings, FEED_TEMPDIR: spool.dir, FEEDS: { 's3://down/part-%(batch_id)d.jsonl': { format: 'jsonl' } }, FEED_EXPORT_BATCH_ITEM_COUNT: 2 });
    const exporter = FeedExporter.fromCrawler(crawler);
    const spider = crawler.spider;
    const send = (item: unknown) => crawler.signals.sendAsync('itemScraped', { item, response: null, spider });
    await crawler.signals.sendAsync('spiderOpened', { spider });
    for (const item of items(3)) await send(item);
    const localClient = await createS3Client(new Settings(local.settings));
    const sent = ((await localClient.send(new ListObjectsV2Command({ Bucket: 'down' }))).Contents ?? []).map((o) => o.Key);
    localClient.destroy();
    assert.deepEqual(sent, ['part-1.jsonl']);
    await local.close();
    for (const item of items(6).slice(3)) await send(item);
    await crawler.signals.sendAsync('spiderClosed', { spider, reason: 'finished' });
    const kept = crawler.sink.lines.filter((l) => l.includes('ERROR') && l.includes('the batch is kept in'));
    assert.equal(kept.length, 2, crawler.sink.lines.join('\n'));
    const paths = kept.map((l) => /kept in (\S+)$/.exec(l)![1]!);
    assert.deepEqual(lines(readFileSync(paths[0]!, 'utf8')).map((x) => x.i), [2, 3]);
    assert.deepEqual(lines(readFileSync(paths[1]!, 'utf8')).map((x) => x.i), [4, 5]);
    assert.ok(paths[0]!.startsWith(spool.dir));
    assert.equal(crawler.stats.getValue('feedexport/failed_count'), 1);
    assert.equal(crawler.stats.getValue('feedexport/upload_failed_count'), 2);
    assert.ok(exporter);
  });

  it('rejected credentials: a clear error, the feed kept locally, the secret never printed', async () => {
    const secret = 'Sup3rSecretValue';
    const crawler = makeCrawler(settings({ AWS_ACCESS_KEY_ID: 'WRONGKEY', AWS_SECRET_ACCESS_KEY: secret, FEEDS: { 's3://bucket/denied.jsonl': { format: 'jsonl' } } }));
    await runFeeds(crawler, items(3));
    const log = crawler.sink.lines.join('\n');
    assert.match(log, /ERROR: Feed s3:\/\/bucket\/denied\.jsonl: could not upload to s3:\/\/bucket\/denied\.jsonl: InvalidAccessKeyId/);
    const path = /kept in (\S+)$/m.exec(log)![1]!;
    assert.equal(lines(readFileSync(path, 'utf8')).length, 3);
    assert.ok(!log.includes(secret));
    assert.deepEqual(await keys('denied'), []);
  });

  it('a storage down at start keeps the feed too; credentials in the URI are refused without printing them', async () => {
    const crawler = makeCrawler(settings({ AWS_ENDPOINT_URL: 'http://127.0.0.1:1', FEEDS: { 's3://bucket/nowhere.jsonl': { format: 'jsonl' } } }));
    await runFeeds(crawler, items(2));
    const line = crawler.sink.lines.find((l) => l.includes('the batch is kept in'))!;
    assert.ok(line, crawler.sink.lines.join('\n'));
    assert.ok(existsSync(/kept in (\S+)$/.exec(line)![1]!));
    assert.throws(
      () => FeedExporter.fromCrawler(makeCrawler(settings({ FEEDS: { 's3://AKIA:topsecret@bucket/x.jsonl': {} } }))),
      (err: Error) => /holds credentials; set AWS_ACCESS_KEY_ID/.test(err.message) && !err.message.includes('topsecret'),
    );
  });
});
