import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { client, startTestServer } from './helpers.js';

describe('basic auth', { timeout: 30_000 }, () => {
  it('requires credentials on every route when username/password are set', async () => {
    const t = await startTestServer({ username: 'admin', password: 's3cret' }, { auth: 'admin:s3cret' });
    try {
      assert.equal((await t.get('/daemonstatus.json')).body.status, 'ok');
      for (const auth of [undefined, 'admin:wrong', 'wrong:s3cret', 'admin', 'admin:s3cret:x']) {
        for (const path of ['/daemonstatus.json', '/', '/jobs', '/logs/a/b/c.log']) {
          const r = await client(t.url, auth).get(path);
          assert.equal(r.status, 401, `${auth} ${path}`);
          assert.equal(r.body.message, 'authentication required: send HTTP basic auth credentials');
        }
      }
      const raw = await fetch(new URL('/listprojects.json', t.url));
      assert.equal(raw.headers.get('www-authenticate'), 'Basic realm="tscrapy server", charset="UTF-8"');
    } finally {
      await t.close();
    }
  });

  it('refuses cross-site POSTs (deploying is running code)', async () => {
    const t = await startTestServer();
    try {
      const r = await t.post('/schedule.json', { project: 'x', spider: 'y' }, { origin: 'http://evil.example' });
      assert.equal(r.status, 403);
      assert.match(r.body.message, /^cross-site POST refused/);
      const same = await t.post('/schedule.json', { project: 'x', spider: 'y' }, { origin: t.url.replace(/\/$/, '') });
      assert.equal(same.body.message, "project 'x' not found");
    } finally {
      await t.close();
    }
  });
});
