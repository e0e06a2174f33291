import { createReadStream } from 'node:fs';
import type { Settings } from '../../crawler/settings/settings.js';
import { StorageError } from './errors.js';
import { createS3Client, parseS3Uri, s3ErrorMessage, type S3Location } from './s3-client.js';
import type { FeedStorage } from './types.js';
import { maskUrl } from '../../crawler/downloader/mask.js';

/** Parts of a multipart upload: 8 MB each, 2 in flight at most, so memory stays flat for any feed size. */
const PART_SIZE = 8 * 1024 * 1024;
const PARTS_IN_FLIGHT = 2;

/**
 * `s3://bucket/key` feeds (Scrapy's S3FeedStorage): uploaded when the batch closes, as a
 * multipart upload streamed from the local file (S3 cannot append: the object is replaced).
 * FEED_STORAGE_S3_ACL sets the object's ACL.
 */
export class S3FeedStorage implements FeedStorage {
  readonly description: string;
  readonly #where: S3Location;
  readonly #settings: Settings;

  constructor(uri: string, settings: Settings) {
    this.#where = parseS3Uri(uri, 'FEEDS');
    this.#settings = settings;
    this.description = maskUrl(uri);
  }

  async store(localPath: string): Promise<void> {
    const client = await createS3Client(this.#settings);
    try {
      const { Upload } = await import('@aws-sdk/lib-storage').catch((err: unknown) => {
        throw new StorageError(`S3 feeds need the "@aws-sdk/lib-storage" package (npm install @aws-sdk/lib-storage): ${(err as Error).message}`);
      });
      const acl = this.#settings.get('FEED_STORAGE_S3_ACL');
      const upload = new Upload({
        client,
        params: {
          Bucket: this.#where.bucket,
          Key: this.#where.key,
          Body: createReadStream(localPath),
          ...(acl ? { ACL: String(acl) as never } : {}),
        },
        partSize: PART_SIZE,
        queueSize: PARTS_IN_FLIGHT,
      });
      await upload.done();
    } catch (err) {
      if (err instanceof StorageError) throw err;
      throw new StorageError(`could not upload to ${this.description}: ${s3ErrorMessage(err)}`, { cause: err });
    } finally {
      client.destroy();
    }
  }
}
