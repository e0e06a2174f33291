import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import type { ReadEntry } from 'tar';
import { BundleRejectedError } from '../errors.js';
import { BundleFormatError, validateManifest, type Manifest as BundleManifest } from '../../project/manifest.js';

/** Limits on what one uploaded bundle may unpack to. */
export interface ExtractLimits {
  /** Bytes after decompression. @default 256 MiB */
  maxUnpackedSize: number;
  /** Entries (files and folders). @default 1000 */
  maxEntries: number;
  /** Path segments per entry. @default 8 */
  maxDepth: number;
  /** Unpacked / packed bytes, enforced above 16 MiB unpacked (a gzip bomb's ratio is ~1000). @default 100 */
  maxRatio: number;
}

export const DEFAULT_EXTRACT_LIMITS: ExtractLimits = {
  maxUnpackedSize: 256 * 1024 * 1024,
  maxEntries: 1000,
  maxDepth: 8,
  maxRatio: 100,
};

const RATIO_FLOOR = 16 * 1024 * 1024;
/** Bytes handed to gunzip at a time: the parse of one chunk's output is the longest the event loop waits. */
const FEED_CHUNK = 16 * 1024;

/** Why an entry path is unsafe, or undefined when it is a plain relative path within `maxDepth`. */
function unsafePath(p: string, maxDepth: number): string | undefined {
  if (p.includes('\0')) return 'contains NUL';
  if (/^([A-Za-z]:)?[\\/]/.test(p)) return 'is absolute';
  if (p.includes('\\')) return 'contains a backslash';
  const segs = p.split('/').filter((s) => s !== '' && s !== '.');
  if (segs.includes('..')) return 'contains ..';
  if (segs.length > maxDepth) return `is deeper than ${maxDepth} levels`;
  return undefined;
}

/** A regular file of the archive, read into memory with its sha256. */
interface ArchiveFile {
  data: Buffer;
  sha256: string;
}

/**
 * Reads a .tar.gz upload as a stream: gunzip runs off the main thread and the tar parser
 * gets 16 KiB at a time, so a hostile archive (500,000 empty entries in 3 MB) never holds
 * the event loop; the first limit crossed stops the read at once. Only plain files and
 * folders are accepted; files are kept in memory (the size cap bounds them), folders skipped.
 */
