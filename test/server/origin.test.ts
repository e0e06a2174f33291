import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import { makeBundle, startTestServer } from './helpers.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/** A request with any Host and Origin (fetch would not send a foreign Host). */
function send(base: string, method: string, path: string, headers: Record<string, string> = {}, body?: Buffer | string): Promise<Reply> {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => {
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON (OPTIONS, HTML)
        }
        resolve({ status: res.statusCode!, headers: res.headers, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A multipart addversion.json body, as curl -F sends it. */
function uploadBody(project: string, version: string, egg: Buffer): { type: string; body: Buffer } {
  const b = '----tscrapytest';
  const field = (n: string, v: string) => `--${b}\r\nContent-Disposition: form-data; name="${n}"\r\n\r\n${v}\r\n`;
  return {
    type: `multipart/form-data; boundary=${b}`,
    body: Buffer.concat([
      Buffer.from(field('project', project) + field('version', version) + `--${b}\r\nContent-Disposition: form-data; name="egg"; filename="shop.tar.gz"\r\n\r\n`),
      egg,
      Buffer.from(`\r\n--${b}--\r\n`),
    ]),
  };
}

describe('DNS rebinding and CORS', { timeout: 60_000 }, () => {
  it('without auth, a foreign Host is refused (no deploy, no schedule); loopback names, IPs and allowed_hosts are answered', async () => {
    const t = await startTestServer({ allowed_hosts: 'scrapyd.lan, other.lan' });
    try {
      const port = new URL(t.url).port;
      const egg = await makeBundle();
      const { type, body } = uploadBody('r', 'v1', egg);
      const evil = await send(t.url, 'POST', '/addversion.json', { host: `evil.example:${port}`, origin: `http://evil.example:${port}`, 'content-type': type }, body);
      assert.equal(evil.status, 403);
      assert.match(evil.body.message, /^Host "evil\.example:\d+" is not answered/);
      for (const host of [`evil.example:${port}`, 'evil.example', `127.0.0.1.evil.example:${port}`, `localhost.evil.example:${port}`]) {
        const r = await send(t.url, 'GET', '/listprojects.json', { host });
        assert.equal(r.status, 403, host);
        const s = await send(t.url, 'POST', '/schedule.json', { host, 'content-type': 'application/x-www-form-urlencoded' }, 'project=r&spider=alpha');
        assert.equal(s.status, 403, host);
      }
      assert.deepEqual((await t.get('/listprojects.json')).body.projects, [], 'nothing was deployed');
      for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'localhost', `LOCALHOST.:${port}`, `scrapyd.lan:${port}`, 'other.lan']) {
        const r = await send(t.url, 'GET', '/listprojects.json', { host });
        assert.equal(r.status, 200, host);
        assert.equal(r.body.status, 'ok', host);
      }
      const ok = await send(t.url, 'POST', '/addversion.json', { host: `localhost:${port}`, 'content-type': type }, body);
      assert.equal(ok.body.status, 'ok');
    } finally {
      await t.close();
    }
  });

  it('with auth on, any Host with valid credentials is answered', async () => {
    const t = await startTestServer({ username: 'u', password: 'p' }, { auth: 'u:p' });
    try {
      const r = await send(t.url, 'GET', '/listprojects.json', { host: 'scrapyd.example.com', authorization: `Basic ${Buffer.from('u:p').toString('base64')}` });
      assert.equal(r.body.status, 'ok');
    } finally {
      await t.close();
    }
  });

  it('sends no CORS headers unless the Origin is in allowed_origins, and then Scrapyd-shaped ones', async () => {
    const t = await startTestServer({ allowed_origins: 'http://dash.example:5000' });
    try {
      const none = await send(t.url, 'GET', '/listjobs.json', { origin: 'http://evil.example' });
      assert.equal(none.body.status, 'ok');
      assert.equal(none.headers['access-control-allow-origin'], undefined);
      assert.equal(none.headers['access-control-allow-methods'], undefined);
      const dash = { origin: 'http://dash.example:5000' };
      const get = await send(t.url, 'GET', '/listjobs.json', dash);
      assert.equal(get.headers['access-control-allow-origin'], 'http://dash.example:5000');
      assert.equal(get.headers['access-control-allow-methods'], 'OPTIONS, HEAD, GET');
      assert.equal(get.headers['access-control-allow-headers'], 'X-Requested-With');
      assert.equal(get.headers.vary, 'Origin');
      const opt = await send(t.url, 'OPTIONS', '/schedule.json', dash);
      assert.equal(opt.status, 204);
      assert.equal(opt.headers.allow, 'OPTIONS, HEAD, POST');
      assert.equal(opt.headers['access-control-allow-methods'], 'OPTIONS, HEAD, POST');
      // an allowed origin may POST (the cross-site refusal is for the others)
      const post = await send(t.url, 'POST', '/schedule.json', { ...dash, 'content-type': 'application/x-www-form-urlencoded' }, 'project=x&spider=y');
      assert.equal(post.body.message, "project 'x' not found");
      assert.equal(post.headers['access-control-allow-origin'], 'http://dash.example:5000');
      const refused = await send(t.url, 'POST', '/schedule.json', { origin: 'http://evil.example', 'content-type': 'application/x-www-form-urlencoded' }, 'project=x&spider=y');
      assert.equal(refused.status, 403);
      const plain = await send(t.url, 'OPTIONS', '/listjobs.json');
      assert.equal(plain.headers.allow, 'OPTIONS, HEAD, GET');
      assert.equal(plain.headers['access-control-allow-origin'], undefined);
    } finally {
      await t.close();
    }
  });

  it('a wrong method answers like other errors: 200 by default, 405 with error_status_codes', async () => {
    for (const honest of [false, true]) {
      const t = await startTestServer({ error_status_codes: honest });
      try {
        const r = await t.get('/schedule.json');
        assert.equal(r.status, honest ? 405 : 200);
        assert.deepEqual(r.body, { node_name: 'test-node', status: 'error', message: 'schedule.json accepts POST, not GET' });
        const p = await t.post('/listprojects.json', {});
        assert.equal(p.status, honest ? 405 : 200);
        assert.equal(p.body.message, 'listprojects.json accepts GET, not POST');
      } finally {
        await t.close();
      }
    }
  });
});
