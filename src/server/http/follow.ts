import { once } from 'node:events';
import { open, type FileHandle } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

const POLL_MS = 200;
/** Bytes read from the file per step: with backpressure, at most this much waits in the reply's buffer. */
export const FOLLOW_CHUNK = 256 * 1024;
/** SSE events are written in batches of about this many characters. */
const SSE_BATCH = 64 * 1024;
/** SSE keep-alive comment after this many idle polls (15 s). */
const KEEPALIVE_POLLS = 75;

/** How to follow one job file. */
export interface FollowOptions {
  /** Server-Sent Events (one event per line, `id` = offset after it), else the raw bytes. */
  sse: boolean;
  /** True while the job may still append to the file. */
  active: () => boolean;
  /** The payload of the final SSE `end` event, given the offset reached. */
  endData: (offset: number) => string;
}

/**
 * Writes `chunk` and waits until the client has taken it in when the reply's buffer is full:
 * a client that reads slowly (or not at all) holds the follower still instead of making the
 * server buffer the whole growing file. Resolves false once the client has gone away.
 */
async function send(res: ServerResponse, chunk: string | Buffer, gone: AbortSignal): Promise<boolean> {
  if (gone.aborted) return false;
  if (res.write(chunk)) return true;
  try {
    await once(res, 'drain', { signal: gone });
    return true;
  } catch {
    return false;
  }
}

/** The length of `data` cut back to a UTF-8 character boundary (a long line sent in parts keeps its characters whole). */
function utf8Boundary(data: Buffer): number {
  let end = data.length;
  while (end > 0 && (data[end - 1]! & 0xc0) === 0x80) end--;
  // end - 1 is the lead byte of the last character: keep it only if the character is complete.
  if (end === 0) return data.length;
  const lead = data[end - 1]!;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return data.length - (end - 1) >= need ? data.length : end - 1;
}

/**
 * Sends `path` from byte `pos` on as it grows, until the job is no longer active and the file is
 * drained, or the client disconnects. One file handle is held for the whole reply (a job file
 * pruned meanwhile is still read to its end) and closed on every way out; the poll timer is
 * cancelled as soon as the client goes.
 */
export async function followFile(res: ServerResponse, path: string, pos: number, opts: FollowOptions): Promise<void> {
  const ac = new AbortController();
  const gone = ac.signal;
  const onClose = () => ac.abort();
  res.once('close', onClose);
  // The client may have gone while the request was looked at, before this listener existed.
  if (res.destroyed || !res.socket || res.socket.destroyed) ac.abort();
  let fh: FileHandle | null = null;
  const buf = Buffer.alloc(FOLLOW_CHUNK);
  // SSE: the start of a line not ended yet; at most FOLLOW_CHUNK bytes, then sent as an event of its own.
  let carry = Buffer.alloc(0);
  let idle = 0;
  try {
    while (!gone.aborted) {
      // The job may not have created its file yet: open it once it exists.
      fh ??= await open(path, 'r').catch(() => null);
      const size = fh ? (await fh.stat()).size : -1;
      if (size > pos) {
        idle = 0;
        const { bytesRead } = await fh!.read(buf, 0, Math.min(FOLLOW_CHUNK, size - pos), pos);
        pos += bytesRead;
        const chunk = buf.subarray(0, bytesRead);
        if (!opts.sse) {
          if (!(await send(res, Buffer.from(chunk), gone))) return;
          continue;
        }
        const data = Buffer.concat([carry, chunk]);
        let events = '';
        let start = 0;
        let consumed = pos - data.length;
        for (let nl = data.indexOf(10, start); nl >= 0; nl = data.indexOf(10, start)) {
          consumed += nl + 1 - start;
          events += `id: ${consumed}\ndata: ${data.subarray(start, nl).toString('utf8').replace(/\r$/, '')}\n\n`;
          start = nl + 1;
          // Short lines make events many times their bytes: send them as they add up.
          if (events.length >= SSE_BATCH) {
            if (!(await send(res, events, gone))) return;
            events = '';
          }
        }
        let rest = data.subarray(start);
        if (rest.length >= FOLLOW_CHUNK) {
          // A line longer than a chunk (a log with no newline) is sent in parts rather than held in memory.
          const cut = utf8Boundary(rest);
          consumed += cut;
          events += `id: ${consumed}\ndata: ${rest.subarray(0, cut).toString('utf8')}\n\n`;
          rest = rest.subarray(cut);
        }
        carry = Buffer.from(rest);
        if (events && !(await send(res, events, gone))) return;
        continue;
      }
      if (!opts.active()) break; // drained, and the job will write no more
      try {
        await sleep(POLL_MS, undefined, { signal: gone });
      } catch {
        return;
      }
      if (opts.sse && ++idle % KEEPALIVE_POLLS === 0 && !(await send(res, ': keepalive\n\n', gone))) return;
    }
    if (gone.aborted) return;
    if (opts.sse) {
      if (carry.length && !(await send(res, `id: ${pos}\ndata: ${carry.toString('utf8')}\n\n`, gone))) return;
      if (!(await send(res, `event: end\ndata: ${opts.endData(pos)}\n\n`, gone))) return;
    }
    res.end();
  } finally {
    res.off('close', onClose);
    await fh?.close();
  }
}