async function readArchive(packed: Buffer, limits: ExtractLimits): Promise<Map<string, ArchiveFile>> {
  if (packed.length < 2 || packed[0] !== 0x1f || packed[1] !== 0x8b) {
    throw new BundleRejectedError('egg is not a tar.gz bundle from `tscrapy deploy` (with curl, use egg=@path, not egg=path)');
  }
  const cap = Math.min(limits.maxUnpackedSize, Math.max(RATIO_FLOOR, packed.length * limits.maxRatio));
  const { Parser } = await import('tar');
  const files = new Map<string, ArchiveFile>();
  const gunzip = createGunzip();
  return new Promise<Map<string, ArchiveFile>>((resolve, reject) => {
    let settled = false;
    const stop = (err: Error) => {
      if (settled) return;
      settled = true;
      gunzip.destroy();
      reject(err);
    };
    const refuse = (why: string) => stop(new BundleRejectedError(`egg refused: ${why}`));
    let entries = 0;
    let total = 0;
    let unpacked = 0;
    const parser = new Parser({
      strict: true,
      onReadEntry: (entry: ReadEntry) => {
        if (settled) return void entry.resume();
        entries++;
        const path = entry.path.split('/').filter((seg) => seg !== '' && seg !== '.').join('/');
        const bad = unsafePath(entry.path, limits.maxDepth);
        if (entry.type !== 'File' && entry.type !== 'OldFile' && entry.type !== 'Directory') {
          return refuse(`entry ${JSON.stringify(entry.path)} is a ${entry.type}: only plain files and folders are accepted`);
        }
        if (bad) return refuse(`entry ${JSON.stringify(entry.path)} ${bad}`);
        if (entries > limits.maxEntries) return refuse(`more than ${limits.maxEntries} entries`);
        total += entry.size ?? 0;
        if (total > limits.maxUnpackedSize) return refuse(`entries total more than ${limits.maxUnpackedSize} bytes`);
        if (entry.type === 'Directory') return void entry.resume();
        if (files.has(path)) return refuse(`entry ${JSON.stringify(entry.path)} appears twice`);
        const hash = createHash('sha256');
        const parts: Buffer[] = [];
        entry.on('data', (c: Buffer) => {
          hash.update(c);
          parts.push(c);
        });
        entry.on('end', () => files.set(path, { data: Buffer.concat(parts), sha256: hash.digest('hex') }));
      },
    });
    parser.on('error', (err: Error) => stop(new BundleRejectedError(`egg is not a valid tar archive: ${err.message}`)));
    parser.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(files);
    });
    gunzip.on('data', (chunk: Buffer) => {
      unpacked += chunk.length;
      if (unpacked > cap) {
        return stop(new BundleRejectedError(`egg unpacks to more than ${cap} bytes (limits: ${limits.maxUnpackedSize} bytes, ratio ${limits.maxRatio}:1 above ${RATIO_FLOOR} bytes)`));
      }
      if (!settled) parser.write(chunk);
    });
    gunzip.on('end', () => {
      if (!settled) parser.end();
    });
    gunzip.on('error', (err: Error) => stop(new BundleRejectedError(`egg is not a valid gzip stream: ${err.message}`)));
    // fed a slice at a time, each after the last was taken, so a stop takes effect at once
    let offset = 0;
    const feed = () => {
      while (!settled && offset < packed.length) {
        const slice = packed.subarray(offset, offset + FEED_CHUNK);
        offset += slice.length;
        if (!gunzip.write(slice)) return void gunzip.once('drain', feed);
      }
      if (!settled) gunzip.end();
    };
    feed();
  });
}

/**
 * Reads and checks a bundle, then writes it into `dest` (a fresh, private, empty folder):
 * plain files and folders only, no absolute or `..` paths, entry count, depth and size
 * capped, the manifest validated and every file's sha256 checked — all before a byte is
 * written. Files are written with mode 0644 whatever the archive says (no setuid, setgid or
 * sticky bit, no execute). Throws BundleRejectedError; the caller removes `dest` on failure
 * and renames it into place on success.
 */
export async function extractBundle(packed: Buffer, dest: string, limits: ExtractLimits = DEFAULT_EXTRACT_LIMITS): Promise<BundleManifest> {
  const files = await readArchive(packed, limits);
  const manifest = verifyContents(files);
  for (const name of ['manifest.json', ...Object.keys(manifest.files)]) {
    await writeFile(join(dest, name), files.get(name)!.data, { mode: 0o644, flag: 'wx' });
  }
  return manifest;
}

function verifyContents(files: Map<string, ArchiveFile>): BundleManifest {
  const raw = files.get('manifest.json');
  if (!raw) throw new BundleRejectedError('egg has no manifest.json at its root: build it with `tscrapy deploy`');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.data.toString('utf8'));
  } catch (err) {
    throw new BundleRejectedError(`manifest.json is not valid JSON: ${(err as Error).message}`);
  }
  let manifest: BundleManifest;
  try {
    manifest = validateManifest(parsed);
  } catch (err) {
    if (err instanceof BundleFormatError) throw new BundleRejectedError(err.message);
    throw err;
  }
  for (const [name, expected] of Object.entries(manifest.files)) {
    const file = files.get(name);
    if (!file) throw new BundleRejectedError(`egg lacks ${name}, which manifest.json lists`);
    if (file.sha256 !== expected) throw new BundleRejectedError(`${name} does not match its sha256 in manifest.json (expected ${expected}, got ${file.sha256})`);
  }
  const extra = [...files.keys()].filter((f) => f !== 'manifest.json' && !(f in manifest.files));
  if (extra.length) throw new BundleRejectedError(`egg holds files manifest.json does not list: ${extra.slice(0, 5).join(', ')}`);
  return manifest;
}
