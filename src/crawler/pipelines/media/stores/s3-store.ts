import type { S3Client } from '@aws-sdk/client-s3';
import { ConcurrencyLimit } from '../../../../util/concurrency-limit.js';
import type { Settings } from '../../../settings/settings.js';
import { StorageError } from '../../../../feeds/storages/errors.js';
import { createS3Client, loadS3Sdk, parseS3Uri, s3ErrorMessage, type S3Location } from '../../../../feeds/storages/s3-client.js';
import type { FilesStore, StoredFileInfo } from './types.js';
import { maskUrl } from '../../../downloader/mask.js';

/**
 * Store calls in flight at once: items ask about all their files together (hundreds of HEADs
 * at the start of a crawl); beyond this they wait here instead of piling up in the SDK's pool.
 */
const STORE_CALLS_IN_FLIGHT = 16;

/**
 * `s3://bucket/prefix` (Scrapy's S3FilesStore), with the feeds' S3 client and AWS_* settings.
 * The checksum of a stored file is its ETag (the MD5 of a single-part upload), as in Scrapy;
 * FILES_STORE_S3_ACL sets the objects' ACL.
 */
export class S3FilesStore implements FilesStore {
  readonly #where: S3Location;
  readonly #settings: Settings;
  readonly #acl: string | undefined;
  readonly #description: string;
  #client: Promise<S3Client> | null = null;
  readonly #limit = new ConcurrencyLimit(STORE_CALLS_IN_FLIGHT);

  constructor(uri: string, settings: Settings, setting: string) {
    this.#where = parseS3Uri(uri, setting);
    this.#settings = settings;
    const acl = settings.get('FILES_STORE_S3_ACL');
    this.#acl = acl ? String(acl) : undefined;
    this.#description = maskUrl(uri);
  }

  persistFile(path: string, data: Uint8Array, meta?: { contentType?: string }): Promise<void> {
    return this.#limit.run(() => this.#put(path, data, meta));
  }

  statFile(path: string): Promise<StoredFileInfo | null> {
    return this.#limit.run(() => this.#head(path));
  }

  async #put(path: string, data: Uint8Array, meta?: { contentType?: string }): Promise<void> {
    const { PutObjectCommand } = await loadS3Sdk();
    const client = await this.#connect();
    try {
      await client.send(
        new PutObjectCommand({
          Bucket: this.#where.bucket,
          Key: this.#key(path),
          Body: data,
          ...(meta?.contentType ? { ContentType: meta.contentType } : {}),
          ...(this.#acl ? { ACL: this.#acl as never } : {}),
        }),
      );
    } catch (err) {
      throw new StorageError(`could not store ${path} in ${this.#description}: ${s3ErrorMessage(err)}`, { cause: err });
    }
  }

  async #head(path: string): Promise<StoredFileInfo | null> {
    const { HeadObjectCommand } = await loadS3Sdk();
    const client = await this.#connect();
    try {
      const head = await client.send(new HeadObjectCommand({ Bucket: this.#where.bucket, Key: this.#key(path) }));
      return { lastModified: head.LastModified?.getTime() ?? 0, checksum: (head.ETag ?? '').replace(/"/g, '') };
    } catch (err) {
      const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 404) return null;
      throw new StorageError(`could not check ${path} in ${this.#description}: ${s3ErrorMessage(err)}`, { cause: err });
    }
  }

  /** Releases the connection pool (closeSpider). */
  async close(): Promise<void> {
    const client = this.#client;
    this.#client = null;
    if (client) (await client.catch(() => null))?.destroy();
  }

  #connect(): Promise<S3Client> {
    this.#client ??= createS3Client(this.#settings);
    return this.#client;
  }

  #key(path: string): string {
    const prefix = this.#where.key;
    return prefix === '' ? path : `${prefix.replace(/\/+$/, '')}/${path}`;
  }
}
