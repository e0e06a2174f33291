// Shared test helpers: real deploy bundles (tar.gz built here, valid or hostile), a real
// server on 127.0.0.1:0 in a fresh temp folder, and a small API client.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { create as tarCreate } from 'tar';
import { defaultServerConfig, type ServerConfig } from '../../src/server/config.js';
import { canonicalJson } from '../../src/project/manifest.js';
import { startServer, type ServerOptions, type TscrapyServer } from '../../src/server/server.js';

export const RUN_SERVER = fileURLToPath(new URL('./fixtures/run-server.ts', import.meta.url));
export const FIXTURE_CHILD = fileURLToPath(new URL('./fixtures/job-child.mjs', import.meta.url));

export function tempDir(prefix = 'tscrapy-server-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

export interface BundleOptions {
  project?: string;
  version?: string;
  spiders?: string[];
  /** Change the manifest after hashing (to test validation). */
  mutateManifest?: (m: Record<string, unknown>) => void;
  /** Extra files placed in the bundle folder (unlisted in the manifest). */
  extraFiles?: Record<string, string>;
  /** Corrupt bundle.mjs after hashing it. */
  corruptBundle?: boolean;
  /** bundle.mjs itself (default: a project with no spider classes, for the fixture child). */
  bundleSource?: string;
  /** File mode of every entry (e.g. 0o6755 to test that setuid/setgid bits are stripped). */
  mode?: number;
}

/** A valid deploy bundle (tar.gz with manifest.json, bundle.mjs, bundle.mjs.map), unless told otherwise. */
export async function makeBundle(opts: BundleOptions = {}): Promise<Buffer> {
  const dir = tempDir('tscrapy-bundle-');
  try {
    const bundle = opts.bundleSource ?? `export const spiders = []; export const settings = {}; export const components = {};\n`;
    const map = JSON.stringify({ version: 3, sources: [], mappings: '' });
    writeFileSync(join(dir, 'bundle.mjs'), opts.corruptBundle ? `${bundle}// tampered\n` : bundle);
    writeFileSync(join(dir, 'bundle.mjs.map'), map);
    const manifest: Record<string, unknown> = {
      format: 1,
      project: opts.project ?? 'demo',
      version: opts.version ?? '1.0',
      spiders: opts.spiders ?? ['alpha', 'beta'],
      settingsModule: 'settings',
      tscrapyVersion: '0.1.0',
      buildTime: new Date().toISOString(),
      files: { 'bundle.mjs': sha(bundle), 'bundle.mjs.map': sha(map) },
    };
    const { buildTime: _b, ...forHash } = manifest;
    manifest.sha256 = sha(canonicalJson(forHash));
    opts.mutateManifest?.(manifest);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
    const names = ['manifest.json', 'bundle.mjs', 'bundle.mjs.map'];
    for (const [name, content] of Object.entries(opts.extraFiles ?? {})) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), content);
      names.push(name);
    }
    if (opts.mode !== undefined) for (const name of names) chmodSync(join(dir, name), opts.mode);
    const out = join(dir, 'out.tgz');
    await tarCreate({ gzip: true, cwd: dir, file: out, portable: true }, names);
    return readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One raw ustar header + body, for archives node-tar would refuse to create. */
export function rawTarEntry(name: string, opts: { type?: string; body?: Buffer | string; linkname?: string; size?: number } = {}): Buffer {
  const body = Buffer.from(opts.body ?? '');
  const h = Buffer.alloc(512);
  const put = (s: string, off: number, len: number) => h.write(s, off, Math.min(len, Buffer.byteLength(s)), 'utf8');
  put(name, 0, 100);
  put('0000644\0', 100, 8);
  put('0000000\0', 108, 8);
  put('0000000\0', 116, 8);
  put(`${(opts.size ?? body.length).toString(8).padStart(11, '0')}\0`, 124, 12);
  put(`${(0).toString(8).padStart(11, '0')}\0`, 136, 12);
  put('        ', 148, 8);
  put(opts.type ?? '0', 156, 1);
  put(opts.linkname ?? '', 157, 100);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  let sum = 0;
  for (const b of h) sum += b;
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  const pad = Buffer.alloc((512 - (body.length % 512)) % 512);
  return Buffer.concat([h, body, pad]);
}

