// Malformed requests against a server in its own process: 1,200 generated request lines,
// headers, multipart and urlencoded bodies and URLs, sent raw over TCP. Each must get a 4xx
// and the server must stay up (issue 13: `GET //` once ended the process).
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { rmSync } from 'node:fs';
import { describe, it } from 'node:test';
import { seeded } from '../support/seeded.js';
import { client, makeBundle, processServer, tempDir, testConfig } from './helpers.js';

/** Sends raw bytes on a fresh connection; resolves with the reply's status code. */
function rawStatus(port: number, bytes: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    let head = '';
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no reply within 20 s to ${JSON.stringify(bytes.subarray(0, 120).toString('latin1'))}`));
    }, 20_000);
    const done = (err: Error | null, status?: number) => {
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(status!);
    };
    sock.on('data', (d: Buffer) => {
      head += d.toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(head);
      if (m) done(null, Number(m[1]));
      else if (head.length > 12) done(new Error(`not an HTTP reply: ${JSON.stringify(head.slice(0, 80))}`));
    });
    sock.on('error', (err) => done(new Error(`${err.message} before a reply to ${JSON.stringify(bytes.subarray(0, 120).toString('latin1'))}`)));
    sock.on('end', () => done(new Error(`connection closed without a reply to ${JSON.stringify(bytes.subarray(0, 120).toString('latin1'))}`)));
    sock.write(bytes);
  });
}

const AUTH = `Authorization: Basic ${Buffer.from('fuzz:s3cret').toString('base64')}`;

/** Builds the corpus: every request is malformed or invalid by construction. */
function corpus(port: number, size: number): Array<{ kind: string; bytes: Buffer }> {
  const rnd = seeded(13);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const host = `Host: 127.0.0.1:${port}`;
  const junk = (n: number) => Array.from({ length: n }, () => pick(['a', '%', 'z', '/', '.', '%zz', '%ff', '%C0%AF', '@', ':', '[', ']', '%E0%A4'])).join('');
  const req = (line: string, headers: string[], body: Buffer | string = '') => {
    const b = Buffer.from(body);
    const all = [...headers, 'Connection: close', ...(b.length ? [`Content-Length: ${b.length}`] : [])];
    return Buffer.concat([Buffer.from(`${line}\r\n${all.join('\r\n')}\r\n\r\n`, 'latin1'), b]);
  };
  const endpoints = ['/daemonstatus.json', '/listprojects.json', '/listjobs.json', '/schedule.json', '/addversion.json', '/cancel.json', '/status.json', '/', '/jobs', '/logs/demo/alpha/x.log'];

  const badLine = (): Buffer => {
    const target = pick([
      'http://', '//a:b@/%zz', '//#', 'http://[', 'http://a:b@/x', 'https://', '*', 'x', 'listjobs.json', '%zz', '/%zz', '/%ff.json',
      '/logs/%zz/a/b.log', '/items/%E0%A4%A/x/y.jl', '/jobs/%zz', '/listjobs.json%', '//listjobs.json/%C0%AF',
      `/${junk(6)}%zz`, `//${junk(4)}%ff`, `/${junk(5)}#${junk(2)}`, `/logs/${junk(3)}%E0/${junk(2)}/x.log`, `http://${junk(3)}[/x`,
    ]);
    const method = pick(['GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
    return req(`${method} ${target} HTTP/1.1`, [host, AUTH]);
  };

  const badHeaders = (): Buffer => {
    const line = `${pick(['GET', 'POST'])} ${pick(endpoints)} HTTP/1.1`;
    const variant = pick([
      ['Content-Length: abc'], ['Content-Length: -1'], ['Content-Length: 1', 'Content-Length: 2'], ['Transfer-Encoding: chunked', 'Content-Length: 3'],
      ['Bad Header: x'], ['NoColonHere'], [`X-Long: ${'a'.repeat(20_000)}`], ['X-Nul: a\0b'], [' Folded: x'],
      ['Authorization: Basic %%%'], [`Authorization: Basic ${Buffer.from('nocolon').toString('base64')}`], ['Authorization: Bearer abc'],
      [`Authorization: Basic ${Buffer.from('fuzz:wrong').toString('base64')}`], [`Authorization: Basic ${'QUFB'.repeat(3000)}`], [],
    ]);
    // half of the bad framing comes with valid credentials, to reach past the auth check
    const withAuth = variant.length > 0 && !variant[0]!.startsWith('Authorization') && rnd() < 0.5;
    return req(line, [host, ...(withAuth ? [AUTH] : []), ...variant]);
  };

  const multipart = (): Buffer => {
    const b = `----fuzz${Math.floor(rnd() * 1e9)}`;
    const field = (name: string, value: string) => `--${b}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const file = (name: string, data: string) => `--${b}\r\nContent-Disposition: form-data; name="${name}"; filename="x.tgz"\r\nContent-Type: application/octet-stream\r\n\r\n${data}\r\n`;
    const end = `--${b}--\r\n`;
    const variant = pick([
      () => ({ type: 'multipart/form-data', body: field('project', 'demo') + end }),
      () => ({ type: `multipart/form-data; boundary=${b}`, body: field('project', 'demo') + field('version', '2') }),
      () => ({ type: `multipart/form-data; boundary=other`, body: field('project', 'demo') + end }),
      () => ({ type: `multipart/form-data; boundary=${b}`, body: `--${b}\r\nX: y\r\n\r\nno name\r\n${end}` }),
      () => ({ type: `multipart/form-data; boundary=${b}`, body: field('project', 'demo') + field('version', '2') + file('egg', junk(40)) + end }),
      () => ({ type: `multipart/form-data; boundary=${b}`, body: field('project', '../../etc') + field('version', '2') + file('egg', '\x1f\x8bjunk') + end }),
      () => ({ type: `multipart/form-data; boundary=${b}`, body: field('project', 'demo') + field('version', junk(5)) + file('egg', 'x') + end }),
      () => ({ type: `multipart/form-data; boundary=${b}`, body: field('project', 'demo') + field('version', '3') + end }),
      () => ({ type: `multipart/form-data; boundary=${b}`, body: Array.from({ length: 1200 }, (_, i) => field(`f${i}`, 'v')).join('') + end }),
      () => ({ type: `multipart/form-data; boundary=${b}`, body: `--${b}\r\nContent-Disposition: form-data; name="project"\r\n` + junk(30) }),
      () => ({ type: `multipart/form-data; boundary=${b}`, body: `garbage before ${junk(10)}` }),
      () => ({ type: `multipart/form-data; boundary="${b}`, body: field('project', 'demo') + end }),
    ])();
    const path = pick(['/addversion.json', '/schedule.json', '/cancel.json']);
    return req(`POST ${path} HTTP/1.1`, [host, AUTH, `Content-Type: ${variant.type}`], variant.body);
  };

  const badParams = (): Buffer => {
    const bad = pick([
      ['POST', '/schedule.json', 'project=demo&spider=nosuch'],
      ['POST', '/schedule.json', `project=demo&spider=alpha&jobid=${encodeURIComponent('a/' + junk(3))}`],
      ['POST', '/schedule.json', 'project=demo&spider=alpha&priority=abc'],
      ['POST', '/schedule.json', 'project=demo&spider=alpha&setting=NOEQUALS'],
      ['POST', '/schedule.json', 'project=demo&spider=alpha&_version=nosuch'],
      ['POST', '/schedule.json', `project=${encodeURIComponent('../' + junk(2))}&spider=alpha`],
      ['POST', '/schedule.json', 'spider=alpha'],
      ['POST', '/cancel.json', 'project=demo'],
      ['POST', '/cancel.json', 'project=nosuch&job=x'],
      ['POST', '/delversion.json', 'project=demo&version=nosuch'],
      ['POST', '/delproject.json', 'project=nosuch'],
      ['GET', '/status.json', ''],
      ['GET', `/listjobs.json?project=${encodeURIComponent(junk(4) + '/..')}`, ''],
      ['GET', '/listspiders.json?project=nosuch', ''],
      ['GET', '/job.json?job=nosuch', ''],
      ['GET', `/logs/demo/alpha/${junk(3)}.log`, ''],
      ['GET', '/logs/demo/alpha/x.log?offset=-1', ''],
      ['PUT', '/listjobs.json', ''],
      ['POST', '/listprojects.json', 'a=b'],
      ['GET', `/${junk(8)}`, ''],
    ]);
    const [method, path, body] = bad as [string, string, string];
    const type = pick(['application/x-www-form-urlencoded', 'application/json', 'text/plain']);
    return req(`${method} ${path} HTTP/1.1`, [host, AUTH, ...(body ? [`Content-Type: ${type}`] : [])], body);
  };

  const kinds = [
    ['request line', badLine],
    ['headers', badHeaders],
    ['multipart body', multipart],
    ['parameters and URLs', badParams],
  ] as const;
  return Array.from({ length: size }, (_, i) => {
    const [kind, make] = kinds[i % kinds.length]!;
    return { kind, bytes: make() };
  });
}

