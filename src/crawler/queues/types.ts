import type { Request } from '../http/request.js';
import type { Spider } from '../spider.js';

type Maybe<T> = T | Promise<T>;

/**
 * Storage of pending requests, ordered by priority (higher first). Backends: memory, disk
 * (JOBDIR), Redis. A popped request is leased, not forgotten: the scheduler acks it once its
 * callback's requests and items are recorded, so a crash between pop and ack loses nothing
 * on a persistent backend (the request is handed out again on resume).
 */
export interface RequestQueue {
  open(spider: Spider): Maybe<void>;
  /** Stores a request. Throws SerializationError when a persistent backend cannot store it. */
  push(request: Request): Maybe<void>;
  /** The next request, or null when none is ready now (not necessarily empty: see `size`). */
  pop(): Maybe<Request | null>;
  /** The request's outcome is recorded; forget it for good. */
  ack(request: Request): Maybe<void>;
  /** Pending requests, not counting leased ones. */
  size(): number;
  /** Saves what is needed to resume; a persistent backend keeps leased, unacked requests pending. */
  close(reason: string): Maybe<void>;
}

/** Remembers request fingerprints to drop duplicates. */
export interface DupeFilter {
  open(spider: Spider): Maybe<void>;
  /** True when the fingerprint was seen before; records it otherwise. */
  seen(fingerprint: string): Maybe<boolean>;
  /** Fingerprints remembered. */
  size(): number;
  close(reason: string): Maybe<void>;
}
