import { type Dirent, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isSafeName } from '../names.js';
import { sortVersions } from '../version-order.js';
import { DEFAULT_EXTRACT_LIMITS, extractBundle, type ExtractLimits } from './extract.js';
import { linkTscrapy } from '../../project/load.js';
import type { Manifest as BundleManifest } from '../../project/manifest.js';
import { makeDirSync } from '../../util/make-dir.js';

/** One deployed version of a project, unpacked at `dir` (eggs_dir/PROJECT/VERSION). */
export interface StoredVersion {
  project: string;
  version: string;
  dir: string;
  manifest: BundleManifest;
  /** ms since epoch. */
  uploadedAt: number;
}

/** Marks a version folder deleted but kept for the jobs still running it. */
const DELETED_MARK = '.deleted';

/**
 * Project versions on disk: eggs_dir/PROJECT/VERSION/{manifest.json,bundle.mjs,bundle.mjs.map}.
 * The folder tree is the database: a version appears by one atomic rename, so a crash or a
 * bad upload never leaves a half version visible. An in-memory index answers list calls.
 */
export class VersionStore {
  readonly #root: string;
  readonly #tmp: string;
  readonly #limits: ExtractLimits;
  readonly #index = new Map<string, Map<string, StoredVersion>>();
  readonly #sorted = new Map<string, string[]>();
  /** Per-project chain so two uploads to one project do not interleave their renames. */
  readonly #locks = new Map<string, Promise<unknown>>();
  /** Running jobs per version folder: a deleted version's folder stays until its last job ends. */
  readonly #users = new Map<string, number>();
  readonly #log: (msg: string) => void;

