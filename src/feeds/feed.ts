import { constants, existsSync } from 'node:fs';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { maskUrl } from '../crawler/downloader/mask.js';
import type { Logger } from '../crawler/logger.js';
import type { StatsCollector } from '../crawler/stats.js';
import { FeedConfigError } from './errors.js';
import type { ItemExporter, PlainItem } from './exporters/types.js';
import type { FeedSlotState, UnsentBatch } from './job-state.js';
import type { FeedConfig } from './options.js';
import { FileSink, StreamSink, type FeedSink } from './sinks.js';
import type { FeedStorages } from './storages/registry.js';
import type { FeedStorage } from './storages/types.js';
import { StorageError } from './storages/errors.js';
import { feedBatchTime, feedTime, parseTarget, placeholdersOf, renderUri, type FeedTarget } from './uri.js';
import { makeDir } from '../util/make-dir.js';

/** What a feed needs from its surroundings. */
export interface FeedContext {
  /** The spider whose attributes fill `%(attr)s` placeholders (and `%(name)s`). */
  spider: object | null;
  /** Start of the job: `%(time)s`. */
  startTime: Date;
  stdout: NodeJS.WritableStream;
  cwd: string;
  logger: Logger;
  stats: StatsCollector;
  /** Called after a batch file is closed and the next one opened, to save the job's state. */
  onRotate?: () => Promise<void>;
  /** Storages of remote schemes (s3://…): such a feed is spooled to a local file and sent when each batch closes. */
  storages?: FeedStorages | null;
  /**
   * The job can be resumed (JOBDIR): the local copy of a remote feed that is one object (no
   * batches) is kept after it is sent, so that a resumed job sends it again whole, with its own items added.
   */
  resumable?: boolean;
}

/**
 * One entry of FEEDS while the spider runs: renders its URI, opens (or continues) its file,
 * formats items into it and starts a new file every `batchItemCount` items.
 */
export class Feed {
  #batchId = 1;
  #batchItems = 0;
  #itemCount = 0;
  #path: string | null = null;
  #sink: FeedSink | null = null;
  #exporter: ItemExporter | null = null;
  #hasItems = false;
  #busy: Promise<void> | null = null;
  #closed = false;
  #lastBatchTime = '';
  #micros = 0;
  /** True when the URI names a new file per run or batch (`%(time)s`, `%(batch_time)s`). */
  readonly #timed: boolean;
  /** Added to the time placeholders once their file name was taken by another crawl (`-2`, `-3`…). */
  #timeSuffix = '';
  /** Where the current batch is sent when it closes (remote feeds), or null. */
  #storage: FeedStorage | null = null;
  /** The rendered URI of #storage (saved in the job state, so that a resumed job sends the batch to it). */
  #remote: string | null = null;
  /** Local copies of batches that could not be sent: kept, named in the log, sent again by a resumed job. */
  #unsent: UnsentBatch[] = [];

  constructor(
    readonly config: FeedConfig,
    private readonly ctx: FeedContext,
  ) {
    this.#timed = placeholdersOf(config.uri).some((n) => n === 'time' || n === 'batch_time');
  }

  /** The URI with its placeholders filled for batch `batchId`. */
  render(batchId: number): string {
    const name = (this.ctx.spider as { name?: unknown } | null)?.name;
    const t = this.#timeSuffix;
    return renderUri(
      this.config.uri,
      { name: name ?? '', time: feedTime(this.ctx.startTime) + t, batch_id: batchId, batch_time: this.#batchTime() + t },
      this.ctx.spider,
    );
  }

  /** Where batch `batchId` goes. */
  target(batchId: number): FeedTarget & { storage?: FeedStorage; remote?: string } {
    const rendered = this.render(batchId);
    const storage = this.#storageFor(rendered);
    if (storage) return { kind: 'file', path: this.ctx.storages!.spoolPath(rendered), storage, remote: rendered };
    return parseTarget(this.config.uri, rendered, this.ctx.cwd);
  }

  #storageFor(rendered: string): FeedStorage | null {
    return this.ctx.storages?.forUri(rendered, { overwrite: this.config.overwrite }) ?? null;
  }

