/** What a store knows about a file it holds: when it was written and its MD5 (hex). */
export interface StoredFileInfo {
  /** Milliseconds since the epoch. */
  lastModified: number;
  checksum: string;
}

/**
 * Where media pipelines keep downloaded files (Scrapy's FilesStore): `path` is relative to the
 * store's root, with `/` separators, already checked by `checkStorePath`.
 */
export interface FilesStore {
  persistFile(path: string, data: Uint8Array, meta?: { contentType?: string }): Promise<void>;
  /** The stored file's info, or null when it is not there. */
  statFile(path: string): Promise<StoredFileInfo | null>;
  /** Releases connections when the spider closes. */
  close?(): Promise<void>;
}
