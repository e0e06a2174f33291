import type { Worker } from 'node:worker_threads';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Document } from 'domhandler';
import { PoolGrowth } from './pool-growth.js';
import { decodeTree, type EncodedTree } from './tree-codec.js';

/** A body to parse, as the pool sends it to a thread. */
export interface ParseJob {
  id: number;
  body: Uint8Array;
  /** WHATWG encoding name to decode the body with. */
  encoding: string;
}

/** What a thread sends back: the flattened tree, or why it could not parse. */
export type ParseResult = { id: number; tree: EncodedTree } | { id: number; error: string };

export interface ParsePoolOptions {
  /** Most worker threads to parse on (at least 1); they start as the work needs them (see ParsePool). */
  threads: number;
  /** Told once, when a thread fails and the pool stops (parsing then happens on the caller's thread). */
  onFailure?: (error: Error) => void;
  /**
   * Young-generation size of each thread in MB: parsing makes short-lived garbage only, so a
   * small one keeps the process's memory down at no cost in speed.
   * @default 8
   */
  youngGenerationMb?: number;
}

/**
 * A page a thread parsed, rebuilt into a tree on the first `take()`. Taking also drops the
 * flattened form: whatever still refers to this (a settled promise in the old generation, say)
 * then keeps neither the strings nor the tree alive.
 */
export class ParsedPage {
  #tree: EncodedTree | null;

  constructor(tree: EncodedTree) {
    this.#tree = tree;
  }

  /** The document; null once taken. */
  take(): Document | null {
    const tree = this.#tree;
    if (tree === null) return null;
    this.#tree = null;
    return decodeTree(tree);
  }
}

interface Pending {
  resolve: (page: ParsedPage | null) => void;
  /** performance.now() when the job was sent. */
  sentAt: number;
}

interface Thread {
  worker: Worker;
  pending: Map<number, Pending>;
  /** performance.now() of the thread's last answer; 0 before the first. */
  answeredAt: number;
  /** Jobs sent to the thread. */
  sent: number;
  /** Jobs the thread has finished, counted by the thread itself (`Int32Array` on shared memory). */
  done: Int32Array;
}

/**
 * A new thread may start only when every running thread has this many jobs unfinished: one it
 * parses and at least one waiting. Below that the threads keep up, and another would cost its
 * memory (≈20 MiB once it has parsed; bench/README.md, threads) for nothing.
 */
const GROW_AT_BACKLOG = 2;

/**
 * Parses HTML on worker threads so that the event loop stays free for callbacks, downloads and
 * feeds: the thread decodes and parses, the main thread rebuilds the tree when it is first
 * queried (≈5% of the parse).
 * The first thread starts on the first job; the next ones start one at a time while the running
 * ones fall behind (each has a job waiting, and none is still starting), up to `threads`, and
 * only while the last one started paid (PoolGrowth). So a crawl that cannot keep many threads
 * busy, or a machine without the cores for them, does not pay for them. An idle thread waits on
 * its message port (no CPU); each is referenced only while it has jobs, so an idle pool never
 * keeps the process alive. `parse()` resolves to null when the pool cannot parse (closed, or a
 * thread failed): the caller then parses itself, so no response is ever lost to the pool.
 */
export class ParsePool {
  readonly #opts: ParsePoolOptions;
  readonly #threads: Thread[] = [];
  readonly #growth: PoolGrowth;
  #nextId = 0;
  #started = 0;
  #closed = false;
  #failed = false;

  constructor(opts: ParsePoolOptions) {
    if (!Number.isInteger(opts.threads) || opts.threads < 1) throw new RangeError(`ParsePool needs at least one thread, got ${opts.threads}`);
    this.#opts = opts;
    this.#growth = new PoolGrowth(opts.threads);
  }

