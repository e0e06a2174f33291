import { MediaStoreError } from '../errors.js';

/**
 * Checks a path returned by `filePath()`/`thumbPath()` before it reaches a store: relative,
 * `/`-separated, no empty, `.` or `..` segments, no backslashes or NUL, so no item can write
 * outside the store's root.
 */
export function checkStorePath(path: unknown): string {
  const bad = (why: string) =>
    new MediaStoreError(`Media file path ${JSON.stringify(path)} ${why}; filePath() must return a relative path like "full/<name>.jpg"`);
  if (typeof path !== 'string' || path.length === 0) throw bad('is not a non-empty string');
  if (path.includes('\\') || path.includes('\0')) throw bad('contains a backslash or NUL');
  if (path.startsWith('/')) throw bad('is absolute');
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.' || seg === '..') throw bad('has an empty, "." or ".." segment');
  }
  return path;
}
