import { runProcess, type ProcessResult } from '../support/process.js';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));

export interface Recorded {
  method: string;
  url: string;
  authorization: string | undefined;
  fields: Record<string, string>;
  egg?: Buffer;
}

/** A minimal Scrapyd-like endpoint on 127.0.0.1 that records each request. */
export async function scrapydStub(answer: (r: Recorded) => { status?: number; body: unknown }): Promise<{ url: string; requests: Recorded[]; close(): Promise<void>; server: Server }> {
  const requests: Recorded[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const rec: Recorded = { method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, fields: {} };
      if (req.method === 'POST') {
        const form = await new Request('http://127.0.0.1/', { method: 'POST', headers: { 'content-type': String(req.headers['content-type']) }, body: Buffer.concat(chunks) }).formData();
        for (const [k, v] of form) {
          if (typeof v === 'string') rec.fields[k] = v;
          else rec.egg = Buffer.from(await v.arrayBuffer());
        }
      }
      requests.push(rec);
      const { status = 200, body } = answer(rec);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    server,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export type CliResult = ProcessResult;

/** Runs the built CLI with a clean environment (fake HOME, no keychain), killed after 60 s; `input` goes to stdin. */
export function runCli(args: string[], cwd: string, env: Record<string, string> = {}, input?: string): Promise<CliResult> {
  return runProcess(process.execPath, [BIN, ...args], {
    cwd,
    input,
    env: { PATH: process.env.PATH ?? '', HOME: cwd, TSCRAPY_NO_KEYCHAIN: '1', NO_COLOR: '1', OCLIF_COLUMNS: '1000', ...env },
    timeoutMs: 60_000,
  });
}
