import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-file.js';
import { FeedResumeError } from './errors.js';
import { makeDirSync } from '../util/make-dir.js';

/** Version of `<JOBDIR>/feeds.json`; a file with another version is refused, never ignored. */
export const FEEDS_STATE_VERSION = 1;

/** Where one feed stood when its state was last saved. */
export interface FeedSlotState {
  /** 1-based id of the current batch file. */
  batchId: number;
  /** Items in the current batch file. */
  batchItems: number;
  /** Items exported by this feed over the whole job. */
  itemCount: number;
  /** The current file (the rendered URI), null for stdout. */
  path: string | null;
  /** True when the file was closed properly (a graceful stop), false while open or after a crash. */
  closed: boolean;
  /** Remote feeds (s3://, ftp://): the rendered URI the current batch is sent to; `path` is its local copy. */
  remote?: string;
  /** Remote feeds: batches whose upload failed, kept locally; the resumed job sends them again. */
  unsent?: UnsentBatch[];
}

/** A closed batch of a remote feed that could not be sent: its local copy and its destination. */
export interface UnsentBatch {
  path: string;
  remote: string;
}

/** The content of `<JOBDIR>/feeds.json`. */
export interface FeedsJobState {
  version: number;
  /** When the job started (ISO); `%(time)s` keeps this value across resumes. */
  startedAt: string;
  feeds: Record<string, FeedSlotState>;
}

/** The path of the feeds state file in `jobdir`. */
export function feedsStatePath(jobdir: string): string {
  return join(jobdir, 'feeds.json');
}

/** Reads the state of a job that already started, or null for a fresh job. Throws on a corrupt file. */
export function loadFeedsState(jobdir: string): FeedsJobState | null {
  const path = feedsStatePath(jobdir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new FeedResumeError(path, `cannot read the feeds state: ${(err as Error).message}`);
  }
  let parsed: FeedsJobState;
  try {
    parsed = JSON.parse(text) as FeedsJobState;
  } catch {
    throw new FeedResumeError(path, 'the feeds state is not valid JSON; restore it, or delete it to start the feeds of this job afresh');
  }
  if (!parsed || typeof parsed !== 'object' || parsed.version !== FEEDS_STATE_VERSION || typeof parsed.feeds !== 'object') {
    throw new FeedResumeError(
      path,
      `the feeds state has version ${JSON.stringify(parsed?.version)}, this tscrapy reads version ${FEEDS_STATE_VERSION}; resume the job with the tscrapy that started it`,
    );
  }
  return parsed;
}

/** Writes the state atomically: a temp file, fsync, rename over the old one. */
export async function saveFeedsState(jobdir: string, state: FeedsJobState): Promise<void> {
  makeDirSync(jobdir);
  await writeFileAtomic(feedsStatePath(jobdir), JSON.stringify(state, null, 2) + '\n');
}
