import { chmod, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { ReadEntry } from 'tar';
import { VERSION } from '../crawler/settings/defaults.js';
import { sha256 } from './bundler.js';
import {
  ARCHIVE_ENTRIES,
  BundleFormatError,
  PAYLOAD_FILES,
  PROJECT_NAME_PATTERN,
  VERSION_PATTERN,
  manifestHash,
  serializeManifest,
  validateManifest,
  type Manifest,
} from './manifest.js';

export {
  ARCHIVE_ENTRIES,
  BundleFormatError,
  PROJECT_NAME_PATTERN,
  VERSION_PATTERN,
  canonicalJson,
  manifestHash,
  validateManifest,
  type Manifest,
} from './manifest.js';

/** What goes into a bundle archive besides the built files. */
export interface ArchiveInput {
  project: string;
  version: string;
  spiders: string[];
  settingsModule: string;
  /** bundle.mjs bytes. */
  code: Uint8Array;
  /** bundle.mjs.map bytes. */
  map: Uint8Array;
  /** @default process.env */
  env?: NodeJS.ProcessEnv;
}

/** mtime of every archive entry when SOURCE_DATE_EPOCH is unset: 1980-01-01, the epoch of zip and of reproducible-build tools. */
const DEFAULT_MTIME = new Date('1980-01-01T00:00:00Z');

/** SOURCE_DATE_EPOCH as a Date (the reproducible-builds.org convention), or undefined. */
export function sourceDateEpoch(env: NodeJS.ProcessEnv = process.env): Date | undefined {
  const raw = env.SOURCE_DATE_EPOCH;
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw)) throw new BundleFormatError(`SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, got ${JSON.stringify(raw)}`);
  return new Date(Number(raw) * 1000);
}

/** Builds the manifest of a bundle (its hash included). */
export function makeManifest(input: ArchiveInput): Manifest {
  if (!PROJECT_NAME_PATTERN.test(input.project)) {
    throw new BundleFormatError(`Project name ${JSON.stringify(input.project)} is not valid: use letters, digits, _ . - (starting with a letter or digit), as in ${PROJECT_NAME_PATTERN}`);
  }
  if (!VERSION_PATTERN.test(input.version)) {
    throw new BundleFormatError(`Version ${JSON.stringify(input.version)} is not valid: use letters, digits, _ . + - (starting with a letter or digit), as in ${VERSION_PATTERN}`);
  }
  const base = {
    format: 1 as const,
    project: input.project,
    version: input.version,
    spiders: [...input.spiders].sort(),
    settingsModule: input.settingsModule,
    tscrapyVersion: VERSION,
    buildTime: (sourceDateEpoch(input.env) ?? new Date()).toISOString(),
    files: { 'bundle.mjs': sha256(input.code), 'bundle.mjs.map': sha256(input.map) },
  };
  const manifest = { ...base, sha256: manifestHash(base) };
  return validateManifest(manifest);
}

/**
 * The source map as it goes into an archive: `sourceRoot` (which points from a local cache
 * folder back to the project) removed, leaving sources relative to the project folder.
 */
export function portableMap(map: Uint8Array): Uint8Array {
  const parsed = JSON.parse(Buffer.from(map).toString('utf8')) as Record<string, unknown>;
  delete parsed.sourceRoot;
  return Buffer.from(JSON.stringify(parsed));
}

/**
 * Packs a deploy bundle: a tar.gz of `bundle.mjs`, `bundle.mjs.map`, `manifest.json`, sorted,
 * with fixed mtimes (SOURCE_DATE_EPOCH or 1980-01-01), mode 0644, no owner names, links never
 * followed. The same inputs (and SOURCE_DATE_EPOCH) give the same bytes.
 */