  /** Items exported so far over the job. */
  get itemCount(): number {
    return this.#itemCount;
  }

  /**
   * Opens the feed. `resume` is the state saved by an earlier run of the same job: the feed
   * continues its file and batch numbering; after a crash (`closed: false`) of a batched feed,
   * the torn batch is repaired and closed, and a new batch starts. `keep`: never truncate an
   * existing file (the job's feed state was lost, so the file may hold its earlier items).
   */
  async open(resume: FeedSlotState | null, keep = false): Promise<void> {
    if (!resume) {
      await this.#openBatch(1, null, this.config.overwrite && !keep);
      return;
    }
    this.#itemCount = resume.itemCount;
    // A state saved before `remote` was recorded: the batch's URI is rendered again.
    const remote = resume.path ? (resume.remote ?? this.target(resume.batchId).remote ?? null) : null;
    if (remote) return this.#resumeRemote(resume, remote);
    const full = this.config.batchItemCount > 0 && resume.batchItems >= this.config.batchItemCount;
    if (this.config.batchItemCount > 0 && (!resume.closed || full) && resume.path) {
      // Its item count is unknown after a crash: repair the file, close it, count on in a new one.
      await this.#openBatch(resume.batchId, { path: resume.path }, false);
      await this.#closeBatch();
      await this.#openBatch(resume.batchId + 1, null, this.config.overwrite);
      return;
    }
    await this.#openBatch(resume.batchId, resume.path === null ? null : { path: resume.path }, false);
    this.#batchItems = resume.batchItems;
  }

