import { KeychainUnavailableError } from './errors.js';

/** The keytar-compatible subset tscrapy uses. */
export interface KeytarLike {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

/** The keychain service name every tscrapy entry is stored under. */
export const KEYCHAIN_SERVICE = 'tscrapy';

let loaded: Promise<KeytarLike> | undefined;

/**
 * Loads the optional `@napi-rs/keyring` binding (keytar's API) on first use, so commands that
 * never touch the keychain never load a native module.
 */
export function loadKeytar(): Promise<KeytarLike> {
  // TSCRAPY_KEYRING_MODULE names another module with keytar's API (tests use it to simulate absence).
  loaded ??= import(process.env.TSCRAPY_KEYRING_MODULE || '@napi-rs/keyring/keytar.js').then(
    (m: KeytarLike & { default?: KeytarLike }) => (typeof m.getPassword === 'function' ? m : m.default!),
    (err: unknown) => {
      loaded = undefined;
      throw new KeychainUnavailableError(
        `the OS keychain cannot be used: the optional package @napi-rs/keyring is not installed or has no build for ${process.platform}-${process.arch} (${(err as Error).message.split('\n')[0]}). ` +
          'Install it with `npm install @napi-rs/keyring`, or put the credentials in scrapy.cfg (username/password) or ~/.netrc instead.',
        { cause: err },
      );
    },
  );
  return loaded;
}

/** Wraps a keychain call so a missing keychain service (no D-Bus/Secret Service, locked store) reads clearly. */
async function call<T>(what: string, fn: (k: KeytarLike) => Promise<T>): Promise<T> {
  const keytar = await loadKeytar();
  try {
    return await fn(keytar);
  } catch (err) {
    throw new KeychainUnavailableError(
      `the OS keychain could not ${what}: ${(err as Error).message}. On Linux this needs a running Secret Service (gnome-keyring or KWallet) on D-Bus; ` +
        'use scrapy.cfg (username/password) or ~/.netrc where there is none.',
      { cause: err },
    );
  }
}

/** Stored credentials: one entry per server URL, holding the username and password. */
export interface KeychainCredentials {
  username: string;
  password: string;
}

/** The credentials stored in the OS keychain for a target URL, or null when there are none. */
export async function keychainGet(url: string): Promise<KeychainCredentials | null> {
  const raw = await call('be read', (k) => k.getPassword(KEYCHAIN_SERVICE, url));
  if (raw === null) return null;
  try {
    const parsed = JSON.parse(raw) as Partial<KeychainCredentials>;
    if (typeof parsed.username === 'string' && typeof parsed.password === 'string') return { username: parsed.username, password: parsed.password };
  } catch {
    // An entry written by hand: the secret is the password alone.
  }
  return { username: '', password: raw };
}

/** Stores a target URL's credentials in the OS keychain (`tscrapy login`). */
export async function keychainSet(url: string, creds: KeychainCredentials): Promise<void> {
  await call('store the password', (k) => k.setPassword(KEYCHAIN_SERVICE, url, JSON.stringify(creds)));
}

/** Removes the entry; false when there was none. */
export async function keychainDelete(url: string): Promise<boolean> {
  return call('remove the password', (k) => k.deletePassword(KEYCHAIN_SERVICE, url));
}
