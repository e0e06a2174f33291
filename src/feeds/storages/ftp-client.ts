import type { Client } from 'basic-ftp';
import type { Settings } from '../../crawler/settings/settings.js';
import { maskUrl } from '../../crawler/downloader/mask.js';
import { StorageError } from './errors.js';

/** Where an `ftp://[user[:password]@]host[:port]/path` URI points, credentials included (never logged). */
export interface FtpLocation {
  host: string;
  port: number;
  user: string;
  password: string;
  /** The path on the server, decoded, without the leading `/`. */
  path: string;
}

/**
 * Parses an FTP URI. The user and password come from the URI (as in Scrapy), else FTP_USER /
 * FTP_PASSWORD (Scrapy's defaults: anonymous / guest).
 */
export function parseFtpUri(uri: string, settings: Settings, setting: string): FtpLocation {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    throw new StorageError(`${setting}: ${JSON.stringify(maskUrl(uri))} is not an FTP URI; write ftp://user:password@host[:port]/path`);
  }
  if (u.protocol !== 'ftp:' || u.hostname === '') throw new StorageError(`${setting}: ${maskUrl(uri)} is not an FTP URI; write ftp://user:password@host[:port]/path`);
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 21,
    user: u.username ? decodeURIComponent(u.username) : String(settings.get('FTP_USER', 'anonymous')),
    password: u.password ? decodeURIComponent(u.password) : String(settings.get('FTP_PASSWORD', 'guest')),
    path: decodeURIComponent(u.pathname).replace(/^\/+/, ''),
  };
}

type FtpSdk = typeof import('basic-ftp');

let sdk: Promise<FtpSdk> | null = null;

/** Loads `basic-ftp` on first use only. */
function loadFtp(): Promise<FtpSdk> {
  sdk ??= import('basic-ftp').catch((err: unknown) => {
    sdk = null;
    throw new StorageError(`FTP storage needs the "basic-ftp" package, which could not be loaded (${(err as Error)?.message ?? err}). Install it with: npm install basic-ftp`, { cause: err });
  });
  return sdk;
}

/**
 * Runs `fn` on a fresh, logged-in connection (passive mode), closed afterwards, as Scrapy's FTP
 * storages do. Active mode (FEED_STORAGE_FTP_ACTIVE) is not supported by the client: refused.
 */
export async function withFtp<T>(where: FtpLocation, settings: Settings, fn: (client: Client) => Promise<T>): Promise<T> {
  if (settings.getBool('FEED_STORAGE_FTP_ACTIVE', false)) {
    throw new StorageError('FEED_STORAGE_FTP_ACTIVE: active-mode FTP is not supported; use passive mode (the default)');
  }
  const { Client } = await loadFtp();
  const client = new Client(Math.max(1, settings.getFloat('DOWNLOAD_TIMEOUT', 180)) * 1000);
  try {
    await client.access({ host: where.host, port: where.port, user: where.user, password: where.password, secure: false });
    return await fn(client);
  } finally {
    client.close();
  }
}

/** An FTP error's message for logs (basic-ftp's messages carry the server's reply, never the password). */
export function ftpErrorMessage(err: unknown): string {
  return (err as Error)?.message ?? String(err);
}
