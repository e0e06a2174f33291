import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { CrawlerContext } from '../components.js';
import type { Logger } from '../logger.js';
import { VERSION } from '../settings/defaults.js';
import type { StatsCollector } from '../stats.js';
import { writeFileAtomic, writeFileAtomicSync } from '../../util/atomic-file.js';
import { JobdirCorruptError, JobdirError, JobdirVersionError } from './errors.js';
import { jobdirPaths, JOBDIR_FORMAT, JOBDIR_FORMAT_VERSION, type JobdirPaths, type LogPosition } from './layout.js';
import { JobdirLock } from './lock.js';
import { makeDirSync } from '../../util/make-dir.js';

/** `jobdir.json`. */
interface Manifest {
  format: string;
  version: number;
  spider: string;
  createdAt: string;
  createdBy: string;
}

/** `state.json`: what a checkpoint saves besides the request log. */
export interface JobState {
  version: number;
  /** Runs of this job so far (this one included once it saved). */
  runs: number;
  /** When the job first started (ISO): the `start_time` stat of every run. */
  startedAt: string;
  /** Seconds spent crawling over all runs before this one. */
  elapsedSeconds: number;
  spiderState: Record<string, unknown>;
  stats: Record<string, unknown>;
  /**
   * How far the request log was durable at this checkpoint: after a crash, a log shorter than
   * this was damaged, not torn by the crash.
   */
  queue?: LogPosition;
}

const open = new WeakMap<object, JobDir>();

/**
 * One job's folder while a crawl uses it: locked against a second process, its format version
 * checked, its state (spider.state, stats, elapsed time) loaded and saved at checkpoints.
 * Shared by the disk queue, the dupefilter and the SpiderStateExtension of one crawl.
 */
export class JobDir {
  readonly paths: JobdirPaths;
  /** True when the folder held no job: it starts afresh. */
  readonly isNew: boolean;
  /** The saved state (null for a new job, or a job killed before its first checkpoint). */
  readonly saved: JobState | null;
  readonly #lock: JobdirLock;
  readonly #logger: Logger;
  readonly #runStart = performance.now();
  #closed = false;
  #queuePosition: (() => LogPosition) | null = null;

  /** The crawl's JobDir, opened (and locked) on first use; null when JOBDIR is not set. */
  static forCrawler(crawler: CrawlerContext): JobDir | null {
    const dir = crawler.settings.get('JOBDIR');
    if (typeof dir !== 'string' || dir === '') return null;
    let jd = open.get(crawler);
    if (!jd) {
      jd = new JobDir(dir, String(crawler.spider?.name ?? ''), crawler.logger.child('tscrapy.jobdir'));
      open.set(crawler, jd);
    }
    return jd;
  }

  /** Releases the crawl's JobDir, if one was opened. */
  static release(crawler: CrawlerContext): void {
    open.get(crawler)?.close();
    open.delete(crawler);
  }

  constructor(root: string, spiderName: string, logger: Logger) {
    this.paths = jobdirPaths(root);
    this.#logger = logger;
    try {
      makeDirSync(root);
    } catch (err) {
      throw new JobdirError(`Cannot create JOBDIR ${root}: ${(err as Error).message}`, { cause: err });
    }
    this.#lock = new JobdirLock(this.paths.lock);
    const note = this.#lock.acquire();
    if (note) logger.warn(note);
    try {
      this.isNew = !this.#checkManifest(spiderName);
      this.saved = this.isNew ? null : this.#loadState();
      if (this.isNew) {
        makeDirSync(this.paths.queue);
        const m: Manifest = { format: JOBDIR_FORMAT, version: JOBDIR_FORMAT_VERSION, spider: spiderName, createdAt: new Date().toISOString(), createdBy: `tscrapy ${VERSION}` };
        writeFileAtomicSync(this.paths.manifest, JSON.stringify(m, null, 2) + '\n');
      }
    } catch (err) {
      this.#lock.release();
      throw err;
    }
  }

  get root(): string {
    return this.paths.root;
  }

