import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from './helpers.js';

/** Sends `target` verbatim as the request line's path (fetch would normalise it). */
function rawGet(base: string, target: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string; body: string }> {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: target, headers: { connection: 'close', ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('request targets', { timeout: 30_000 }, () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ username: 'a', password: 'b' }, { auth: 'a:b' });
  });
  after(() => t.close());
  const auth = { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` };

  it('answers 400 to targets that are not paths, before and after auth, and stays up', async () => {
    for (const target of ['http://', '//a:b@/%zz', 'http://a:b@/x', '*', 'x', '/#frag']) {
      for (const headers of [{}, auth]) {
        const r = await rawGet(t.url, target, headers);
        assert.equal(r.status, 400, `${target} ${JSON.stringify(headers)}`);
        // Node's own parser refuses some of these with an empty 400; the rest reach parseTarget
        if (r.body) assert.match(JSON.parse(r.body).message, /^bad request target/);
      }
    }
    assert.equal((await t.get('/daemonstatus.json')).body.status, 'ok');
  });

  it('treats //x.json as /x.json; an unknown //x.json is a 404, never the home page', async () => {
    const ok = await rawGet(t.url, '//listprojects.json', auth);
    assert.equal(ok.status, 200);
    assert.deepEqual(JSON.parse(ok.body).projects, []);
    const missing = await rawGet(t.url, '//nosuch.json', auth);
    assert.equal(missing.status, 404);
    assert.match(missing.type, /application\/json/);
  });

  it('answers 400 to a bad %-escape in /logs/ and /items/ paths', async () => {
    for (const target of ['/logs/%zz/a/b.log', '/items/p/%E0%A4/x.jl', '/logs/p/s/%ff.log']) {
      const r = await rawGet(t.url, target, auth);
      assert.equal(r.status, 400, target);
      assert.doesNotMatch(r.body, /URIError/);
    }
  });
});