  /** `log` hears about version folders that cannot be read (they are left out of every listing). */
  constructor(eggsDir: string, limits: ExtractLimits = DEFAULT_EXTRACT_LIMITS, log: (msg: string) => void = () => {}) {
    this.#root = eggsDir;
    this.#log = log;
    this.#tmp = join(eggsDir, '.tmp');
    this.#limits = limits;
    makeDirSync(eggsDir, 0o700);
    rmSync(this.#tmp, { recursive: true, force: true }); // leftovers of uploads cut short by a crash
    mkdirSync(this.#tmp, { mode: 0o700 });
    this.#scan();
  }

  #scan(): void {
    for (const project of readdirSync(this.#root)) {
      if (!isSafeName(project)) continue;
      // versions deleted while jobs still used them, left by a crash before their jobs ended
      let entries: Dirent[];
      try {
        entries = readdirSync(join(this.#root, project), { withFileTypes: true });
      } catch {
        continue;
      }
      for (const version of entries) {
        const dir = join(this.#root, project, version.name);
        if (version.isDirectory() && existsSync(join(dir, DELETED_MARK))) this.#remove(dir);
      }
    }
    for (const project of readdirSync(this.#root)) {
      if (!isSafeName(project)) continue;
      let versions: string[];
      try {
        versions = readdirSync(join(this.#root, project));
      } catch {
        continue;
      }
      for (const version of versions) {
        if (!isSafeName(version)) continue;
        const stored = this.#read(project, version);
        if (stored) this.#add(stored);
      }
    }
  }

  #read(project: string, version: string): StoredVersion | undefined {
    const dir = join(this.#root, project, version);
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as BundleManifest;
      return { project, version, dir, manifest, uploadedAt: statSync(join(dir, 'manifest.json')).mtimeMs };
    } catch (err) {
      // Never half-written by us (a version appears by one rename): damaged by hand or by the disk.
      this.#log(`Version ${project}/${version} in ${this.#root} is not listed: its manifest.json cannot be read (${(err as Error).message}); upload the version again, or remove ${dir}`);
      return undefined;
    }
  }

  #add(v: StoredVersion): void {
    let m = this.#index.get(v.project);
    if (!m) this.#index.set(v.project, (m = new Map()));
    m.set(v.version, v);
    this.#sorted.delete(v.project);
  }

  /** Project names, sorted. */
  projects(): string[] {
    return [...this.#index.keys()].sort();
  }

  hasProject(project: string): boolean {
    return this.#index.has(project);
  }

  /** A project's versions, ascending, latest last (PEP 440 or natural order). */
  versions(project: string): string[] {
    let s = this.#sorted.get(project);
    if (!s) {
      s = sortVersions([...(this.#index.get(project)?.keys() ?? [])]);
      this.#sorted.set(project, s);
    }
    return s;
  }

  /** The given version, or the latest when `version` is absent. */
  get(project: string, version?: string | null): StoredVersion | undefined {
    const m = this.#index.get(project);
    if (!m) return undefined;
    if (version) return m.get(version);
    const all = this.versions(project);
    return all.length ? m.get(all[all.length - 1]!) : undefined;
  }

  #locked<T>(project: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#locks.get(project) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const settled = next.catch(() => undefined);
    this.#locks.set(project, settled);
    void settled.then(() => {
      if (this.#locks.get(project) === settled) this.#locks.delete(project);
    });
    return next;
  }

  /**
   * Unpacks and checks `packed` in a private temp folder, then renames it to
   * eggs_dir/PROJECT/VERSION (replacing an earlier upload of the same version). On any error
   * the temp folder is removed and the project's versions are as before.
   */
  put(project: string, version: string, packed: Buffer): Promise<StoredVersion> {
    return this.#locked(project, async () => {
      const work = mkdtempSync(join(this.#tmp, 'upload-'));
      try {
        await extractBundle(packed, work, this.#limits);
        // Written now, before the version appears: jobs of a new version starting together
        // then find it in place instead of all writing it at once.
        await linkTscrapy(work);
        const dir = join(this.#root, project, version);
        makeDirSync(join(this.#root, project), 0o700);
        let old: string | undefined;
        try {
          old = mkdtempSync(join(this.#tmp, 'old-'));
          renameSync(dir, join(old, 'v'));
        } catch {
          // no earlier upload of this version
        }
        renameSync(work, dir);
        if (old) rmSync(old, { recursive: true, force: true });
        const stored = this.#read(project, version)!;
        this.#add(stored);
        return stored;
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    });
  }

  /**
   * Counts a running job as a user of `stored`'s folder, which a delete then keeps until the
   * job ends. Returns the release to call when it has.
   */
  acquire(stored: StoredVersion): () => void {
    this.#users.set(stored.dir, (this.#users.get(stored.dir) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const n = (this.#users.get(stored.dir) ?? 1) - 1;
      if (n > 0) return void this.#users.set(stored.dir, n);
      this.#users.delete(stored.dir);
      if (existsSync(join(stored.dir, DELETED_MARK))) this.#remove(stored.dir);
    };
  }

  /** Removes a version folder (renamed away first, so it vanishes at once), and its project folder once empty. */
  #remove(dir: string): void {
    const trash = mkdtempSync(join(this.#tmp, 'del-'));
    try {
      renameSync(dir, join(trash, 'v'));
    } catch {
      // already gone
    }
    rmSync(trash, { recursive: true, force: true });
    try {
      rmdirSync(join(dir, '..'));
    } catch {
      // other versions remain
    }
  }

  /**
   * Deletes one version, or the whole project when `version` is absent. A version is gone
   * from the index at once; its folder goes now, or when the last job running it ends
   * (marked meanwhile, so a restart does not bring it back). Returns false when there was
   * nothing to delete.
   */
  delete(project: string, version?: string): boolean {
    const m = this.#index.get(project);
    if (!m) return false;
    if (version !== undefined && !m.has(version)) return false;
    for (const v of version === undefined ? [...m.keys()] : [version]) {
      const dir = m.get(v)!.dir;
      m.delete(v);
      if (this.#users.has(dir)) writeFileSync(join(dir, DELETED_MARK), '');
      else this.#remove(dir);
    }
    this.#sorted.delete(project);
    if (m.size === 0) this.#index.delete(project);
    return true;
  }
}
