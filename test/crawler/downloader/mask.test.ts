// One masking of credentials for every output (proxies, Redis, feeds and media stores, items_dir,
// deploy targets, settings listings): the same function, the same mask.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MASK, maskSecrets, maskUrl } from '../../../src/crawler/downloader/mask.js';
import { maskUrl as deployMaskUrl } from '../../../src/deploy/index.js';
import { Settings } from '../../../src/crawler/settings/settings.js';
import { FtpFeedStorage } from '../../../src/feeds/storages/ftp-feed-storage.js';
import { S3FeedStorage } from '../../../src/feeds/storages/s3-feed-storage.js';
import { parseS3Uri } from '../../../src/feeds/storages/index.js';
import { normalizeItemsDir } from '../../../src/server/items-dir.js';

describe('maskUrl: one mask for every URL with credentials', () => {
  it('masks the password of each URL in a text, leaving the rest byte for byte', () => {
    assert.equal(MASK, '****');
    assert.equal(maskUrl('http://u:secret@h:1/'), 'http://u:****@h:1/');
    assert.equal(maskUrl('redis://:pw@127.0.0.1:6379/0'), 'redis://:****@127.0.0.1:6379/0');
    assert.equal(maskUrl('ftp://u:p@ss@host/items-%(batch_id)d.jsonl'), 'ftp://u:****@host/items-%(batch_id)d.jsonl', 'a raw @ in the password, placeholders kept');
    assert.equal(maskUrl('Feed ftp://a:x@h/1 and http://b:y@g/2 failed'), 'Feed ftp://a:****@h/1 and http://b:****@g/2 failed');
    assert.equal(maskUrl('http://user@h/'), 'http://user@h/', 'no password, nothing to hide');
    assert.equal(maskUrl('http://h/?next=http://x:y@z/'), 'http://h/?next=http://x:****@z/');
    assert.equal(maskUrl('s3://AKIAKEY:secret@bucket/k'), 's3://****:****@bucket/k', 'an S3 URI user is the access key id');
  });

  it('is what deploy, FTP and S3 storages, items_dir and settings listings show', () => {
    assert.equal(deployMaskUrl('http://bob:secret@h/'), 'http://bob:****@h/');
    assert.equal(new FtpFeedStorage('ftp://u:Pw-1@127.0.0.1:21/x.jsonl', new Settings({})).description, 'ftp://u:****@127.0.0.1:21/x.jsonl');
    assert.throws(() => new S3FeedStorage('s3://AKIAXYZ:Secret-2@bucket/x', new Settings({})), (err: Error) => err.message.includes('s3://****:****@bucket/x') && !/AKIAXYZ|Secret-2/.test(err.message));
    assert.throws(() => parseS3Uri('s3://KEY@bucket/x', 'FEEDS'), (err: Error) => err.message.includes('s3://****:****@bucket/x'));
    assert.throws(() => normalizeItemsDir('ftp://u:Pw-3@/x', 'the test'), (err: Error) => err.message.includes('ftp://u:****@/x') && !err.message.includes('Pw-3'));
    assert.deepEqual(maskSecrets({ http_pass: 'x', FEEDS: { 'ftp://u:p@h/a': {} } }), { http_pass: '****', FEEDS: { 'ftp://u:****@h/a': {} } });
  });
});
