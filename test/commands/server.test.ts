import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { tempDir } from '../server/helpers.js';

/** oclif wraps warnings and errors at the terminal width, with ' ›' margins: undo that. */
const unwrap = (s: string) => s.replace(/\s*\n\s*›?\s*/g, ' ');

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));

describe('tscrapy server command', { timeout: 60_000 }, () => {
  it('--help shows the config layering, security note, exit codes and examples', () => {
    const r = spawnSync(process.execPath, [BIN, 'server', '--help'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    for (const s of ['/etc/scrapyd/conf.d/*', 'SCRAPYD_PASSWORD', '--insecure', 'Exit codes: 0', 'EXAMPLES', '--max-proc', '--jobs-dir']) assert.ok(r.stdout.includes(s), s);
  });

  it('starts with config from ./scrapyd.conf and flags, prints its URL, and stops cleanly on SIGINT', async () => {
    const dir = tempDir('tscrapy-cmd-');
    try {
      writeFileSync(join(dir, 'scrapyd.conf'), '[scrapyd]\nnode_name = from-conf\nmax_proc = 1\ndebug = on\nbogus = 1\n');
      const proc = spawn(process.execPath, [BIN, 'server', '--http-port', '0', '--max-proc', '3'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: dir } });
      let stderr = '';
      proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`no URL printed: ${out} ${stderr}`)), 20_000);
        proc.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
      });
      const status = (await (await fetch(new URL('/daemonstatus.json', url))).json()) as Record<string, unknown>;
      assert.equal(status.node_name, 'from-conf');
      assert.equal(status.max_proc, 3);
      assert.match(unwrap(stderr), /unknown key bogus/);
      const code = await new Promise<number | null>((resolve) => {
        proc.once('exit', (c) => resolve(c));
        proc.kill('SIGINT');
      });
      assert.equal(code, 0, stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 2 with a clear message on a public bind without auth, or a bad value', () => {
    const dir = tempDir('tscrapy-cmd-');
    try {
      const r = spawnSync(process.execPath, [BIN, 'server', '--bind-address', '0.0.0.0', '--http-port', '0'], { cwd: dir, encoding: 'utf8', env: { ...process.env, HOME: dir }, timeout: 20_000 });
      assert.equal(r.status, 2, r.stderr);
      assert.match(unwrap(r.stderr), /Refusing to listen on 0\.0\.0\.0 without authentication/);
      const bad = spawnSync(process.execPath, [BIN, 'server', '--max-proc', 'many'], { cwd: dir, encoding: 'utf8', env: { ...process.env, HOME: dir }, timeout: 20_000 });
      assert.equal(bad.status, 2);
      assert.match(unwrap(bad.stderr), /Invalid value "many" for max_proc in --max-proc: expected a whole number/);
      // a scrapyd.conf syntax error stops the server before it listens, naming file and line
      writeFileSync(join(dir, 'scrapyd.conf'), '[scrapyd]\nhttp_port = 0\nnot a line\n');
      const syntax = spawnSync(process.execPath, [BIN, 'server'], { cwd: dir, encoding: 'utf8', env: { ...process.env, HOME: dir }, timeout: 20_000 });
      assert.equal(syntax.status, 2, syntax.stderr);
      assert.match(unwrap(syntax.stderr), /scrapyd\.conf:3: expected "key = value", "\[section\]" or a ; or # comment, got "not a line"/);
      assert.doesNotMatch(syntax.stdout, /listening/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
