import { fileURLToPath } from 'node:url';
import type { Settings } from '../../../settings/settings.js';
import { MediaStoreError } from '../errors.js';
import { FSFilesStore } from './fs-store.js';
import type { FilesStore } from './types.js';

export type { FilesStore, StoredFileInfo } from './types.js';
export { FSFilesStore } from './fs-store.js';
export { checkStorePath } from './store-path.js';

/**
 * The store for a FILES_STORE / IMAGES_STORE value: a folder path or a `file://` URI.
 * `setting` names the setting in errors.
 */
export function openFilesStore(uri: string, _settings: Settings, setting: string): FilesStore {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(uri)?.[1]?.toLowerCase();
  if (scheme === undefined) return new FSFilesStore(uri);
  if (scheme === 'file') return new FSFilesStore(fileURLToPath(uri));
  throw new MediaStoreError(`${setting}: unsupported store ${JSON.stringify(uri)}; use a folder path or a file:// URI`);
}