  /** Seconds crawled by this job including this run so far. */
  elapsedSeconds(): number {
    return (this.saved?.elapsedSeconds ?? 0) + (performance.now() - this.#runStart) / 1000;
  }

  /** Where the request log is durable, saved with the state at each checkpoint (the disk queue reports it). */
  trackQueue(position: () => LogPosition): void {
    this.#queuePosition = position;
  }

  /** Saves spider.state and the stats atomically (called at each checkpoint and at the end). */
  async saveState(spiderState: Record<string, unknown>, stats: StatsCollector): Promise<void> {
    const state: JobState = {
      version: JOBDIR_FORMAT_VERSION,
      runs: (this.saved?.runs ?? 0) + 1,
      startedAt: this.saved?.startedAt ?? String(stats.getValue('start_time') ?? new Date().toISOString()),
      elapsedSeconds: Math.round(this.elapsedSeconds() * 1000) / 1000,
      spiderState,
      stats: stats.getStats(),
    };
    if (this.#queuePosition) state.queue = this.#queuePosition();
    let text: string;
    try {
      text = JSON.stringify(state, null, 1) + '\n';
    } catch (err) {
      throw new JobdirError(`Cannot save spider.state in ${this.paths.state}: ${(err as Error).message}; keep only JSON values (objects, arrays, strings, numbers, booleans, null) in spider.state`);
    }
    await writeFileAtomic(this.paths.state, text);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#lock.release();
  }

  /** True when the folder holds a job (of a compatible version, for this spider). */
  #checkManifest(spiderName: string): boolean {
    let text: string;
    try {
      text = readFileSync(this.paths.manifest, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new JobdirError(`Cannot read ${this.paths.manifest}: ${(err as Error).message}`);
      // No manifest: a fresh folder, unless job files are there (never restart over them silently).
      const leftovers = ['queue', 'seen.bin', 'state.json', 'queue.json'].filter((f) => existsSync(`${this.paths.root}/${f}`));
      const segs = existsSync(this.paths.queue) ? readdirSync(this.paths.queue).length : 0;
      if (leftovers.some((f) => f !== 'queue') || segs > 0) {
        throw new JobdirCorruptError(this.paths.manifest, `is missing, but the folder holds job files (${leftovers.join(', ')})`);
      }
      return false;
    }
    let m: Manifest;
    try {
      m = JSON.parse(text) as Manifest;
    } catch {
      throw new JobdirCorruptError(this.paths.manifest, 'is not valid JSON');
    }
    if (m?.format !== JOBDIR_FORMAT) throw new JobdirCorruptError(this.paths.manifest, `is not a tscrapy JOBDIR manifest (format ${JSON.stringify(m?.format)})`);
    if (m.version !== JOBDIR_FORMAT_VERSION) {
      throw new JobdirVersionError(
        `${this.paths.manifest}: this JOBDIR was written in format version ${m.version} (by ${m.createdBy}); this tscrapy (${VERSION}) reads version ${JOBDIR_FORMAT_VERSION}. ` +
          'Resume it with the tscrapy that started it, or use a new JOBDIR',
      );
    }
    if (spiderName && m.spider && m.spider !== spiderName) {
      throw new JobdirVersionError(`${this.paths.manifest}: this JOBDIR holds a job of spider "${m.spider}", not "${spiderName}"; a JOBDIR belongs to one job of one spider`);
    }
    return true;
  }

  #loadState(): JobState | null {
    let text: string;
    try {
      text = readFileSync(this.paths.state, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new JobdirError(`Cannot read ${this.paths.state}: ${(err as Error).message}`);
    }
    let s: JobState;
    try {
      s = JSON.parse(text) as JobState;
    } catch {
      // Written atomically (temp + rename), so a bad file is damage, not a torn write.
      throw new JobdirCorruptError(this.paths.state, 'is not valid JSON');
    }
    if (s?.version !== JOBDIR_FORMAT_VERSION) throw new JobdirVersionError(`${this.paths.state}: state version ${JSON.stringify(s?.version)}, this tscrapy reads version ${JOBDIR_FORMAT_VERSION}`);
    if (typeof s.stats !== 'object' || typeof s.spiderState !== 'object') throw new JobdirCorruptError(this.paths.state, 'lacks "stats" or "spiderState"');
    return s;
  }
}