  /**
   * Jobs the threads have not finished yet. Answers waiting for the event loop do not count:
   * a busy event loop would otherwise look like busy threads.
   */
  get backlog(): number {
    let n = 0;
    for (const t of this.#threads) n += backlogOf(t);
    return n;
  }

  /** Threads started so far (until `close()`): at most the `threads` option, fewer when fewer kept up. */
  get threadCount(): number {
    return this.#started;
  }

  /** Whether `parse()` can still parse (not closed, no thread failed). */
  get usable(): boolean {
    return !this.#closed && !this.#failed;
  }

  /** Decodes `body` as `encoding` and parses it as HTML on a thread; null when the pool cannot. */
  parse(body: Uint8Array, encoding: string): Promise<ParsedPage | null> {
    if (!this.usable) return Promise.resolve(null);
    const thread = this.#leastBusy();
    const id = this.#nextId++;
    // A copy in an ArrayBuffer of its own, moved to the thread: moving detaches the buffer, and
    // the caller's body (a Buffer whose `slice()` shares memory, often a view of Node's pool
    // slab holding other Buffers) must stay readable; a view would also be cloned whole.
    const copy = new Uint8Array(body);
    return new Promise((resolve) => {
      if (thread.pending.size === 0) thread.worker.ref();
      thread.pending.set(id, { resolve, sentAt: performance.now() });
      thread.sent++;
      const job: ParseJob = { id, body: copy, encoding };
      thread.worker.postMessage(job, [copy.buffer as ArrayBuffer]);
    });
  }

  /** Stops the threads; jobs still pending resolve to null. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const threads = this.#threads.splice(0);
    for (const t of threads) settleAll(t, null);
    await Promise.all(threads.map((t) => t.worker.terminate()));
  }

  #leastBusy(): Thread {
    let best: Thread | undefined;
    let bestBacklog = Infinity;
    for (const t of this.#threads) {
      const backlog = backlogOf(t);
      if (backlog < bestBacklog) {
        best = t;
        bestBacklog = backlog;
      }
    }
    if (best === undefined) return this.#start();
    if (bestBacklog >= GROW_AT_BACKLOG && !this.#anyStarting() && this.#growth.shouldGrow(this.#threads.length)) return this.#start();
    return best;
  }

  /**
   * Whether a thread has not finished its first job yet (it may still be loading its modules):
   * its backlog says nothing about the pool's speed then, and a burst of jobs during one
   * thread's start would otherwise start every other thread too.
   */
  #anyStarting(): boolean {
    return this.#threads.some((t) => Atomics.load(t.done, 0) === 0);
  }

  #start(): Thread {
    const self = fileURLToPath(import.meta.url);
    const isTs = self.endsWith('.ts');
    const entry = self.replace(/parse-pool\.(ts|js)$/, `parse-worker.${isTs ? 'ts' : 'js'}`);
    const done = new Int32Array(new SharedArrayBuffer(4));
    // From the sources (tests), the thread registers the TypeScript loader before loading its entry.
    const script = isTs
      ? new URL(
          `data:text/javascript,import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))}; register(); ` +
            `await import(${JSON.stringify(pathToFileURL(entry).href)});`,
        )
      : entry;
    // node:worker_threads is loaded with the first thread, not with the crawler: a crawl's start
    // (its first request) does not need it (≈ 1.5 ms of CPU).
    const { Worker } = process.getBuiltinModule('node:worker_threads');
    const worker = new Worker(script, {
      workerData: { done },
      resourceLimits: { maxYoungGenerationSizeMb: this.#opts.youngGenerationMb ?? 8 },
      stdout: false,
      stderr: false,
    });
    const thread: Thread = { worker, pending: new Map(), answeredAt: 0, sent: 0, done };
    worker.unref();
    worker.on('message', (result: ParseResult) => {
      const pending = thread.pending.get(result.id);
      if (pending === undefined) return;
      thread.pending.delete(result.id);
      if (thread.pending.size === 0) worker.unref();
      // The thread works through its jobs in order: this one from when it was sent or the last
      // one answered, whichever came later. The first one also loaded the thread: not a measure.
      const now = performance.now();
      if (thread.answeredAt > 0) this.#growth.answered(now - Math.max(pending.sentAt, thread.answeredAt));
      thread.answeredAt = now;
      // A page the thread could not parse is parsed again by the caller, which reports the error.
      pending.resolve('tree' in result ? new ParsedPage(result.tree) : null);
    });
    worker.on('error', (err) => this.#fail(thread, err));
    worker.on('exit', (code) => {
      if (!this.#closed) this.#fail(thread, new Error(`a parse thread exited with code ${code}`));
    });
    this.#threads.push(thread);
    this.#started++;
    return thread;
  }

  #fail(thread: Thread, err: Error): void {
    settleAll(thread, null);
    if (this.#failed || this.#closed) return;
    this.#failed = true;
    this.#opts.onFailure?.(err);
    void this.close();
  }
}

/** Jobs sent to `thread` that it has not finished. */
function backlogOf(thread: Thread): number {
  return thread.sent - Atomics.load(thread.done, 0);
}

function settleAll(thread: Thread, value: null): void {
  for (const { resolve } of thread.pending.values()) resolve(value);
  thread.pending.clear();
}
