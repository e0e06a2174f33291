import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { ConcurrencyLimit } from '../../../../util/concurrency-limit.js';
import type { Settings } from '../../../settings/settings.js';
import { StorageError } from '../../../../feeds/storages/errors.js';
import { ftpErrorMessage, parseFtpUri, withFtp, type FtpLocation } from '../../../../feeds/storages/ftp-client.js';
import type { FilesStore, StoredFileInfo } from './types.js';
import { maskUrl } from '../../../downloader/mask.js';

/** FTP connections open at once (each operation logs in on its own connection, as in Scrapy). */
const CONNECTIONS = 4;

/**
 * `ftp://user:password@host[:port]/folder` (Scrapy's FTPFilesStore), with the feeds' FTP client.
 * Freshness comes from the server's modification time (MDTM); the checksum is the MD5 of the
 * stored file, read back, as Scrapy does.
 */
export class FTPFilesStore implements FilesStore {
  readonly #where: FtpLocation;
  readonly #settings: Settings;
  readonly #description: string;
  readonly #limit = new ConcurrencyLimit(CONNECTIONS);

  constructor(uri: string, settings: Settings, setting: string) {
    this.#where = parseFtpUri(uri, settings, setting);
    this.#settings = settings;
    this.#description = maskUrl(uri);
  }

  persistFile(path: string, data: Uint8Array): Promise<void> {
    const full = this.#full(path);
    return this.#limit.run(() =>
      withFtp(this.#where, this.#settings, async (client) => {
        await client.ensureDir(`/${posix.dirname(full)}`);
        await client.uploadFrom(Readable.from([data]), posix.basename(full));
      }).catch((err: unknown) => {
        throw new StorageError(`could not store ${path} in ${this.#description}: ${ftpErrorMessage(err)}`, { cause: err });
      }),
    );
  }

  statFile(path: string): Promise<StoredFileInfo | null> {
    const full = `/${this.#full(path)}`;
    return this.#limit.run(() =>
      withFtp(this.#where, this.#settings, async (client) => {
        let lastModified: Date;
        try {
          lastModified = await client.lastMod(full);
        } catch (err) {
          if ((err as { code?: number }).code === 550) return null;
          throw err;
        }
        const hash = createHash('md5');
        await client.downloadTo(new Writable({ write: (chunk: Buffer, _enc, done) => (hash.update(chunk), done()) }), full);
        return { lastModified: lastModified.getTime(), checksum: hash.digest('hex') };
      }).catch((err: unknown) => {
        throw new StorageError(`could not check ${path} in ${this.#description}: ${ftpErrorMessage(err)}`, { cause: err });
      }),
    );
  }

  #full(path: string): string {
    return this.#where.path === '' ? path : `${this.#where.path.replace(/\/+$/, '')}/${path}`;
  }
}
