import type { FileHandle } from 'node:fs/promises';

/** Where a feed's text goes. Writes are batched; `write` returns a promise only to push back. */
export interface FeedSink {
  /** Queues `text`. Returns a promise when too much is waiting to be written: await it. */
  write(text: string): void | Promise<void>;
  /** Writes everything queued; `durable` also asks the OS to put it on disk (fsync). */
  flush(durable?: boolean): Promise<void>;
  /** Flushes, syncs and releases the sink. */
  close(): Promise<void>;
}

/** Text is handed to the OS in chunks of about this many characters. */
const CHUNK_CHARS = 64 * 1024;
/** Past this many bytes handed over but not yet written, `write` makes the caller wait. */
const MAX_QUEUED_BYTES = 4 * 1024 * 1024;
/**
 * Text never waits longer than this to be handed to the OS, however few items come: `tail -f`
 * shows a slow crawl's progress, and a crash loses at most this much unacknowledged work.
 */
export const MAX_BUFFER_MS = 1000;

/** Common batching: collects strings, turns them into one Buffer per chunk, one write at a time. */
abstract class BatchingSink implements FeedSink {
  #pending: string[] = [];
  #pendingChars = 0;
  #queued = 0;
  #chain: Promise<void> = Promise.resolve();
  #error: unknown = null;
  #timer: NodeJS.Timeout | null = null;

  constructor(protected readonly encoding: BufferEncoding) {}

  protected abstract writeBuffer(buf: Buffer): Promise<void>;

  write(text: string): void | Promise<void> {
    if (this.#error) throw this.#error;
    this.#pending.push(text);
    this.#pendingChars += text.length;
    if (this.#pendingChars >= CHUNK_CHARS) {
      this.#drain();
      if (this.#queued > MAX_QUEUED_BYTES) return this.#chain.then(() => this.#rethrow());
    } else if (!this.#timer) {
      // unref: a buffered feed must not keep a finished process alive (close() flushes it anyway).
      this.#timer = setTimeout(() => this.#drain(), MAX_BUFFER_MS).unref();
    }
  }

  #rethrow(): void {
    if (this.#error) throw this.#error;
  }

  #drain(): void {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    if (this.#pendingChars === 0) return;
    const buf = Buffer.from(this.#pending.length === 1 ? this.#pending[0]! : this.#pending.join(''), this.encoding);
    this.#pending = [];
    this.#pendingChars = 0;
    this.#queued += buf.length;
    this.#chain = this.#chain.then(async () => {
      if (this.#error) return;
      try {
        await this.writeBuffer(buf);
      } catch (err) {
        this.#error = err;
      } finally {
        this.#queued -= buf.length;
      }
    });
  }

  async flush(durable = false): Promise<void> {
    this.#drain();
    await this.#chain;
    this.#rethrow();
    if (durable) await this.sync();
  }

  protected async sync(): Promise<void> {}

  abstract close(): Promise<void>;
}

/** A local file opened for appending (O_APPEND, so writes land after any truncation). */
export class FileSink extends BatchingSink {
  constructor(
    private readonly handle: FileHandle,
    encoding: BufferEncoding,
  ) {
    super(encoding);
  }

  protected async writeBuffer(buf: Buffer): Promise<void> {
    let off = 0;
    while (off < buf.length) {
      const { bytesWritten } = await this.handle.write(buf, off, buf.length - off);
      off += bytesWritten;
    }
  }

  protected override async sync(): Promise<void> {
    try {
      await this.handle.datasync();
    } catch (err) {
      // A special file (/dev/null, a FIFO) has nothing to put on disk, and says so with EINVAL.
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EINVAL' && code !== 'ENOTSUP') throw err;
    }
  }

  async close(): Promise<void> {
    try {
      await this.flush(true);
    } finally {
      await this.handle.close();
    }
  }
}

/** Standard output (or another stream the caller owns): never ended here; waits for 'drain'. */
export class StreamSink extends BatchingSink {
  constructor(
    private readonly stream: NodeJS.WritableStream,
    encoding: BufferEncoding,
  ) {
    super(encoding);
  }

  protected writeBuffer(buf: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.stream.once('error', onError);
      const ok = this.stream.write(buf, (err) => {
        this.stream.removeListener('error', onError);
        if (err) reject(err);
        else if (ok) resolve();
      });
      if (!ok) this.stream.once('drain', () => resolve());
    });
  }

  async close(): Promise<void> {
    await this.flush();
  }
}
