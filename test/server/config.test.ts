import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigSyntaxError } from '../../src/config/errors.js';
import { isLoopback, loadServerConfig } from '../../src/server/config.js';
import { ServerConfigError } from '../../src/server/errors.js';
import { startServer } from '../../src/server/server.js';
import { tempDir, testConfig } from './helpers.js';

function layout() {
  const root = tempDir('tscrapy-config-');
  const etc = join(root, 'etc');
  const home = join(root, 'home');
  const cwd = join(root, 'proj', 'sub');
  for (const d of [join(etc, 'conf.d'), home, cwd]) mkdirSync(d, { recursive: true });
  return { root, etc, home, cwd, opts: { etcDir: etc, home, cwd, env: {} as Record<string, string> } };
}

describe('server config layering', () => {
  it('applies the layers in Scrapyd order, then env vars, then flags', () => {
    const l = layout();
    try {
      writeFileSync(join(l.etc, 'scrapyd.conf'), '[scrapyd]\nhttp_port = 7001\nmax_proc = 1\nnode_name = etc\njobs_to_keep = 9\n');
      writeFileSync(join(l.etc, 'conf.d', 'b'), '[scrapyd]\nmax_proc = 3\n');
      writeFileSync(join(l.etc, 'conf.d', 'a'), '[scrapyd]\nmax_proc = 2\nfinished_to_keep: 7\n');
      writeFileSync(join(l.cwd, 'scrapyd.conf'), '[scrapyd]\nnode_name = cwd\neggs_dir = my-eggs\n');
      writeFileSync(join(l.home, '.scrapyd.conf'), '[scrapyd]\nnode_name = home\ndebug = on\n');
      writeFileSync(join(l.root, 'proj', 'scrapy.cfg'), '[settings]\ndefault = x\n\n[scrapyd]\nhttp_port = 7002\n; comment\nusername = cfg-user\n');
      const r = loadServerConfig({ ...l.opts, env: { SCRAPYD_HTTP_PORT: '7003', SCRAPYD_PASSWORD: 'env-pass' }, flags: { max_proc: 5 } });
      assert.equal(r.config.http_port, 7003);
      assert.equal(r.config.max_proc, 5);
      assert.equal(r.config.finished_to_keep, 7);
      assert.equal(r.config.jobs_to_keep, 9);
      assert.equal(r.config.node_name, 'home');
      assert.equal(r.config.debug, true);
      assert.equal(r.config.username, 'cfg-user');
      assert.equal(r.config.password, 'env-pass');
      assert.equal(r.config.eggs_dir, join(l.cwd, 'my-eggs'));
      assert.equal(r.config.bind_address, '127.0.0.1');
      assert.deepEqual(r.files, [join(l.etc, 'scrapyd.conf'), join(l.etc, 'conf.d', 'a'), join(l.etc, 'conf.d', 'b'), join(l.cwd, 'scrapyd.conf'), join(l.home, '.scrapyd.conf'), join(l.root, 'proj', 'scrapy.cfg')]);
      assert.deepEqual(r.warnings, []);
    } finally {
      rmSync(l.root, { recursive: true, force: true });
    }
  });

  it('warns about unknown and Scrapyd-only keys, naming file and line', () => {
    const l = layout();
    try {
      writeFileSync(join(l.cwd, 'scrapyd.conf'), '[scrapyd]\nhttp_prot = 1\npoll_interval = 5\nlogs_to_keep = 3\n');
      const r = loadServerConfig(l.opts);
      const f = join(l.cwd, 'scrapyd.conf');
      assert.match(r.warnings[0]!, new RegExp(`^${f}:2 \\[scrapyd\\]: unknown key http_prot \\(known: bind_address, http_port`));
      assert.equal(r.warnings[1], `${f}:3 [scrapyd]: poll_interval is a Scrapyd setting that tscrapy server ignores`);
      assert.equal(r.warnings[2], `${f}:4 [scrapyd]: logs_to_keep is deprecated; use jobs_to_keep`);
      assert.equal(r.config.jobs_to_keep, 3);
    } finally {
      rmSync(l.root, { recursive: true, force: true });
    }
  });

  it('syntax errors in scrapyd.conf name the file and line, as configparser (and our scrapy.cfg reader) refuses them', () => {
    const l = layout();
    const file = join(l.cwd, 'scrapyd.conf');
    const cases: Array<[string, string]> = [
      ['[scrapyd]\nhttp_port = 7001\nnot a line\n', `${file}:3: expected "key = value", "[section]" or a ; or # comment, got "not a line"`],
      ['[scrapyd\nhttp_port = 7001\n', `${file}:1: malformed section header "[scrapyd": expected [name] alone on the line`],
      ['; comment\nhttp_port = 7001\n[scrapyd]\n', `${file}:2: "http_port" comes before any [section] header (scrapyd.conf settings go under [scrapyd])`],
      ['[scrapyd]\nmax_proc = 1\nMAX_PROC = 2\n', `${file}:3: key "max_proc" appears twice in section [scrapyd]`],
      ['[scrapyd]\nmax_proc = 1\n[other]\n[scrapyd]\n', `${file}:4: section [scrapyd] appears twice in this file`],
      ['[]\n', `${file}:1: malformed section header "[]": expected [name] alone on the line`],
    ];
    try {
      for (const [text, message] of cases) {
        writeFileSync(file, text);
        assert.throws(() => loadServerConfig(l.opts), (e: Error) => e instanceof ConfigSyntaxError && e.message === message, JSON.stringify(text));
      }
      // what configparser accepts still works: comments, `:`, continuation lines, other sections
      writeFileSync(file, '# scrapyd\n[scrapyd]\n  ; indented comment\nhttp_port: 7002\nnode_name = a\n  b\n[services]\nschedule.json = x\n');
      const r = loadServerConfig(l.opts);
      assert.equal(r.config.http_port, 7002);
      assert.equal(r.config.node_name, 'a\nb');
    } finally {
      rmSync(l.root, { recursive: true, force: true });
    }
  });

  it('bad values are errors naming the key, the source and what is valid', () => {
    const l = layout();
    try {
      writeFileSync(join(l.cwd, 'scrapyd.conf'), '[scrapyd]\n\nmax_proc = lots\n');
      assert.throws(() => loadServerConfig(l.opts), (e: Error) => e instanceof ServerConfigError && e.message === `Invalid value "lots" for max_proc in ${join(l.cwd, 'scrapyd.conf')}:3 [scrapyd]: expected a whole number ≥ 0`);
      writeFileSync(join(l.cwd, 'scrapyd.conf'), '[scrapyd]\ndebug = maybe\n');
      assert.throws(() => loadServerConfig(l.opts), /for debug in .*scrapyd\.conf:2 \[scrapyd\]: expected on\/off, true\/false, yes\/no or 1\/0/);
      rmSync(join(l.cwd, 'scrapyd.conf'));
      assert.throws(() => loadServerConfig({ ...l.opts, env: { SCRAPYD_HTTP_PORT: '70000' } }), /for http_port in environment variable SCRAPYD_HTTP_PORT: expected a TCP port from 0 to 65535/);
      assert.throws(() => loadServerConfig({ ...l.opts, flags: { jobs_to_keep: '-1' } }), /"-1" for jobs_to_keep in --jobs-to-keep: expected a whole number/);
    } finally {
      rmSync(l.root, { recursive: true, force: true });
    }
  });

  it('knows loopback addresses', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost']) assert.ok(isLoopback(a), a);
    for (const a of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.1', 'example.com']) assert.ok(!isLoopback(a), a);
  });

  it('refuses a non-loopback bind without auth unless insecure', async () => {
    const dir = tempDir();
    try {
      await assert.rejects(startServer({ config: testConfig(dir, { bind_address: '0.0.0.0' }) }), /Refusing to listen on 0\.0\.0\.0 without authentication/);
      await assert.rejects(startServer({ config: testConfig(dir, { bind_address: '0.0.0.0', username: 'u' }) }), /username and password must both be set/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
