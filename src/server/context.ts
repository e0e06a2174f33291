import type { ServerConfig } from './config.js';
import type { JobScheduler } from './scheduler.js';
import type { VersionStore } from './storage/versions.js';

/** What request handlers work with. */
export interface ServerContext {
  config: ServerConfig;
  versions: VersionStore;
  scheduler: JobScheduler;
  /** ms since epoch. */
  startedAt: number;
}
