// `tscrapy practice` on a port already taken: one clear error naming the port and what to do,
// exit code 2, nothing served. (Serving and Ctrl-C: test/readme/install.test.ts, "practice".)
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { tempDir, tscrapy } from './scaffold-helpers.js';

describe('tscrapy practice', { timeout: 60_000 }, () => {
  it('a port in use: exit 2 and a message naming it and --port', async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const tmp = await tempDir('tscrapy-practice-');
    try {
      const port = (busy.address() as AddressInfo).port;
      const r = await tscrapy(['practice', '--port', String(port)], tmp.dir);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`Port ${port} on 127\\.0\\.0\\.1 is already in use .*--port`));
      assert.doesNotMatch(r.stdout, /Practice site at/);
    } finally {
      busy.close();
      await tmp.remove();
    }
  });
});
