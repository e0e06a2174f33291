/** Feed storages for remote URIs (s3://…, ftp://…), picked by scheme; shared with the media stores where the operations match. */
export { FeedStorages, FEED_STORAGES_BASE } from './registry.js';
export { S3FeedStorage } from './s3-feed-storage.js';
export { FtpFeedStorage } from './ftp-feed-storage.js';
export { parseFtpUri, type FtpLocation } from './ftp-client.js';
export { StorageError } from './errors.js';
export { createS3Client, parseS3Uri, type S3Location } from './s3-client.js';
export type { FeedStorage, FeedStorageClass, FeedStorageOptions } from './types.js';
