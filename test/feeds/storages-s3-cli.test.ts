import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { Settings } from '../../src/crawler/settings/settings.js';
import { createS3Client } from '../../src/feeds/storages/index.js';
import { runCli, tempTree } from '../cli/helpers.js';
import { startLocalS3, type LocalS3 } from '../media/s3-server.js';

const SPIDER = `import { Spider } from 'tscrapy';
export default class Numbers extends Spider {
  name = 'numbers';
  startUrls = ['data:,start'];
  *parse() {
    for (let i = 0; i < 2500; i++) yield { i };
  }
}
`;

describe('tscrapy runspider -o s3://… (local S3-compatible server)', { timeout: 120_000 }, () => {
  let s3: LocalS3;
  let client: S3Client;
  let tree: Awaited<ReturnType<typeof tempTree>>;
  before(async () => {
    s3 = await startLocalS3();
    client = await createS3Client(new Settings(s3.settings));
    tree = await tempTree({ 'numbers.ts': SPIDER }, 'tscrapy-s3-cli-');
  });
  after(async () => {
    client.destroy();
    await s3.close();
    await tree.cleanup();
  });

  it('FEED_EXPORT_BATCH_ITEM_COUNT=1000 leaves every batch in the bucket; credentials from the environment are not printed', async () => {
    const r = await runCli(
      ['runspider', 'numbers.ts', '-o', 's3://bucket/cli/items-%(batch_id)d.jsonl', '-s', 'FEED_EXPORT_BATCH_ITEM_COUNT=1000', '-s', `AWS_ENDPOINT_URL=${s3.endpoint}`, '-s', `FEED_TEMPDIR=${tree.dir}`],
      tree.dir,
      { env: { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' }, timeoutMs: 100_000 },
    );
    assert.equal(r.code, 0, r.stderr);
    const listed = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: 'cli/' }));
    const keys = (listed.Contents ?? []).map((o) => o.Key!).sort();
    assert.deepEqual(keys, ['cli/items-1.jsonl', 'cli/items-2.jsonl', 'cli/items-3.jsonl']);
    let count = 0;
    for (const key of keys) count += (await (await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }))).Body!.transformToString()).trim().split('\n').length;
    assert.equal(count, 2500);
    assert.ok(!`${r.stdout}${r.stderr}`.includes('S3RVER'));
  });
});
