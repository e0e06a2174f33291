import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { makeBundle, startTestServer, tempDir } from './helpers.js';

/** curl --data-urlencode's encoding: every byte but A-Z a-z 0-9 - . _ ~ as %XX. */
function urlencodeBytes(bytes: Buffer): string {
  let out = '';
  for (const b of bytes) out += /[A-Za-z0-9\-._~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  return out;
}

async function postForm(url: string, path: string, body: FormData): Promise<any> {
  return (await fetch(new URL(path, url), { method: 'POST', body })).json();
}

async function postRaw(url: string, path: string, type: string, body: string | Buffer) {
  const r = await fetch(new URL(path, url), { method: 'POST', headers: { 'content-type': type }, body });
  return { status: r.status, body: (await r.json()) as any };
}

describe('size caps', { timeout: 60_000 }, () => {
  it('caps each field, the fields together and the stored job record; the jobs database stays small', async () => {
    const t = await startTestServer();
    try {
      await t.upload('demo', '1', await makeBundle());
      const big = 'x'.repeat(2 * 1024 * 1024);
      const fd = new FormData();
      for (const [k, v] of [['project', 'demo'], ['spider', 'alpha'], ['blob', 'x'.repeat(1024 * 1024 + 10)]]) fd.append(k, v!);
      const oneField = await postForm(t.url, '/schedule.json', fd);
      assert.equal(oneField.status, 'error');
      assert.match(oneField.message, /field blob is larger than the limit of 1048576 bytes/);
      const many = new FormData();
      for (const [k, v] of [['project', 'demo'], ['spider', 'alpha']]) many.append(k, v!);
      for (let i = 0; i < 2; i++) many.append(`a${i}`, 'y'.repeat(540 * 1024));
      const together = await postForm(t.url, '/schedule.json', many);
      assert.match(together.message, /the form fields together is larger than the limit of 1048576 bytes/);
      const file = new FormData();
      for (const [k, v] of [['project', 'demo'], ['spider', 'alpha']]) file.append(k, v!);
      file.append('blob', new Blob([Buffer.alloc(10)]), 'x.bin');
      assert.match((await postForm(t.url, '/schedule.json', file)).message, /this endpoint takes no files/);
      const form = await postRaw(t.url, '/schedule.json', 'application/x-www-form-urlencoded', `project=demo&spider=alpha&blob=${big}`);
      assert.match(form.body.message, /request body is larger than the limit of 1048576 bytes/);
      const declared = await postForm(t.url, '/schedule.json', (() => { const f = new FormData(); f.append('blob', big); return f; })());
      assert.match(declared.message, /request body is larger than the limit of 1114112 bytes/);
      const record = await t.post('/schedule.json', { project: 'demo', spider: 'alpha', blob: 'z'.repeat(100 * 1024) });
      assert.match(record.body.message, /^the spider arguments and settings of job '\w+' take \d+ bytes, more than the limit of 65536/);
      assert.deepEqual((await t.get('/listjobs.json')).body.pending, []);
      assert.ok(statSync(join(t.config.dbs_dir, 'jobs.jl')).size < 64 * 1024);
      assert.equal((await t.post('/schedule.json', { project: 'demo', spider: 'alpha', small: 'ok', items: '1' })).body.status, 'ok');
    } finally {
      await t.close();
    }
  });

  it('accepts the egg as a urlencoded or multipart field (ScrapydWeb), with the same checks and limits', async () => {
    const t = await startTestServer({ max_upload_size: 64 * 1024 });
    try {
      const egg = await makeBundle({ spiders: ['alpha', 'beta'] });
      const viaUrlencoded = await postRaw(t.url, '/addversion.json', 'application/x-www-form-urlencoded', `project=shop&version=3&egg=${urlencodeBytes(egg)}`);
      assert.equal(viaUrlencoded.body.status, 'ok', JSON.stringify(viaUrlencoded.body));
      assert.deepEqual(viaUrlencoded.body.spider_names, ['alpha', 'beta']);
      const b = '----egg';
      const body = Buffer.concat([
        Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="project"\r\n\r\nshop\r\n--${b}\r\nContent-Disposition: form-data; name="version"\r\n\r\n4\r\n--${b}\r\nContent-Disposition: form-data; name="egg"\r\n\r\n`),
        egg,
        Buffer.from(`\r\n--${b}--\r\n`),
      ]);
      const viaField = await postRaw(t.url, '/addversion.json', `multipart/form-data; boundary=${b}`, body);
      assert.equal(viaField.body.status, 'ok', JSON.stringify(viaField.body));
      assert.deepEqual((await t.get('/listversions.json', { project: 'shop' })).body.versions, ['3', '4']);
      const notTar = await postRaw(t.url, '/addversion.json', 'application/x-www-form-urlencoded', 'project=shop&version=5&egg=shop.tar.gz');
      assert.match(notTar.body.message, /egg is not a tar\.gz bundle/);
      const huge = await postRaw(t.url, '/addversion.json', 'application/x-www-form-urlencoded', `project=shop&version=6&egg=${'A'.repeat(70 * 1024)}`);
      assert.match(huge.body.message, /field egg is larger than the limit of 65536 bytes/);
      assert.deepEqual((await t.get('/listversions.json', { project: 'shop' })).body.versions, ['3', '4']);
    } finally {
      await t.close();
    }
  });

  it('starts with a damaged jobs database: keeps what it can read, sets the original aside, says so', async () => {
    const dir = tempDir();
    const dbs = join(dir, 'dbs');
    mkdirSync(dbs, { recursive: true });
    const job = (id: string, over: Record<string, unknown> = {}) => ({
      t: 'put',
      job: {
        id, project: 'demo', spider: 'alpha', version: null, resolved_version: '1', settings: {}, args: {}, priority: 0, seq: Number(id.slice(1)),
        state: 'finished', created_time: 1, start_time: 2, end_time: 3, pid: null, jobdir: null, exit_code: 0, exit_signal: null,
        finish_reason: 'finished', items_count: 1, pages_count: 1, errors_count: 0, stats: null, message: null, restarts: 0, has_log: false, has_items: false,
        ...over,
      },
    });
    const lines = [
      JSON.stringify(job('j1')),
      '{"t":"put","job":{"id":"j2", garbage',
      JSON.stringify(job('j3', { args: { blob: 'b'.repeat(9 * 1024 * 1024) } })),
      JSON.stringify(job('j4', { project: '../etc' })),
      JSON.stringify(job('j5')),
      '{"t":"put","job":{"id":"torn',
    ];
    const original = lines.join('\n');
    writeFileSync(join(dbs, 'jobs.jl'), original);
    const logs: string[] = [];
    const t = await startTestServer({}, { dir, log: (m) => logs.push(m) });
    try {
      assert.deepEqual((await t.get('/listjobs.json')).body.finished.map((j: { id: string }) => j.id), ['j1', 'j5']);
      const damaged = readdirSync(dbs).filter((f) => f.startsWith('jobs.jl.damaged-'));
      assert.equal(damaged.length, 1);
      assert.equal(readFileSync(join(dbs, damaged[0]!), 'utf8'), original, 'nothing is lost: the original is kept whole');
      const msg = logs.find((l) => l.startsWith('The jobs database'));
      assert.ok(msg, logs.join('\n'));
      assert.match(msg, /line 2 is not JSON; line 3 is longer than 8388608 bytes; line 4 is a job record with missing or invalid fields\. Loaded the 2 jobs/);
    } finally {
      await t.close(true);
    }
    const again = await startTestServer({}, { dir });
    try {
      assert.equal((await again.get('/listjobs.json')).body.finished.length, 2);
      assert.equal(readdirSync(dbs).filter((f) => f.startsWith('jobs.jl.damaged-')).length, 1, 'a clean journal is not set aside again');
    } finally {
      await again.close();
    }
  });
});