/** A tar.gz of raw entries (plus the end-of-archive blocks). */
export function rawTarGz(entries: Buffer[]): Buffer {
  return gzipSync(Buffer.concat([...entries, Buffer.alloc(1024)]));
}

export interface TestServer {
  server: TscrapyServer;
  dir: string;
  url: string;
  config: ServerConfig;
  get(path: string, query?: Record<string, string>, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  post(path: string, form: Record<string, string | string[]>, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  upload(project: string, version: string, egg: Buffer | string): Promise<{ status: number; body: any }>;
  /** Polls until `fn` returns truthy (bounded). */
  waitFor<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs?: number): Promise<T>;
  close(keepDir?: boolean): Promise<void>;
}

export function testConfig(dir: string, over: Partial<ServerConfig> = {}): ServerConfig {
  return {
    ...defaultServerConfig(),
    http_port: 0,
    node_name: 'test-node',
    eggs_dir: join(dir, 'eggs'),
    logs_dir: join(dir, 'logs'),
    items_dir: join(dir, 'items'),
    dbs_dir: join(dir, 'dbs'),
    max_proc: 2,
    cancel_timeout: 400,
    ...over,
  };
}

export async function waitFor<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function client(base: string, auth?: string) {
  const h = (extra: Record<string, string> = {}) => ({ ...(auth ? { authorization: `Basic ${Buffer.from(auth).toString('base64')}` } : {}), ...extra });
  const parse = async (r: Response) => {
    const text = await r.text();
    try {
      return { status: r.status, body: JSON.parse(text) };
    } catch {
      return { status: r.status, body: text };
    }
  };
  return {
    async get(path: string, query: Record<string, string> = {}, headers: Record<string, string> = {}) {
      const u = new URL(path, base);
      for (const [k, v] of Object.entries(query)) u.searchParams.append(k, v);
      return parse(await fetch(u, { headers: h(headers) }));
    },
    async post(path: string, form: Record<string, string | string[]>, headers: Record<string, string> = {}) {
      const body = new URLSearchParams();
      for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
      return parse(await fetch(new URL(path, base), { method: 'POST', body, headers: h(headers) }));
    },
    async upload(project: string, version: string, egg: Buffer | string) {
      const fd = new FormData();
      fd.append('project', project);
      fd.append('version', version);
      if (typeof egg === 'string') fd.append('egg', egg);
      else fd.append('egg', new Blob([egg]), 'bundle.tar.gz');
      return parse(await fetch(new URL('/addversion.json', base), { method: 'POST', body: fd, headers: h() }));
    },
  };
}

/** A real server on 127.0.0.1:0 in a fresh temp dir, running the fixture child per job. */
export async function startTestServer(over: Partial<ServerConfig> = {}, opts: Partial<ServerOptions> & { dir?: string; auth?: string } = {}): Promise<TestServer> {
  const dir = opts.dir ?? tempDir();
  const config = testConfig(dir, over);
  const server = await startServer({ config, runnerScript: FIXTURE_CHILD, ...opts });
  const c = client(server.url, opts.auth);
  return {
    server,
    dir,
    url: server.url,
    config,
    ...c,
    waitFor,
    async close(keepDir = false) {
      await server.close();
      if (!keepDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs `fn` against a test server with project `demo` version `1` deployed (spiders as given), then closes it. */
export async function withDeployedServer(over: Partial<ServerConfig>, fn: (t: TestServer) => Promise<void>, spiders = ['alpha']): Promise<void> {
  const t = await startTestServer(over);
  try {
    assert.equal((await t.upload('demo', '1', await makeBundle({ spiders }))).body.status, 'ok');
    await fn(t);
  } finally {
    await t.close();
  }
}

/** A server in its own process (a test can kill -9 it, or see it die). */
export async function processServer(config: ServerConfig, runner: 'fixture' | 'real' = 'fixture'): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', RUN_SERVER, JSON.stringify(config), runner], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 20_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    proc.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
  return { proc, url };
}
