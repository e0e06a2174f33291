// A version folder whose manifest.json was damaged (by hand, by the disk) vanished from every
// listing at the next start without a word. It is still left out, and the log now says which
// one and what to do; uploading it again brings it back.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { makeBundle, startTestServer, tempDir } from './helpers.js';

describe('a damaged version on disk', { timeout: 60_000 }, () => {
  it('is left out with a log line naming it; the server starts and the version can be uploaded again', async () => {
    const dir = tempDir();
    const first = await startTestServer({}, { dir });
    await first.upload('demo', '1', await makeBundle({ spiders: ['alpha'] }));
    await first.upload('demo', '2', await makeBundle({ spiders: ['alpha'] }));
    await first.close(true);
    writeFileSync(join(first.config.eggs_dir, 'demo', '2', 'manifest.json'), '{"name": "demo", "spid');

    const logs: string[] = [];
    const t = await startTestServer({}, { dir, log: (m) => logs.push(m) });
    try {
      assert.deepEqual((await t.get('/listversions.json', { project: 'demo' })).body.versions, ['1']);
      assert.ok(logs.some((l) => l.startsWith('Version demo/2 in ') && l.includes('manifest.json cannot be read') && l.includes('upload the version again')), logs.join('\n'));
      assert.equal((await t.upload('demo', '2', await makeBundle({ spiders: ['alpha'] }))).body.status, 'ok');
      assert.deepEqual((await t.get('/listversions.json', { project: 'demo' })).body.versions, ['1', '2']);
    } finally {
      await t.close();
    }
  });
});
