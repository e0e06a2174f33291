import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { hostname, homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { ConfigSyntaxError } from '../config/errors.js';
import { parseConfigParser } from './config-file.js';
import { ServerConfigError } from './errors.js';
import { isRemoteItemsDir, normalizeItemsDir } from './items-dir.js';

/** The server's settings: Scrapyd's `[scrapyd]` keys plus a few of tscrapy's own (marked). */
export interface ServerConfig {
  /** Address to listen on. @default '127.0.0.1' */
  bind_address: string;
  /** TCP port (0 picks a free one). @default 6800 */
  http_port: number;
  /** Jobs running at once; 0 → CPUs × max_proc_per_cpu. @default 0 */
  max_proc: number;
  /** @default 4 */
  max_proc_per_cpu: number;
  /** Where deployed bundles live: eggs_dir/PROJECT/VERSION/. @default 'eggs' */
  eggs_dir: string;
  /** Job logs: logs_dir/PROJECT/SPIDER/JOBID.log; empty disables. @default 'logs' */
  logs_dir: string;
  /**
   * Job items: items_dir/PROJECT/SPIDER/JOBID.jl; empty disables. May be a feed URI
   * (s3://bucket/prefix, ftp://host/path) as in Scrapyd: items then go there. @default 'items'
   */
  items_dir: string;
  /** When set, each job gets JOBDIR=jobs_dir/PROJECT/SPIDER/JOBID (pause/resume). @default '' */
  jobs_dir: string;
  /** The jobs database (pending queue, finished history). @default 'dbs' */
  dbs_dir: string;
  /** Finished jobs per spider whose log and items files are kept. @default 5 */
  jobs_to_keep: number;
  /** Finished jobs kept in the history. @default 100 */
  finished_to_keep: number;
  /** Reported in every reply. @default os.hostname() */
  node_name: string;
  /** Basic auth; both must be set to enable it. @default '' */
  username: string;
  /** @default '' */
  password: string;
  /** Error replies carry the stack trace. @default false */
  debug: boolean;
  /** tscrapy: answer errors with honest 4xx/5xx codes instead of Scrapyd's 200. @default false */
  error_status_codes: boolean;
  /** tscrapy: largest accepted addversion.json body, in bytes. @default 104857600 */
  max_upload_size: number;
  /** tscrapy: ms between a cancel's signal and SIGTERM, and again before SIGKILL. @default 10000 */
  cancel_timeout: number;
  /** tscrapy: Host names answered without auth besides localhost and IP addresses (comma-separated; `*` any). @default '' */
  allowed_hosts: string;
  /** tscrapy: web origins that get CORS headers on the JSON API and may POST to it (comma-separated; `*` any). @default '' */
  allowed_origins: string;
}

export type ServerConfigKey = keyof ServerConfig;

type Kind = 'string' | 'int' | 'port' | 'bool' | 'dir' | 'optdir' | 'itemsdir';

const KINDS: Record<ServerConfigKey, Kind> = {
  bind_address: 'string',
  http_port: 'port',
  max_proc: 'int',
  max_proc_per_cpu: 'int',
  eggs_dir: 'dir',
  logs_dir: 'optdir',
  items_dir: 'itemsdir',
  jobs_dir: 'optdir',
  dbs_dir: 'dir',
  jobs_to_keep: 'int',
  finished_to_keep: 'int',
  node_name: 'string',
  username: 'string',
  password: 'string',
  debug: 'bool',
  error_status_codes: 'bool',
  max_upload_size: 'int',
  cancel_timeout: 'int',
  allowed_hosts: 'string',
  allowed_origins: 'string',
};

/** Every key the server understands, for flags and docs. */
export const SERVER_CONFIG_KEYS = Object.keys(KINDS) as ServerConfigKey[];

/** Defaults, in one place. */
export function defaultServerConfig(): ServerConfig {
  return {
    bind_address: '127.0.0.1',
    http_port: 6800,
    max_proc: 0,
    max_proc_per_cpu: 4,
    eggs_dir: 'eggs',
    logs_dir: 'logs',
    items_dir: 'items',
    jobs_dir: '',
    dbs_dir: 'dbs',
    jobs_to_keep: 5,
    finished_to_keep: 100,
    node_name: hostname(),
    username: '',
    password: '',
    debug: false,
    error_status_codes: false,
    max_upload_size: 100 * 1024 * 1024,
    cancel_timeout: 10_000,
    allowed_hosts: '',
    allowed_origins: '',
  };
}

/** Scrapyd keys that have no meaning here: they warn as "ignored" rather than "unknown". */
const SCRAPYD_ONLY = new Set([
  'poll_interval', 'prefix_header', 'runner', 'application', 'launcher', 'webroot', 'spiderqueue',
  'jobstorage', 'eggstorage', 'unix_socket_path', 'logs_filename', 'items_filename',
]);

const ENV_VARS: Partial<Record<ServerConfigKey, string>> = {
  bind_address: 'SCRAPYD_BIND_ADDRESS',
  http_port: 'SCRAPYD_HTTP_PORT',
  username: 'SCRAPYD_USERNAME',
  password: 'SCRAPYD_PASSWORD',
};

/** Where loadServerConfig looks for configuration files. */
export interface LoadConfigOptions {
  /** Working directory: `./scrapyd.conf`, the closest scrapy.cfg, relative dirs. @default process.cwd() */
  cwd?: string;
  /** @default os.homedir() */
  home?: string;
  /** @default '/etc/scrapyd' */
  etcDir?: string;
  /** @default process.env */
  env?: Record<string, string | undefined>;
  /** Command-line values (highest priority), by config key. */
  flags?: Partial<Record<ServerConfigKey, string | number | boolean>>;
}

export interface LoadedConfig {
  config: ServerConfig;
  /** Files read, lowest priority first. */
  files: string[];
  /** Unknown or ignored keys, each naming its file and line. */
  warnings: string[];
}

/** The closest scrapy.cfg walking up from `dir`, if any. */
function closestScrapyCfg(dir: string): string | undefined {
  for (let d = resolve(dir); ; d = dirname(d)) {
    const f = join(d, 'scrapy.cfg');
    if (existsSync(f)) return f;
    if (dirname(d) === d) return undefined;
  }
}

/** Config files in Scrapyd's order, lowest priority first, that exist. */
export function configFiles(opts: LoadConfigOptions = {}): string[] {
  const cwd = opts.cwd ?? process.cwd();
  const etc = opts.etcDir ?? '/etc/scrapyd';
  const out = [join(etc, 'scrapyd.conf')];
  const confd = join(etc, 'conf.d');
  try {
    for (const name of readdirSync(confd).sort()) out.push(join(confd, name));
  } catch {
    // no conf.d
  }
  out.push(join(cwd, 'scrapyd.conf'), join(opts.home ?? homedir(), '.scrapyd.conf'));
  const cfg = closestScrapyCfg(cwd);
  if (cfg) out.push(cfg);
  return out.filter((f) => {
    try {
      return statSync(f).isFile();
    } catch {
      return false;
    }
  });
}

/** Parses one raw value for `key`; `where` names its source in the error. */
export function parseConfigValue(key: ServerConfigKey, raw: string | number | boolean, where: string): ServerConfig[ServerConfigKey] {
  const kind = KINDS[key];
  const text = String(raw).trim();
  const bad = (valid: string) => new ServerConfigError(`Invalid value ${JSON.stringify(String(raw))} for ${key} in ${where}: expected ${valid}`);
  switch (kind) {
    case 'bool': {
      if (typeof raw === 'boolean') return raw;
      const v = text.toLowerCase();
      if (['1', 'on', 'true', 'yes'].includes(v)) return true;
      if (['0', 'off', 'false', 'no', ''].includes(v)) return false;
      throw bad('on/off, true/false, yes/no or 1/0');
    }
    case 'int': {
      if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) throw bad('a whole number ≥ 0');
      return Number(text);
    }
    case 'port': {
      const n = Number(text);
      if (!/^\d+$/.test(text) || n > 65535) throw bad('a TCP port from 0 to 65535 (0 picks a free port)');
      return n;
    }
    case 'string':
      if (key === 'bind_address' && text === '') throw bad('an IP address or host name, e.g. 127.0.0.1 or 0.0.0.0');
      return text;
    case 'dir':
      if (text === '') throw bad('a directory path');
      return text;
    case 'optdir':
      return text;
    case 'itemsdir':
      return normalizeItemsDir(text, where);
  }
}