describe('malformed requests', { timeout: 300_000 }, () => {
  it('1,200 malformed requests each get a 4xx, and the server stays up', async () => {
    const dir = tempDir();
    const config = testConfig(dir, { username: 'fuzz', password: 's3cret', error_status_codes: true });
    const { proc, url } = await processServer(config);
    let exited: number | string | null = null;
    proc.once('exit', (code, signal) => (exited = code ?? signal));
    try {
      const c = client(url, 'fuzz:s3cret');
      assert.equal((await c.upload('demo', '1', await makeBundle())).body.status, 'ok');
      const port = Number(new URL(url).port);
      const requests = corpus(port, 1200);
      const failures: string[] = [];
      let next = 0;
      const worker = async () => {
        while (next < requests.length) {
          const i = next++;
          const { kind, bytes } = requests[i]!;
          const status = await rawStatus(port, bytes).catch((err: Error) => `${err.message}`);
          if (typeof status !== 'number' || status < 400 || status > 499) {
            failures.push(`#${i} (${kind}): ${status} for ${JSON.stringify(bytes.subarray(0, 160).toString('latin1'))}`);
          }
          if (i % 200 === 0) assert.equal((await c.get('/daemonstatus.json')).body.status, 'ok', `server answers after request #${i}`);
        }
      };
      await Promise.all(Array.from({ length: 4 }, worker));
      assert.deepEqual(failures.slice(0, 20), [], `${failures.length} of ${requests.length} requests did not get a 4xx`);
      assert.equal(exited, null, 'the server process is still running');
      assert.equal((await c.get('/daemonstatus.json')).body.status, 'ok');
      assert.deepEqual((await c.get('/listprojects.json')).body.projects, ['demo']);
    } finally {
      if (exited === null) {
        const gone = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await gone;
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
