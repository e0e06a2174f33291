export { JobDir, type JobState } from './job-dir.js';
export { JobdirLock } from './lock.js';
export { JobdirError, JobdirLockedError, JobdirVersionError, JobdirCorruptError, JobdirQueueDamagedError } from './errors.js';
export { JOBDIR_FORMAT_VERSION, jobdirPaths, type JobdirPaths } from './layout.js';
export { SpiderStateExtension } from './spider-state.js';
