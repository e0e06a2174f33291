/**
 * `tscrapy/server`: run the Scrapyd-compatible server from code (`tscrapy server` is this, on the
 * command line), with its configuration and its job-runner interface.
 */
export { startServer, type ServerOptions, type TscrapyServer } from './server.js';
export { loadServerConfig, defaultServerConfig, type ServerConfig, type LoadConfigOptions } from './config.js';
export { ServerConfigError, ApiError, BundleRejectedError } from './errors.js';
export type { JobRunner, JobSpec, RunningJob } from './launcher/types.js';
