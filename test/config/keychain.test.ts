import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { resolveCredentials } from '../../src/config/credentials.js';
import { KeychainUnavailableError } from '../../src/config/errors.js';
import { keychainDelete, keychainGet, keychainSet, loadKeytar } from '../../src/config/keychain.js';

describe('keychain', () => {
  test('a missing @napi-rs/keyring gives a clear message, and other sources still work', async () => {
    const saved = process.env.TSCRAPY_KEYRING_MODULE;
    process.env.TSCRAPY_KEYRING_MODULE = 'tscrapy-no-such-keyring-module';
    try {
      await assert.rejects(loadKeytar(), (err: unknown) => err instanceof KeychainUnavailableError && /@napi-rs\/keyring is not installed/.test(err.message) && /~\/.netrc/.test(err.message));
      const r = await resolveCredentials({ name: 'p', url: 'http://127.0.0.1:9/' }, { env: { HOME: '/nonexistent-home' } });
      assert.equal(r.credentials, undefined);
      assert.match(r.searched.at(-1)!, /OS keychain \(unavailable: .*not installed/);
      const withCfg = await resolveCredentials({ name: 'p', url: 'http://127.0.0.1:9/', username: 'u', password: 'p' }, { env: { HOME: '/nonexistent-home' } });
      assert.equal(withCfg.credentials?.username, 'u');
    } finally {
      if (saved === undefined) delete process.env.TSCRAPY_KEYRING_MODULE;
      else process.env.TSCRAPY_KEYRING_MODULE = saved;
    }
  });

  // Needs a keychain service (the lead runs it under dbus + gnome-keyring).
  test('store, read and delete through the OS keychain', { skip: process.env.TSCRAPY_TEST_KEYCHAIN !== '1' && 'set TSCRAPY_TEST_KEYCHAIN=1 with a keychain service running' }, async () => {
    const url = `http://127.0.0.1:1/tscrapy-test-${process.pid}/`;
    await keychainSet(url, { username: 'bob', password: 'p#ss' });
    try {
      assert.deepEqual(await keychainGet(url), { username: 'bob', password: 'p#ss' });
      const r = await resolveCredentials({ name: 'k', url }, { env: { HOME: '/nonexistent-home' } });
      assert.equal(r.credentials?.source, 'keychain');
    } finally {
      assert.equal(await keychainDelete(url), true);
    }
    assert.equal(await keychainGet(url), null);
  });
});
