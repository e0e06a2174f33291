import { createHash } from 'node:crypto';
import { InvalidArgumentError } from '../crawler/errors.js';

/** The manifest.json of a deploy bundle (format 1). */
export interface Manifest {
  format: 1;
  project: string;
  version: string;
  /** Spider names, sorted. */
  spiders: string[];
  /** `[settings] default` of scrapy.cfg, as written ('' when the project has none). */
  settingsModule: string;
  tscrapyVersion: string;
  /** ISO 8601; from SOURCE_DATE_EPOCH when set. Not covered by `sha256`. */
  buildTime: string;
  /** sha256 hex of each payload file. */
  files: { 'bundle.mjs': string; 'bundle.mjs.map': string };
  /** sha256 hex of the canonical JSON of this manifest without `buildTime` and `sha256`. */
  sha256: string;
}

/** A bundle or its manifest is malformed. The message names the field and what is valid. */
export class BundleFormatError extends InvalidArgumentError {
  override readonly code: string = 'TSC_ERR_BUNDLE_FORMAT';
}

/** Project names: they become folder names on the server, so letters, digits, `_ . -`, starting with a letter or digit. */
export const PROJECT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
/** Version names: as project names, plus `+` (semver build metadata). */
export const VERSION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.+-]{0,127}$/;
/** The payload files of a bundle, in archive order. */
export const PAYLOAD_FILES = ['bundle.mjs', 'bundle.mjs.map'] as const;
/** Every entry of a bundle archive, sorted. */
export const ARCHIVE_ENTRIES = ['bundle.mjs', 'bundle.mjs.map', 'manifest.json'] as const;

const FIELDS = ['format', 'project', 'version', 'spiders', 'settingsModule', 'tscrapyVersion', 'buildTime', 'files', 'sha256'];
const HEX64 = /^[0-9a-f]{64}$/;

/** JSON with object keys sorted at every level and no whitespace. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The manifest's own hash: sha256 over its canonical JSON without `buildTime` and `sha256`. */
export function manifestHash(m: Omit<Manifest, 'sha256'> | Manifest): string {
  const { buildTime: _b, sha256: _s, ...rest } = m as Manifest;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}

/** manifest.json's bytes: fixed key order, two-space indent, trailing newline. */
export function serializeManifest(m: Manifest): string {
  const ordered: Record<string, unknown> = {};
  for (const k of FIELDS) ordered[k] = (m as unknown as Record<string, unknown>)[k];
  return JSON.stringify(ordered, null, 2) + '\n';
}

/**
 * The one rule for names that become path segments on a server (spider, project and version
 * names, job ids): the manifest is checked with it at deploy and upload, and schedule.json
 * with the same, so a spider that deploys can always be scheduled.
 */
export const SAFE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/;

/** Checks a spider name is safe to use as a path segment on a server (SAFE_NAME_PATTERN). */
export function isSafeName(s: string): boolean {
  return SAFE_NAME_PATTERN.test(s);
}

/**
 * Validates a parsed manifest.json and returns it typed. Throws BundleFormatError naming the
 * first bad field, what it holds and what would be valid. Unknown fields are refused.
 */
export function validateManifest(obj: unknown): Manifest {
  const fail = (field: string, want: string, got: unknown): never => {
    throw new BundleFormatError(`manifest.json: "${field}" must be ${want}, got ${JSON.stringify(got) ?? String(got)}`);
  };
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) fail('(root)', 'a JSON object', obj);
  const m = obj as Record<string, unknown>;
  for (const k of Object.keys(m)) if (!FIELDS.includes(k)) fail(k, `absent (known fields: ${FIELDS.join(', ')})`, m[k]);
  if (m.format !== 1) fail('format', '1 (the only bundle format this tscrapy reads)', m.format);
  if (typeof m.project !== 'string' || !PROJECT_NAME_PATTERN.test(m.project)) fail('project', `a name matching ${PROJECT_NAME_PATTERN}`, m.project);
  if (typeof m.version !== 'string' || !VERSION_PATTERN.test(m.version)) fail('version', `a version matching ${VERSION_PATTERN}`, m.version);
  if (!Array.isArray(m.spiders)) fail('spiders', 'an array of spider names', m.spiders);
  const spiders = m.spiders as unknown[];
  spiders.forEach((s, i) => {
    if (typeof s !== 'string' || !isSafeName(s)) fail(`spiders[${i}]`, '1-128 characters from A-Z a-z 0-9 . _ + -, starting with a letter or digit', s);
  });
  if (new Set(spiders).size !== spiders.length) fail('spiders', 'unique names', m.spiders);
  if (typeof m.settingsModule !== 'string') fail('settingsModule', 'a string', m.settingsModule);
  if (typeof m.tscrapyVersion !== 'string' || !/^\d+\.\d+\.\d+/.test(m.tscrapyVersion)) fail('tscrapyVersion', 'a semver version like "0.1.0"', m.tscrapyVersion);
  if (typeof m.buildTime !== 'string' || Number.isNaN(Date.parse(m.buildTime)) || new Date(m.buildTime).toISOString() !== m.buildTime) {
    fail('buildTime', 'an ISO 8601 UTC time like "2024-01-01T00:00:00.000Z"', m.buildTime);
  }
  const files = m.files as Record<string, unknown> | undefined;
  if (!files || typeof files !== 'object' || Array.isArray(files)) fail('files', 'an object of file name → sha256 hex', m.files);
  const names = Object.keys(files!).sort();
  if (names.join() !== [...PAYLOAD_FILES].join()) fail('files', `exactly the keys ${PAYLOAD_FILES.join(', ')}`, names);
  for (const f of PAYLOAD_FILES) if (typeof files![f] !== 'string' || !HEX64.test(files![f] as string)) fail(`files.${f}`, 'a lowercase sha256 hex digest (64 characters)', files![f]);
  if (typeof m.sha256 !== 'string' || !HEX64.test(m.sha256)) fail('sha256', 'a lowercase sha256 hex digest (64 characters)', m.sha256);
  const expected = manifestHash(m as unknown as Manifest);
  if (m.sha256 !== expected) fail('sha256', `the hash of the manifest's other fields (${expected})`, m.sha256);
  return m as unknown as Manifest;
}
