import { posix } from 'node:path';
import type { Settings } from '../../crawler/settings/settings.js';
import { StorageError } from './errors.js';
import { ftpErrorMessage, parseFtpUri, withFtp, type FtpLocation } from './ftp-client.js';
import type { FeedStorage } from './types.js';
import { maskUrl } from '../../crawler/downloader/mask.js';

/**
 * `ftp://user:password@host[:port]/path` feeds (Scrapy's FTPFeedStorage): the batch is uploaded
 * (streamed from the local file) when it closes, into folders created as needed. With
 * `overwrite: false` (`-o`) the batch is appended to the remote file, as in Scrapy.
 */
export class FtpFeedStorage implements FeedStorage {
  readonly description: string;
  readonly #where: FtpLocation;
  readonly #settings: Settings;
  readonly appends: boolean;

  constructor(uri: string, settings: Settings, options?: { overwrite?: boolean }) {
    this.#where = parseFtpUri(uri, settings, 'FEEDS');
    this.#settings = settings;
    this.appends = options?.overwrite === false;
    this.description = maskUrl(uri);
  }

  async store(localPath: string): Promise<void> {
    const dir = posix.dirname(this.#where.path);
    const name = posix.basename(this.#where.path);
    try {
      await withFtp(this.#where, this.#settings, async (client) => {
        if (dir !== '.' && dir !== '') await client.ensureDir(dir);
        if (this.appends) await client.appendFrom(localPath, name);
        else await client.uploadFrom(localPath, name);
      });
    } catch (err) {
      if (err instanceof StorageError) throw err;
      throw new StorageError(`could not upload to ${this.description}: ${ftpErrorMessage(err)}`, { cause: err });
    }
  }
}
