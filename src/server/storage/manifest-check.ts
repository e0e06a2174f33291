import { createHash } from 'node:crypto';
import { BundleRejectedError } from '../errors.js';

/** The deploy bundle's manifest.json (format 1), as `tscrapy deploy` writes it. */
export interface BundleManifest {
  format: 1;
  project: string;
  version: string;
  spiders: string[];
  settingsModule: string;
  tscrapyVersion: string;
  buildTime: string;
  /** File name → sha256 hex of its bytes. */
  files: Record<string, string>;
  /** sha256 over the canonical JSON of the manifest without `buildTime` and `sha256`. */
  sha256: string;
}

/** JSON with object keys sorted at every level and no whitespace. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj)
      .sort()
      .filter((k) => obj[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The manifest's own checksum, computed the way `tscrapy deploy` does. */
export function manifestChecksum(m: Record<string, unknown>): string {
  const { buildTime: _b, sha256: _s, ...rest } = m;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}

const HEX64 = /^[0-9a-f]{64}$/;
const REQUIRED_FILES = ['bundle.mjs', 'bundle.mjs.map'];

/**
 * Checks an uploaded manifest's shape and its own checksum; throws BundleRejectedError naming
 * the field. The one place the server knows the manifest format: the shared
 * `validateManifest` from src/project/manifest.ts replaces this body once it lands.
 */
export function checkManifest(obj: unknown): BundleManifest {
  const fail = (why: string) => new BundleRejectedError(`manifest.json: ${why}`);
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw fail('expected a JSON object');
  const m = obj as Record<string, unknown>;
  if (m.format !== 1) throw fail(`format must be 1, got ${JSON.stringify(m.format)}`);
  for (const key of ['project', 'version', 'settingsModule', 'tscrapyVersion', 'buildTime', 'sha256'] as const) {
    if (typeof m[key] !== 'string') throw fail(`${key} must be a string, got ${JSON.stringify(m[key])}`);
  }
  if (!Array.isArray(m.spiders) || !m.spiders.every((s) => typeof s === 'string' && s.length > 0)) {
    throw fail('spiders must be an array of spider names');
  }
  const files = m.files as Record<string, unknown> | undefined;
  if (!files || typeof files !== 'object' || Array.isArray(files)) throw fail('files must map file names to sha256 hex digests');
  for (const name of REQUIRED_FILES) if (!(name in files)) throw fail(`files must list ${name}`);
  for (const [name, hash] of Object.entries(files)) {
    if (typeof hash !== 'string' || !HEX64.test(hash)) throw fail(`files[${JSON.stringify(name)}] must be a sha256 hex digest`);
  }
  if (!HEX64.test(m.sha256 as string)) throw fail('sha256 must be a sha256 hex digest');
  const expected = manifestChecksum(m);
  if (expected !== m.sha256) throw fail(`sha256 does not match the manifest's content (expected ${expected})`);
  return m as unknown as BundleManifest;
}
