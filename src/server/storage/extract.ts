import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BundleRejectedError } from '../errors.js';
import { readTarGz, TarGzReadError } from '../../project/archive.js';
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
type ArchiveFile = { data: Buffer; sha256: string };

/**
 * Reads an upload with readTarGz (a stream that never holds the event loop and stops at the
 * first limit): only plain files and folders, safe paths, entry count and sizes capped.
 */
async function readArchive(packed: Buffer, limits: ExtractLimits): Promise<Map<string, ArchiveFile>> {
  if (packed.length < 2 || packed[0] !== 0x1f || packed[1] !== 0x8b) {
    throw new BundleRejectedError('egg is not a tar.gz bundle from `tscrapy deploy` (with curl, use egg=@path, not egg=path)');
  }
  const cap = Math.min(limits.maxUnpackedSize, Math.max(RATIO_FLOOR, packed.length * limits.maxRatio));
  let entries = 0;
  let total = 0;
  const check = (entry: { path: string; type: string; size: number }): string | undefined => {
    entries++;
    if (entry.type !== 'File' && entry.type !== 'OldFile' && entry.type !== 'Directory') {
      return `entry ${JSON.stringify(entry.path)} is a ${entry.type}: only plain files and folders are accepted`;
    }
    const bad = unsafePath(entry.path, limits.maxDepth);
    if (bad) return `entry ${JSON.stringify(entry.path)} ${bad}`;
    if (entries > limits.maxEntries) return `more than ${limits.maxEntries} entries`;
    total += entry.size;
    if (total > limits.maxUnpackedSize) return `entries total more than ${limits.maxUnpackedSize} bytes`;
    return undefined;
  };
  try {
    return await readTarGz(packed, { maxBytes: cap, check });
  } catch (err) {
    if (!(err instanceof TarGzReadError)) throw err;
    if (err.kind === 'refused') throw new BundleRejectedError(`egg refused: ${err.message}`);
    if (err.kind === 'size') throw new BundleRejectedError(`egg unpacks to more than ${cap} bytes (limits: ${limits.maxUnpackedSize} bytes, ratio ${limits.maxRatio}:1 above ${RATIO_FLOOR} bytes)`);
    if (err.kind === 'tar') throw new BundleRejectedError(`egg is not a valid tar archive: ${err.message}`);
    throw new BundleRejectedError(`egg is not a valid gzip stream: ${err.message}`);
  }
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
