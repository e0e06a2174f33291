import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { gunzipSync } from 'node:zlib';
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

/** Decompresses a .tar.gz upload, refusing non-gzip data and bombs before any byte reaches the disk. */
function gunzipBounded(packed: Buffer, limits: ExtractLimits): Buffer {
  if (packed.length < 2 || packed[0] !== 0x1f || packed[1] !== 0x8b) {
    throw new BundleRejectedError('egg is not a tar.gz bundle from `tscrapy deploy` (with curl, use egg=@path, not egg=path)');
  }
  const cap = Math.min(limits.maxUnpackedSize, Math.max(RATIO_FLOOR, packed.length * limits.maxRatio));
  try {
    return gunzipSync(packed, { maxOutputLength: cap });
  } catch (err) {
    if (err instanceof RangeError || (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new BundleRejectedError(
        `egg unpacks to more than ${cap} bytes (limits: ${limits.maxUnpackedSize} bytes, ratio ${limits.maxRatio}:1 above ${RATIO_FLOOR} bytes)`,
      );
    }
    throw new BundleRejectedError(`egg is not a valid gzip stream: ${(err as Error).message}`);
  }
}

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

/**
 * Unpacks a bundle into `dest` (a fresh, private, empty folder) and checks it: plain files
 * and folders only, no absolute or `..` paths, entry count, depth and size capped, then the
 * manifest validated and every file's sha256 checked. Throws BundleRejectedError; the caller
 * removes `dest` on failure and renames it into place on success.
 */
export async function extractBundle(packed: Buffer, dest: string, limits: ExtractLimits = DEFAULT_EXTRACT_LIMITS): Promise<BundleManifest> {
  const tarBytes = gunzipBounded(packed, limits);
  let violation: string | undefined;
  let entries = 0;
  let total = 0;
  const { x: tarExtract } = await import('tar');
  await new Promise<void>((resolve, reject) => {
    const unpack = tarExtract({
      cwd: dest,
      strict: true,
      maxDepth: limits.maxDepth,
      preserveOwner: false,
      filter: (path: string, entry: unknown) => {
        if (violation) return false;
        const e = entry as ReadEntry;
        entries++;
        total += e.size ?? 0;
        const bad = unsafePath(path, limits.maxDepth);
        if (e.type !== 'File' && e.type !== 'OldFile' && e.type !== 'Directory') {
          violation = `entry ${JSON.stringify(path)} is a ${e.type}: only plain files and folders are accepted`;
        } else if (bad) violation = `entry ${JSON.stringify(path)} ${bad}`;
        else if (entries > limits.maxEntries) violation = `more than ${limits.maxEntries} entries`;
        else if (total > limits.maxUnpackedSize) violation = `entries total more than ${limits.maxUnpackedSize} bytes`;
        return !violation;
      },
    });
    unpack.on('error', reject);
    unpack.on('close', () => resolve());
    unpack.end(tarBytes);
  }).catch((err: unknown) => {
    if (err instanceof BundleRejectedError) throw err;
    throw new BundleRejectedError(`egg is not a valid tar archive: ${(err as Error).message}`);
  });
  if (violation) throw new BundleRejectedError(`egg refused: ${violation}`);
  return verifyContents(dest);
}

/** Every regular file under `dir`, as posix paths relative to it; anything else is refused. */
function listFiles(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, rel))) {
    const r = rel ? posix.join(rel, name) : name;
    const st = lstatSync(join(dir, r));
    if (st.isDirectory()) out.push(...listFiles(dir, r));
    else if (st.isFile()) out.push(r);
    else throw new BundleRejectedError(`egg refused: ${r} is not a plain file`);
  }
  return out;
}

function verifyContents(dir: string): BundleManifest {
  const files = listFiles(dir);
  if (!files.includes('manifest.json')) throw new BundleRejectedError('egg has no manifest.json at its root: build it with `tscrapy deploy`');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  } catch (err) {
    throw new BundleRejectedError(`manifest.json is not valid JSON: ${(err as Error).message}`);
  }
  let manifest: BundleManifest;
  try {
    manifest = validateManifest(raw);
  } catch (err) {
    if (err instanceof BundleFormatError) throw new BundleRejectedError(err.message);
    throw err;
  }
  for (const [name, expected] of Object.entries(manifest.files)) {
    if (!files.includes(name)) throw new BundleRejectedError(`egg lacks ${name}, which manifest.json lists`);
    const actual = createHash('sha256').update(readFileSync(join(dir, name))).digest('hex');
    if (actual !== expected) throw new BundleRejectedError(`${name} does not match its sha256 in manifest.json (expected ${expected}, got ${actual})`);
  }
  const extra = files.filter((f) => f !== 'manifest.json' && !(f in manifest.files));
  if (extra.length) throw new BundleRejectedError(`egg holds files manifest.json does not list: ${extra.slice(0, 5).join(', ')}`);
  return manifest;
}
