import { createReadStream } from 'node:fs';
import { lstat, open, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServerContext } from '../context.js';
import { localItemsDir } from '../items-dir.js';
import { isSafeName } from '../names.js';

const POLL_MS = 200;
const CHUNK = 256 * 1024;

function notFound(res: ServerResponse, what: string): void {
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(`${what} not found\n`);
}

/**
 * Any other file in logs_dir or items_dir, as Scrapyd's static folders serve it: LogParser
 * writes `stats.json` and `P/S/ID.json` next to the logs, and ScrapydWeb fetches them from
 * the server. Safe names only, at most P/S/FILE deep, regular files only (no symlink).
 */
async function serveOtherFile(req: IncomingMessage, res: ServerResponse, root: string, names: string[]): Promise<void> {
  if (names.length > 3 || !names.every(isSafeName)) return notFound(res, 'file');
  const path = join(root, ...names);
  const st = await lstat(path).catch(() => null);
  if (!st?.isFile()) return notFound(res, 'file');
  const type = path.endsWith('.json') ? 'application/json' : 'text/plain; charset=utf-8';
  res.writeHead(200, { 'content-type': type, 'content-length': String(st.size), 'cache-control': 'no-store' });
  if (req.method === 'HEAD' || st.size === 0) return void res.end();
  // pipeline, not pipe: a client that goes away closes the file, and a failed open ends only this reply
  pipeline(createReadStream(path, { start: 0, end: st.size - 1 }), res, () => {});
}

/**
 * Serves `/logs/P/S/ID.log` and `/items/P/S/ID.jl`:
 * - plain GET: the file from `?offset=N` (or the last `?tail=N` bytes), with `X-Next-Offset`;
 * - `?follow=1`: a chunked response that keeps sending what is appended until the job ends;
 * - `Accept: text/event-stream` or `?follow=sse`: Server-Sent Events, one event per line,
 *   `id` = the byte offset after it (so `Last-Event-ID` resumes), then `event: end`.
 */
export async function serveJobFile(ctx: ServerContext, req: IncomingMessage, res: ServerResponse, kind: 'logs' | 'items', segs: string[], url: URL): Promise<void> {
  const root = kind === 'logs' ? ctx.config.logs_dir : localItemsDir(ctx.config);
  const ext = kind === 'logs' ? '.log' : '.jl';
  if (!root) return notFound(res, 'file');
  let names: string[];
  try {
    names = segs.map((s) => decodeURIComponent(s));
  } catch {
    return notFound(res, 'file');
  }
  const [project, spider, file] = names;
  if (segs.length !== 3 || !file?.endsWith(ext)) return serveOtherFile(req, res, root, names);
  const id = file.slice(0, -ext.length);
  if (![project!, spider!, id].every(isSafeName)) return notFound(res, 'file');
  const path = join(root, project!, spider!, file);
  const job = ctx.scheduler.get(id);
  const active = () => {
    const j = ctx.scheduler.get(id);
    return j !== undefined && j.state !== 'finished';
  };
  const q = url.searchParams;
  const sse = q.get('follow') === 'sse' || (req.headers.accept ?? '').includes('text/event-stream');
  const follow = sse || q.get('follow') === '1' || q.get('follow') === 'true';
  const rawOffset = (sse ? (req.headers['last-event-id'] as string | undefined) : undefined) ?? q.get('offset') ?? '0';
  if (!/^\d+$/.test(rawOffset)) {
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('offset must be a whole number of bytes\n');
    return;
  }
  let pos = Number(rawOffset);
  let size = await stat(path).then((s) => s.size, () => -1);
  if (size < 0 && !(follow && job && active())) return notFound(res, `${kind === 'logs' ? 'log' : 'items'} file`);
  const tail = q.get('tail');
  if (tail && /^\d+$/.test(tail) && size >= 0) pos = Math.max(0, size - Number(tail));

  if (!follow) {
    pos = Math.min(pos, size);
    res.writeHead(200, {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': String(size - pos),
      'x-next-offset': String(size),
      'cache-control': 'no-store',
    });
    if (req.method === 'HEAD' || size === pos) return void res.end();
    // pipeline, not pipe: a file pruned since the stat must end this reply, not the server
    pipeline(createReadStream(path, { start: pos, end: size - 1 }), res, () => {});
    return;
  }

  res.writeHead(200, {
    'content-type': sse ? 'text/event-stream; charset=utf-8' : 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
    'x-accel-buffering': 'no',
    'x-start-offset': String(pos),
  });
  let closed = false;
  res.on('close', () => (closed = true));
  let carry = Buffer.alloc(0);
  let idle = 0;
  const buf = Buffer.alloc(CHUNK);
  while (!closed) {
    size = await stat(path).then((s) => s.size, () => -1);
    if (size > pos) {
      idle = 0;
      const fh = await open(path, 'r');
      try {
        const { bytesRead } = await fh.read(buf, 0, Math.min(CHUNK, size - pos), pos);
        pos += bytesRead;
        const chunk = buf.subarray(0, bytesRead);
        if (!sse) res.write(Buffer.from(chunk));
        else {
          const data = Buffer.concat([carry, chunk]);
          let start = 0;
          let consumed = pos - data.length;
          for (let nl = data.indexOf(10, start); nl >= 0; nl = data.indexOf(10, start)) {
            consumed += nl + 1 - start;
            res.write(`id: ${consumed}\ndata: ${data.subarray(start, nl).toString('utf8').replace(/\r$/, '')}\n\n`);
            start = nl + 1;
          }
          carry = Buffer.from(data.subarray(start));
        }
      } finally {
        await fh.close();
      }
      continue;
    }
    if (!active()) break; // drained, and the job will write no more
    await sleep(POLL_MS);
    if (sse && ++idle % 75 === 0) res.write(': keepalive\n\n');
  }
  if (closed) return;
  if (sse) {
    if (carry.length) res.write(`id: ${pos}\ndata: ${carry.toString('utf8')}\n\n`);
    res.write(`event: end\ndata: ${JSON.stringify({ state: ctx.scheduler.get(id)?.state ?? null, offset: pos })}\n\n`);
  }
  res.end();
}
