import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isLoopback, type ServerConfig } from './config.js';
import type { ServerContext } from './context.js';
import { ServerConfigError } from './errors.js';
import { createRequestHandler } from './http/router.js';
import { isRemoteItemsDir, localItemsDir, normalizeItemsDir } from './items-dir.js';
import { ChildProcessRunner } from './launcher/spawn.js';
import type { JobRunner } from './launcher/types.js';
import { JobScheduler } from './scheduler.js';
import { DEFAULT_EXTRACT_LIMITS, type ExtractLimits } from './storage/extract.js';
import { JobsDb } from './storage/jobs-db.js';
import { VersionStore } from './storage/versions.js';
import { maskUrl } from '../crawler/downloader/mask.js';
import { makeDirSync } from '../util/make-dir.js';

/** How to start a server (the config comes from `loadServerConfig`). */
export interface ServerOptions {
  config: ServerConfig;
  /** Allow binding a non-loopback address without username/password. @default false */
  insecure?: boolean;
  /** Runs jobs. @default a ChildProcessRunner on `runnerScript` */
  runner?: JobRunner;
  /** The child entry script each job runs (tests pass a fixture). @default src/server/launcher/child.js */
  runnerScript?: string;
  /** Node flags for the child script. */
  runnerExecArgv?: string[];
  /** Limits on uploaded bundles. */
  extractLimits?: Partial<ExtractLimits>;
  /** Server log lines (job starts and ends, errors). @default none */
  log?: (msg: string) => void;
}

/** A running `tscrapy server`. */
export interface TscrapyServer {
  /** `http://127.0.0.1:6800/` — with the real port when http_port was 0. */
  readonly url: string;
  readonly port: number;
  readonly config: ServerConfig;
  readonly scheduler: JobScheduler;
  readonly http: Server;
  /**
   * Graceful stop: no new connections or jobs, running jobs asked to stop (SIGINT, then
   * TERM/KILL after cancel_timeout), pending jobs left persisted for the next start.
   */
  close(): Promise<void>;
}

/**
 * Starts the Scrapyd-compatible server: opens the version store and jobs database
 * (recovering jobs after a crash), then listens. Refuses a public bind without auth
 * unless `insecure`, because whoever can deploy can run code on this host.
 */
export async function startServer(opts: ServerOptions): Promise<TscrapyServer> {
  // A config built in code has not been through loadServerConfig's checks of items_dir.
  const config: ServerConfig = { ...opts.config, items_dir: normalizeItemsDir(opts.config.items_dir, 'the server config') };
  const log = opts.log ?? (() => {});
  const authOn = config.username !== '' || config.password !== '';
  if (!isLoopback(config.bind_address) && !authOn && !opts.insecure) {
    throw new ServerConfigError(
      `Refusing to listen on ${config.bind_address} without authentication: anyone who can reach it could deploy and run code on this host. Set username and password (e.g. SCRAPYD_USERNAME/SCRAPYD_PASSWORD), bind to 127.0.0.1, or pass --insecure.`,
    );
  }
  if (authOn && (!config.username || !config.password)) {
    throw new ServerConfigError('username and password must both be set to enable authentication (one of them is empty)');
  }
  const http = createServer({ requestTimeout: 300_000, headersTimeout: 20_000, keepAliveTimeout: 5_000, maxHeaderSize: 16 * 1024 });
  http.maxRequestsPerSocket = 1000;
  // The port first: a busy port must fail before any folder is created or any state is read.
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.http_port, config.bind_address, () => {
      http.off('error', reject);
      resolve();
    });
  }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EADDRINUSE') throw new ServerConfigError(`http_port ${config.http_port} on ${config.bind_address} is already in use: choose another with --http-port`);
    if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') throw new ServerConfigError(`bind_address ${config.bind_address} is not an address of this host`);
    throw err;
  });
  // Synchronous from here to the 'request' listener: no connection is served before the
  // stores are open (a connection waits in the kernel's backlog meanwhile).
  let scheduler: JobScheduler;
  try {
    for (const dir of [config.logs_dir, localItemsDir(config), config.jobs_dir]) if (dir) makeDirSync(dir, 0o700);
    if (isRemoteItemsDir(config)) log(`Job items go to PROJECT/SPIDER/JOB.jl under ${maskUrl(config.items_dir)}`);
    const versions = new VersionStore(config.eggs_dir, { ...DEFAULT_EXTRACT_LIMITS, ...opts.extractLimits }, log);
    const db = new JobsDb(config.dbs_dir, log);
    const runner = opts.runner ?? new ChildProcessRunner({ ...(opts.runnerScript ? { script: opts.runnerScript } : {}), ...(opts.runnerExecArgv ? { execArgv: opts.runnerExecArgv } : {}) });
    scheduler = new JobScheduler({ config, versions, db, runner, log });
    const ctx: ServerContext = { config, versions, scheduler, startedAt: Date.now() };
    http.on('request', createRequestHandler(ctx, log));
  } catch (err) {
    http.close();
    throw err;
  }
  const port = (http.address() as AddressInfo).port;
  const host = config.bind_address.includes(':') ? `[${config.bind_address}]` : config.bind_address;
  scheduler.pump(); // jobs left pending by the last run start now
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}/`,
    port,
    config,
    scheduler,
    http,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => http.close(() => resolve()));
        http.closeIdleConnections();
        await scheduler.shutdown();
        http.closeAllConnections(); // log followers and keep-alive sockets
        await closed;
      })();
      return closing;
    },
  };
}