  /**
   * Resumes a remote feed so that every item reaches the destination once: batches the earlier
   * run could not send are sent first; a batch torn by a crash is repaired and sent; a batch sent
   * when the job paused is not continued (its object would be replaced by the rest alone): the
   * job goes on in the next batch. A feed that is one object continues its local copy, which
   * holds every item so far, and sends it whole when it closes (or, to an appending storage,
   * sends only what this run adds).
   */
  async #resumeRemote(resume: FeedSlotState, remote: string): Promise<void> {
    const batched = this.config.batchItemCount > 0;
    const continued = batched ? null : resume.path;
    await this.#sendUnsent((resume.unsent ?? []).filter((b) => b.path !== continued));
    if (!batched) {
      const path = resume.path!;
      const sent = resume.closed && !(resume.unsent ?? []).some((b) => b.path === path);
      const appends = this.#storageFor(remote)?.appends === true;
      if (sent && !appends && resume.itemCount > 0 && !existsSync(path)) {
        this.ctx.logger.warn(
          `Feed ${maskUrl(this.config.uri)}: the local copy ${path} of the ${resume.itemCount} items sent by earlier runs is gone; ${maskUrl(remote)} will be replaced by the items of this run`,
        );
      }
      // An appending storage has what was sent: this run's copy starts empty and adds the rest.
      await this.#openBatch(resume.batchId, { path, remote }, sent && appends);
      this.#batchItems = resume.batchItems;
      return;
    }
    if (!resume.closed) {
      await this.#openBatch(resume.batchId, { path: resume.path!, remote }, false);
      await this.#closeBatch();
    }
    await this.#openBatch(resume.batchId + 1, null, this.config.overwrite);
  }

  /** Sends again the batches an earlier run kept locally; those that fail again stay listed. */
  async #sendUnsent(batches: UnsentBatch[]): Promise<void> {
    let sent = 0;
    for (const b of batches) {
      const storage = this.#storageFor(b.remote);
      if (!storage) continue;
      if (await this.#send(storage, b.path, b.remote)) sent++;
    }
    if (sent) this.ctx.logger.info(`Feed ${maskUrl(this.config.uri)}: sent ${sent} batch(es) kept from an earlier run`);
  }

  /** Exports one item; returns a promise only when the caller should wait (backpressure, a new batch). */
  export(item: PlainItem): void | Promise<void> {
    if (this.#busy) return this.#busy.then(() => this.export(item));
    if (this.#closed) return;
    if (this.config.batchItemCount > 0 && this.#batchItems >= this.config.batchItemCount) {
      this.#busy = this.#rotate().finally(() => {
        this.#busy = null;
      });
      return this.#busy.then(() => this.export(item));
    }
    const text = this.#exporter!.item(item, !this.#hasItems);
    this.#hasItems = true;
    this.#batchItems++;
    this.#itemCount++;
    return this.#sink!.write(text);
  }

  /** Writes what is buffered; `durable` fsyncs it (JOBDIR checkpoints). */
  async flush(durable = false): Promise<void> {
    if (this.#busy) await this.#busy;
    await this.#sink?.flush(durable);
  }

  /** Ends the file (closing `]`, `</items>`), flushes, syncs and closes it. Idempotent. */
  async close(): Promise<void> {
    if (this.#busy) await this.#busy.catch(() => {});
    if (this.#closed) return;
    this.#closed = true;
    await this.#closeBatch();
    if (this.#unsent.length) {
      const again = this.ctx.resumable ? '; resuming the job sends them again' : '';
      throw new StorageError(`${this.#unsent.length} batch file(s) could not be sent; kept locally in: ${this.#unsent.map((b) => b.path).join(', ')}${again}`);
    }
  }

  /** The state to save in `<JOBDIR>/feeds.json`. */
  state(): FeedSlotState {
    const state: FeedSlotState = { batchId: this.#batchId, batchItems: this.#batchItems, itemCount: this.#itemCount, path: this.#path, closed: this.#closed };
    if (this.#remote) state.remote = this.#remote;
    if (this.#unsent.length) state.unsent = [...this.#unsent];
    return state;
  }

  /** A short description for logs: `json feed (12 items) in /tmp/out.json`. */
  describe(): string {
    const where = this.#storage?.description ?? this.#path ?? 'stdout:';
    return `${this.config.format.name} feed (${this.#itemCount} items) in: ${where}`;
  }

  #batchTime(): string {
    // Two batches in the same millisecond must not share a file name.
    const now = new Date();
    let t = feedBatchTime(now, this.#micros);
    if (t <= this.#lastBatchTime) {
      this.#micros++;
      t = feedBatchTime(now, this.#micros);
      if (t <= this.#lastBatchTime) t = this.#lastBatchTime.replace(/\.(\d{6})/, (_m, d: string) => '.' + String(Number(d) + 1).padStart(6, '0'));
    } else this.#micros = 0;
    this.#lastBatchTime = t;
    return t;
  }

  async #rotate(): Promise<void> {
    await this.#closeBatch();
    await this.#openBatch(this.#batchId + 1, null, this.config.overwrite);
    await this.ctx.onRotate?.();
  }

  /**
   * Opens batch `batchId`: a new file, or `known` (the file of an earlier run, continued; for a
   * remote feed, `known.remote` is where it is sent).
   */
  async #openBatch(batchId: number, known: { path: string; remote?: string | null } | null, truncate: boolean): Promise<void> {
    const knownPath = known?.path ?? null;
    this.#batchId = batchId;
    this.#batchItems = 0;
    this.#hasItems = false;
    const exporter = this.config.format.create(this.config);
    const target: FeedTarget & { storage?: FeedStorage; remote?: string } = known
      ? { kind: 'file', path: known.path, ...(known.remote ? { storage: this.#storageFor(known.remote) ?? undefined, remote: known.remote } : {}) }
      : this.target(batchId);
    this.#storage = target.storage ?? null;
    this.#remote = this.#storage ? (target.remote ?? null) : null;
    // A new batch of a remote feed starts an empty spool file: never continue one left by a failed upload.
    if (this.#storage && !known) truncate = true;
    let hasHeader = false;
    if (target.kind === 'stdout') {
      this.#path = null;
      this.#sink = new StreamSink(this.ctx.stdout, this.config.encoding);
    } else {
      let fh: FileHandle;
      let path = target.path;
      if (this.#timed && !knownPath) {
        ({ fh, path } = await this.#createTimed(batchId, path));
      } else {
        await makeDir(dirname(path));
        // a+: reads (to inspect a file being continued) and O_APPEND writes, landing after a truncate.
        fh = await open(path, 'a+').catch((err: Error) => {
          throw new FeedConfigError(this.config.uri, `cannot open ${path}: ${err.message}`, { cause: err });
        });
      }
      this.#path = path;
      try {
        // A special file (/dev/null, a FIFO) is written to as it is: nothing to truncate or continue.
        const regular = (await fh.stat()).isFile();
        if (truncate && regular) await fh.truncate(0);
        const size = regular ? (await fh.stat()).size : 0;
        if (size > 0) {
          const info = await this.config.format.reopen(fh, size, path, this.config);
          if (info.repaired) {
            this.ctx.logger.warn(`Feed ${maskUrl(this.config.uri)}: ${path}: ${info.repaired}`);
            this.ctx.stats.incValue('feedexport/repaired_count');
          }
          if (info.truncateAt < size) await fh.truncate(info.truncateAt);
          exporter.resume?.(info);
          hasHeader = info.hasHeader;
          this.#hasItems = info.hasItems;
        }
      } catch (err) {
        await fh.close();
        throw err;
      }
      this.#sink = new FileSink(fh, this.config.encoding);
    }
    this.#exporter = exporter;
    if (!hasHeader) {
      const header = exporter.header();
      if (header) await this.#sink.write(header);
    }
  }

  /**
   * A file named after the time is this crawl's own: it is created exclusively. When another
   * crawl started in the same second (or millisecond, for `%(batch_time)s`) took the name, the
   * time placeholders get a suffix (`…+00-00-2`) until the name is free: two crawls never write
   * to one file, and neither truncates the other's.
   */
  async #createTimed(batchId: number, first: string): Promise<{ fh: FileHandle; path: string }> {
    let path = first;
    for (let n = 2; ; n++) {
      await makeDir(dirname(path));
      try {
        const fh = await open(path, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_APPEND, 0o666);
        if (path !== first) this.ctx.logger.info(`Feed ${maskUrl(this.config.uri)}: ${first} exists already (another crawl started at the same time); writing ${path} instead`);
        return { fh, path };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || n > 1000) {
          throw new FeedConfigError(this.config.uri, `cannot create ${path}: ${(err as Error).message}`, { cause: err });
        }
      }
      this.#timeSuffix = `-${n}`;
      const next = this.target(batchId);
      if (next.kind !== 'file') throw new FeedConfigError(this.config.uri, 'renders to standard output');
      path = next.path;
    }
  }

  /**
   * Sends a closed batch; on failure keeps the local file, names it in the log and lists it for a
   * resumed job (the crawl goes on). The local copy of a resumable single-object feed is kept
   * after it is sent: a resumed job continues it and sends it whole.
   */
  async #send(storage: FeedStorage, path: string, remote: string): Promise<boolean> {
    try {
      await storage.store(path);
      const keep = this.ctx.resumable && this.config.batchItemCount === 0 && !storage.appends && path === this.#path;
      if (!keep) await unlink(path).catch(() => {});
      this.ctx.logger.info(`Feed ${storage.description}: uploaded`);
      return true;
    } catch (err) {
      if (!this.#unsent.some((b) => b.path === path)) this.#unsent.push({ path, remote });
      this.ctx.stats.incValue('feedexport/upload_failed_count');
      this.ctx.logger.error(`Feed ${storage.description}: ${(err as Error)?.message ?? err}; the batch is kept in ${path}`);
      return false;
    }
  }

  async #closeBatch(): Promise<void> {
    const sink = this.#sink;
    const exporter = this.#exporter;
    if (!sink || !exporter) return;
    this.#sink = null;
    try {
      const footer = exporter.footer();
      if (footer) await sink.write(footer);
    } finally {
      await sink.close();
    }
    if (this.#storage && this.#path && this.#remote) await this.#send(this.#storage, this.#path, this.#remote);
    const replaced = (exporter as { replacedCount?: number }).replacedCount;
    if (replaced) {
      this.ctx.logger.warn(`Feed ${maskUrl(this.config.uri)}: ${replaced} characters could not be written in ${this.config.encodingLabel} and were replaced by "?"`);
    }
  }
}
