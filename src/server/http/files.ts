import { createReadStream } from 'node:fs';
import { lstat, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream';
import type { ServerContext } from '../context.js';
import { localItemsDir } from '../items-dir.js';
import { isSafeName } from '../names.js';
import { followFile } from './follow.js';

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
 * - `?follow=1`: a chunked response that keeps sending what is appended until the job ends, as
 *   fast as the client reads it (see followFile);
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
  await followFile(res, path, pos, {
    sse,
    active,
    endData: (offset) => JSON.stringify({ state: ctx.scheduler.get(id)?.state ?? null, offset }),
  });
}
