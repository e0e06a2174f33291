import { chmod, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { createGunzip } from 'node:zlib';
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

/** Why readTarGz stopped: a bad gzip stream, a bad tar structure, the size cap, or an entry `check` refused. */
export class TarGzReadError extends Error {
  constructor(
    readonly kind: 'gzip' | 'tar' | 'size' | 'refused',
    message: string,
  ) {
    super(message);
  }
}

/** How readTarGz bounds a read. */
export interface TarGzLimits {
  /** Bytes after decompression. */
  maxBytes: number;
  /** Called at each entry's header: why it is refused (the read stops there), or undefined. */
  check?: (entry: { path: string; type: string; size: number }) => string | undefined;
}

/** Bytes handed to gunzip at a time: the parse of one slice's output is the longest the event loop waits. */
const FEED_BYTES = 16 * 1024;

/**
 * Reads a .tar.gz as a stream: gunzip runs off the main thread and the tar parser gets its
 * output a slice at a time, so a hostile archive (500,000 empty entries in 3 MB) never holds
 * the event loop, and the first limit crossed or entry refused stops the read at once.
 * Plain files are returned in memory with their sha256, by path (`./` and empty segments
 * removed); folders are skipped; a path seen twice is refused. Rejects with TarGzReadError.
 */
export async function readTarGz(archive: Uint8Array, limits: TarGzLimits): Promise<Map<string, { data: Buffer; sha256: string }>> {
  const { Parser } = await import('tar');
  const packed = Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength);
  const files = new Map<string, { data: Buffer; sha256: string }>();
  const gunzip = createGunzip();
  return new Promise((resolve, reject) => {
    let settled = false;
    const stop = (err: TarGzReadError) => {
      if (settled) return;
      settled = true;
      gunzip.destroy();
      reject(err);
    };
    let unpacked = 0;
    const parser = new Parser({
      strict: true,
      onReadEntry: (entry: ReadEntry) => {
        if (settled) return void entry.resume();
        const path = entry.path.split('/').filter((seg) => seg !== '' && seg !== '.').join('/');
        const why = limits.check?.({ path: entry.path, type: entry.type, size: entry.size ?? 0 });
        if (why) return stop(new TarGzReadError('refused', why));
        if (entry.type !== 'File' && entry.type !== 'OldFile') return void entry.resume();
        if (files.has(path)) return stop(new TarGzReadError('refused', `entry ${JSON.stringify(entry.path)} appears twice`));
        const hash = createHash('sha256');
        const parts: Buffer[] = [];
        entry.on('data', (c: Buffer) => {
          hash.update(c);
          parts.push(c);
        });
        entry.on('end', () => files.set(path, { data: Buffer.concat(parts), sha256: hash.digest('hex') }));
      },
    });
    parser.on('error', (err: Error) => stop(new TarGzReadError('tar', err.message)));
    parser.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(files);
    });
    gunzip.on('data', (chunk: Buffer) => {
      unpacked += chunk.length;
      if (unpacked > limits.maxBytes) return stop(new TarGzReadError('size', `it unpacks to more than ${limits.maxBytes} bytes`));
      if (!settled) parser.write(chunk);
    });
    gunzip.on('end', () => {
      if (!settled) parser.end();
    });
    gunzip.on('error', (err: Error) => stop(new TarGzReadError('gzip', err.message)));
    // a slice at a time, each once gunzip took the last, so a stop takes effect at once
    let offset = 0;
    const feed = () => {
      while (!settled && offset < packed.length) {
        const slice = packed.subarray(offset, offset + FEED_BYTES);
        offset += slice.length;
        if (!gunzip.write(slice)) return void gunzip.once('drain', feed);
      }
      if (!settled) gunzip.end();
    };
    feed();
  });
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
  const check = (entry: { path: string; type: string }) => {
    const name = entry.path.replace(/^\.\//, '');
    if (entry.type === 'File' && (ARCHIVE_ENTRIES as readonly string[]).includes(name)) return undefined;
    return `unexpected entry ${JSON.stringify(entry.path)} (${entry.type}); a bundle holds only the files ${ARCHIVE_ENTRIES.join(', ')}`;
  };
  let read: Map<string, { data: Buffer; sha256: string }>;
  try {
    read = await readTarGz(archive, { maxBytes, check });
  } catch (err) {
    if (!(err instanceof TarGzReadError)) throw err;
    if (err.kind === 'refused') throw new BundleFormatError(`Bad bundle: ${err.message}`);
    if (err.kind === 'tar') throw new BundleFormatError(`The bundle is not a valid tar archive: ${err.message}`);
    throw new BundleFormatError(`The bundle is not a gzip file within ${maxBytes} bytes: ${err.message}`);
  }
  for (const name of ARCHIVE_ENTRIES) if (!read.has(name)) throw new BundleFormatError(`Bad bundle: ${name} is missing`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(read.get('manifest.json')!.data.toString('utf8'));
  } catch (err) {
    throw new BundleFormatError(`manifest.json is not valid JSON: ${(err as Error).message}`);
  }
  const manifest = validateManifest(parsed);
  for (const name of PAYLOAD_FILES) {
    const actual = read.get(name)!.sha256;
    if (actual !== manifest.files[name]) throw new BundleFormatError(`Bad bundle: ${name} has sha256 ${actual} but manifest.json says ${manifest.files[name]}`);
  }
  return { manifest, files: { 'bundle.mjs': read.get('bundle.mjs')!.data, 'bundle.mjs.map': read.get('bundle.mjs.map')!.data } };
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