export async function packArchive(input: ArchiveInput): Promise<{ archive: Buffer; manifest: Manifest }> {
  const manifest = makeManifest(input);
  const mtime = sourceDateEpoch(input.env) ?? DEFAULT_MTIME;
  const stage = await mkdtemp(join(tmpdir(), 'tscrapy-pack-'));
  try {
    const contents: Record<(typeof ARCHIVE_ENTRIES)[number], Uint8Array | string> = {
      'bundle.mjs': input.code,
      'bundle.mjs.map': input.map,
      'manifest.json': serializeManifest(manifest),
    };
    for (const name of ARCHIVE_ENTRIES) {
      const p = join(stage, name);
      await writeFile(p, contents[name]);
      await chmod(p, 0o644);
      await utimes(p, mtime, mtime);
    }
    const chunks: Buffer[] = [];
    // Loaded here, not on import: every importer of `tscrapy` (a crawl too) reaches this module.
    const { create } = await import('tar');
    const stream = create({ cwd: stage, gzip: { level: 9 }, portable: true, mtime, follow: false, noDirRecurse: true, strict: true }, [...ARCHIVE_ENTRIES]);
    for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
    return { archive: Buffer.concat(chunks), manifest };
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

/** Limits for reading an archive in memory. */
export interface ReadLimits {
  /** Largest decompressed size accepted. @default 256 MiB */
  maxBytes?: number;
}

/**
 * Reads a bundle archive in memory: exactly the three known plain-file entries, no others, no
 * links or folders, within the size cap; the manifest validated and each payload's sha256
 * checked against it. For a server that extracts to disk this is a first check, not a substitute
 * for its own safe extraction.
 */
export async function readBundle(archive: Uint8Array, limits: ReadLimits = {}): Promise<{ manifest: Manifest; files: Record<(typeof PAYLOAD_FILES)[number], Buffer> }> {
  const maxBytes = limits.maxBytes ?? 256 * 1024 * 1024;
  let tarBytes: Buffer;
  try {
    tarBytes = gunzipSync(archive, { maxOutputLength: maxBytes });
  } catch (err) {
    throw new BundleFormatError(`The bundle is not a gzip file within ${maxBytes} bytes: ${(err as Error).message}`);
  }
  const files = new Map<string, Buffer>();
  const problems: string[] = [];
  const { Parser } = await import('tar');
  await new Promise<void>((resolve, reject) => {
    const parser = new Parser({
      strict: true,
      onReadEntry: (entry: ReadEntry) => {
        const name = entry.path.replace(/^\.\//, '');
        if (entry.type !== 'File' || !(ARCHIVE_ENTRIES as readonly string[]).includes(name) || files.has(name)) {
          problems.push(`unexpected entry ${JSON.stringify(entry.path)} (${entry.type}); a bundle holds only the files ${ARCHIVE_ENTRIES.join(', ')}`);
          entry.resume();
          return;
        }
        const parts: Buffer[] = [];
        entry.on('data', (c: Buffer) => parts.push(c));
        entry.on('end', () => files.set(name, Buffer.concat(parts)));
      },
    });
    parser.on('error', reject);
    parser.on('end', () => resolve());
    parser.end(tarBytes);
  }).catch((err: Error) => {
    throw new BundleFormatError(`The bundle is not a valid tar archive: ${err.message}`);
  });
  if (problems.length) throw new BundleFormatError(`Bad bundle: ${problems[0]}`);
  for (const name of ARCHIVE_ENTRIES) if (!files.has(name)) throw new BundleFormatError(`Bad bundle: ${name} is missing`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(files.get('manifest.json')!.toString('utf8'));
  } catch (err) {
    throw new BundleFormatError(`manifest.json is not valid JSON: ${(err as Error).message}`);
  }
  const manifest = validateManifest(parsed);
  for (const name of PAYLOAD_FILES) {
    const actual = sha256(files.get(name)!);
    if (actual !== manifest.files[name]) throw new BundleFormatError(`Bad bundle: ${name} has sha256 ${actual} but manifest.json says ${manifest.files[name]}`);
  }
  return { manifest, files: { 'bundle.mjs': files.get('bundle.mjs')!, 'bundle.mjs.map': files.get('bundle.mjs.map')! } };
}

/** The validated manifest of a bundle archive (payload hashes checked too). */
export async function readBundleManifest(archive: Uint8Array, limits: ReadLimits = {}): Promise<Manifest> {
  return (await readBundle(archive, limits)).manifest;
}

/** Reads a bundle file from disk (for `deploy --egg FILE`). */
export async function readBundleFile(file: string): Promise<{ archive: Buffer; manifest: Manifest }> {
  const archive = await readFile(file);
  return { archive, manifest: await readBundleManifest(archive) };
}
