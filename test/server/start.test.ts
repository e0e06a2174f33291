import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { readdirSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { ServerConfigError } from '../../src/server/errors.js';
import { startServer } from '../../src/server/server.js';
import { tempDir, testConfig } from './helpers.js';

describe('server start', { timeout: 30_000 }, () => {
  it('fails on a busy port before creating any folder', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const dir = tempDir();
    try {
      const config = testConfig(dir, { http_port: (blocker.address() as AddressInfo).port, jobs_dir: `${dir}/jobs` });
      await assert.rejects(startServer({ config }), (err: Error) => err instanceof ServerConfigError && /is already in use: choose another with --http-port/.test(err.message));
      assert.deepEqual(readdirSync(dir), [], 'no eggs/, logs/, items/, dbs/ or jobs/ folder');
    } finally {
      blocker.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
