import { fileURLToPath } from 'node:url';
import type { Settings } from '../../../settings/settings.js';
import { MediaStoreError } from '../errors.js';
import { FSFilesStore } from './fs-store.js';
import { FTPFilesStore } from './ftp-store.js';
import { S3FilesStore } from './s3-store.js';
import type { FilesStore } from './types.js';

export type { FilesStore, StoredFileInfo } from './types.js';
export { FSFilesStore } from './fs-store.js';
export { S3FilesStore } from './s3-store.js';
export { FTPFilesStore } from './ftp-store.js';
export { checkStorePath } from './store-path.js';

/**
 * The store for a FILES_STORE / IMAGES_STORE value: a folder path, a `file://` URI or
 * `s3://bucket/prefix` or `ftp://user:password@host[:port]/folder`.
 * `setting` names the setting in errors.
 */
export function openFilesStore(uri: string, settings: Settings, setting: string): FilesStore {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(uri)?.[1]?.toLowerCase();
  if (scheme === undefined) return new FSFilesStore(uri);
  if (scheme === 'file') return new FSFilesStore(fileURLToPath(uri));
  if (scheme === 's3') return new S3FilesStore(uri, settings, setting);
  if (scheme === 'ftp') return new FTPFilesStore(uri, settings, setting);
  throw new MediaStoreError(`${setting}: unsupported store "${scheme}://"; use a folder path, a file:// URI, s3://bucket/prefix or ftp://user:password@host/folder`);
}