/**
 * Builds the config from Scrapyd's layers, lowest priority first: /etc/scrapyd/scrapyd.conf,
 * /etc/scrapyd/conf.d/* (sorted), ./scrapyd.conf, ~/.scrapyd.conf, the closest scrapy.cfg
 * (each its `[scrapyd]` section), the SCRAPYD_* env vars, then `flags`. Relative
 * directories resolve against `cwd`. Throws ServerConfigError on a bad value.
 */
export function loadServerConfig(opts: LoadConfigOptions = {}): LoadedConfig {
  const cwd = opts.cwd ?? process.cwd();
  const config = defaultServerConfig() as unknown as Record<ServerConfigKey, unknown>;
  const warnings: string[] = [];
  const files = configFiles(opts);
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigSyntaxError(file, 0, `cannot read: ${(err as Error).message}`);
    }
    const section = parseConfigParser(text, file).get('scrapyd');
    if (!section) continue;
    for (const [key, { value, line }] of section) {
      const where = `${file}:${line} [scrapyd]`;
      const target = key === 'logs_to_keep' ? 'jobs_to_keep' : key;
      if (key === 'logs_to_keep') warnings.push(`${where}: logs_to_keep is deprecated; use jobs_to_keep`);
      if (target in KINDS) {
        config[target as ServerConfigKey] = parseConfigValue(target as ServerConfigKey, value, where);
      } else if (SCRAPYD_ONLY.has(key)) {
        warnings.push(`${where}: ${key} is a Scrapyd setting that tscrapy server ignores`);
      } else {
        warnings.push(`${where}: unknown key ${key} (known: ${SERVER_CONFIG_KEYS.join(', ')})`);
      }
    }
  }
  const env = opts.env ?? process.env;
  for (const [key, name] of Object.entries(ENV_VARS) as [ServerConfigKey, string][]) {
    const v = env[name];
    if (v !== undefined && v !== '') config[key] = parseConfigValue(key, v, `environment variable ${name}`);
  }
  for (const [key, v] of Object.entries(opts.flags ?? {}) as [ServerConfigKey, string | number | boolean | undefined][]) {
    if (v === undefined) continue;
    if (!(key in KINDS)) throw new ServerConfigError(`Unknown server option ${key} (known: ${SERVER_CONFIG_KEYS.join(', ')})`);
    config[key] = parseConfigValue(key, v, `--${key.replaceAll('_', '-')}`);
  }
  const out = config as unknown as ServerConfig;
  for (const key of ['eggs_dir', 'logs_dir', 'items_dir', 'jobs_dir', 'dbs_dir'] as const) {
    if (key === 'items_dir' && isRemoteItemsDir(out)) continue;
    if (out[key] !== '' && !isAbsolute(out[key])) out[key] = resolve(cwd, out[key]);
  }
  return { config: out, files, warnings };
}

/** Whether `address` only accepts connections from this machine. */
export function isLoopback(address: string): boolean {
  const a = address.toLowerCase().replace(/^\[|\]$/g, '');
  return a === 'localhost' || a === '::1' || /^127\.\d+\.\d+\.\d+$/.test(a) || /^::ffff:127\./.test(a);
}
