import { SAFE_NAME_PATTERN } from '../project/manifest.js';
import { ApiError } from './errors.js';

/**
 * Names that become path segments (project, version, spider, job id) must match this before
 * any `path.join`: it cannot express `..`, `.`, a slash, a backslash, NUL or a leading dash.
 * The same rule as the manifest's spider names, so whatever deploys can be scheduled.
 */
const NAME = SAFE_NAME_PATTERN;

export type NameKind = 'project' | 'version' | 'spider' | 'job';

/** True when `value` is safe to use as one path segment. */
export function isSafeName(value: string): boolean {
  return NAME.test(value);
}

/** Returns `value` when it is a safe name, else throws an ApiError naming the parameter and what is valid. */
export function checkName(kind: NameKind, value: string, param: string = kind): string {
  if (!isSafeName(value)) {
    throw new ApiError(
      `${param} ${JSON.stringify(value)} is not a valid ${kind} name: use 1-128 characters from A-Z a-z 0-9 . _ + -, starting with a letter or digit`,
      400,
    );
  }
  return value;
}
