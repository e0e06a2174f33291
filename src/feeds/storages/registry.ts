import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ComponentClass, ComponentRegistry } from '../../crawler/components.js';
import { InvalidArgumentError } from '../../crawler/errors.js';
import type { Settings } from '../../crawler/settings/settings.js';
import { FtpFeedStorage } from './ftp-feed-storage.js';
import { S3FeedStorage } from './s3-feed-storage.js';
import type { FeedStorage, FeedStorageClass, FeedStorageOptions } from './types.js';

/** The storages of remote schemes tscrapy brings (files and stdout are written directly). */
export const FEED_STORAGES_BASE: Readonly<Record<string, FeedStorageClass>> = Object.freeze({ s3: S3FeedStorage, ftp: FtpFeedStorage });

/**
 * Picks a feed storage by URI scheme: FEED_STORAGES_BASE plus the FEED_STORAGES setting
 * (`{ scheme: StorageClass or its registered name }`, `null` removes one), as in Scrapy.
 * Feeds for these schemes are spooled in `<JOBDIR>/feeds-spool` for a JOBDIR job, else under
 * FEED_TEMPDIR (default: the OS temp folder), in a folder of their own per crawl.
 */
export class FeedStorages {
  readonly #classes = new Map<string, FeedStorageClass>();
  readonly #settings: Settings;
  readonly spoolDir: string;

  constructor(settings: Settings, components: ComponentRegistry) {
    this.#settings = settings;
    for (const [scheme, cls] of Object.entries(FEED_STORAGES_BASE)) this.#classes.set(scheme, cls);
    for (const [scheme, ref] of Object.entries(settings.getDict<unknown>('FEED_STORAGES', {}))) {
      const key = scheme.toLowerCase();
      if (ref === null) this.#classes.delete(key);
      else if (typeof ref === 'string' || typeof ref === 'function') this.#classes.set(key, components.resolve(ref as string | ComponentClass, 'FEED_STORAGES') as unknown as FeedStorageClass);
      else throw new InvalidArgumentError(`FEED_STORAGES: the storage for "${scheme}" must be a class, a registered class name or null`);
    }
    const jobdir = settings.get('JOBDIR');
    const base = settings.get('FEED_TEMPDIR');
    // A JOBDIR job's batches are spooled in it: a resumed job (after a pause, a crash or a reboot
    // that empties the temp folder) finds the batch it must still send.
    this.spoolDir =
      typeof jobdir === 'string' && jobdir !== ''
        ? join(jobdir, 'feeds-spool')
        : join(typeof base === 'string' && base !== '' ? base : tmpdir(), `tscrapy-feeds-${process.pid}-${Date.now().toString(36)}`);
  }

  /** The storage for a rendered feed URI, or null when its scheme is not a registered remote one. */
  forUri(uri: string, options: FeedStorageOptions): FeedStorage | null {
    const scheme = /^([A-Za-z][A-Za-z0-9+.-]+):\/\//.exec(uri)?.[1]?.toLowerCase();
    const cls = scheme ? this.#classes.get(scheme) : undefined;
    return cls ? new cls(uri, this.#settings, options) : null;
  }

  /** Where the local copy of the feed for `uri` is written before it is sent. */
  spoolPath(uri: string): string {
    const name = uri.replace(/^[a-z0-9+.-]+:\/\/(?:[^/@]*@)?/i, '').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '');
    // The hash keeps two URIs that sanitize alike (a/b, a_b) apart.
    return join(this.spoolDir, createHash('sha1').update(uri).digest('hex').slice(0, 8), name || 'feed');
  }
}
