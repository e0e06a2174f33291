import type { Settings } from '../../crawler/settings/settings.js';

/**
 * A feed storage for a URI scheme (Scrapy's FeedStorage, for remote schemes): the feed is
 * written to a local spool file, and `store` sends it when a batch (or the feed) closes.
 */
export interface FeedStorage {
  /** The destination for logs, credentials masked. */
  readonly description: string;
  /** True when `store` appends to the destination (FTP with `overwrite: false`) instead of replacing it. */
  readonly appends?: boolean;
  /** Sends the finished local file at `localPath` to the destination (streamed, never read whole into memory). */
  store(localPath: string): Promise<void>;
}

/** The feed's options a storage may use: `overwrite` (false: append, where the storage can). */
export interface FeedStorageOptions {
  overwrite: boolean;
}

/** A feed storage class, as FEED_STORAGES maps a scheme to it. */
export interface FeedStorageClass {
  new (uri: string, settings: Settings, options: FeedStorageOptions): FeedStorage;
  readonly name: string;
}
