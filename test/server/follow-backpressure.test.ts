// `?follow=1` / SSE with a client that stops reading while the log grows by many MB: the
// server must wait for the client (bounded reply buffer), send every byte in order once the
// client reads again, and close the log file as soon as the client disconnects.
import assert from 'node:assert/strict';
import { appendFile } from 'node:fs/promises';
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer, get, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { followFile } from '../../src/server/http/follow.js';
import { tempDir, waitFor, withDeployedServer, type TestServer } from './helpers.js';

/** The log grows by this much while the client reads nothing: far more than the kernel's socket buffers. */
const GROWTH = 40 * 1024 * 1024;
/** What may wait in the reply's own buffer: its high-water mark plus one read chunk (256 KiB), with room. */
const CAP = 1024 * 1024;

/** Appends numbered lines (so that order is checked) in 1 MiB writes. */
async function grow(path: string, bytes: number): Promise<void> {
  let n = 0;
  for (let done = 0; done < bytes; ) {
    let block = '';
    while (block.length < 1024 * 1024) block += `line ${n++} ${'x'.repeat(40)}\n`;
    await appendFile(path, block);
    done += block.length;
  }
}

/** The server side of the next follow request, as the server's own 'request' event hands it over. */
function nextReply(t: TestServer): Promise<ServerResponse> {
  return new Promise((resolve) => {
    const onRequest = (req: IncomingMessage, res: ServerResponse) => {
      if (!req.url?.includes('follow=')) return;
      t.server.http.off('request', onRequest);
      resolve(res);
    };
    t.server.http.on('request', onRequest);
  });
}

/** True while the follower waits for the client to take in what it sent. */
const waitingForClient = (res: ServerResponse) => res.writableNeedDrain && res.listenerCount('drain') > 0;

/** Open descriptors of this process (the server runs in it) on `path`. */
function openHandles(path: string): number {
  return readdirSync('/proc/self/fd').filter((fd) => readlinkSafe(`/proc/self/fd/${fd}`) === path).length;
}

function readlinkSafe(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '';
  }
}

async function startJob(t: TestServer, id: string): Promise<string> {
  await t.post('/schedule.json', { project: 'demo', spider: 'alpha', jobid: id, mode: 'hang', interval: '3600000' });
  const log = join(t.config.logs_dir, 'demo', 'alpha', `${id}.log`);
  await t.waitFor(() => existsSync(log), `the log of ${id}`);
  return log;
}

/** A follow request whose response is paused at once: the client reads nothing until told. */
async function pausedFollow(t: TestServer, path: string): Promise<{ res: IncomingMessage; destroy: () => void }> {
  const req = request(new URL(path, t.url));
  req.end();
  const [res] = (await new Promise<[IncomingMessage]>((resolve, reject) => {
    req.once('response', (r) => resolve([r]));
    req.once('error', reject);
  }));
  res.pause();
  return { res, destroy: () => req.destroy() };
}

describe('following a growing log with a client that stops reading', { timeout: 180_000 }, () => {
  for (const mode of ['1', 'sse'] as const) {
    it(`follow=${mode}: the reply buffer stays bounded, and the client then gets every byte in order`, async () => {
      await withDeployedServer({}, async (t) => {
        const log = await startJob(t, `grow-${mode}`);
        const replied = nextReply(t);
        const { res } = await pausedFollow(t, `/logs/demo/alpha/grow-${mode}.log?follow=${mode}`);
        const reply = await replied;
        let maxBuffered = 0;
        const grown = grow(log, GROWTH);
        let appended = false;
        void grown.then(() => (appended = true));
        // Until the log has grown by GROWTH bytes and the server either waits for the client or has buffered past the cap.
        await t.waitFor(() => {
          maxBuffered = Math.max(maxBuffered, reply.writableLength);
          return appended && (reply.writableLength > CAP || waitingForClient(reply));
        }, 'the server to wait for the client (or to buffer past the cap)', 120_000);
        assert.ok(maxBuffered <= CAP, `the server buffered ${maxBuffered} bytes for a client that reads nothing (cap ${CAP})`);

        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        const ended = new Promise((resolve) => res.once('end', resolve));
        res.resume();
        await t.post('/cancel.json', { project: 'demo', job: `grow-${mode}` });
        await ended;
        const body = Buffer.concat(chunks);
        const file = readFileSync(log);
        if (mode === '1') assert.ok(body.equals(file), `received ${body.length} bytes, the log has ${file.length}`);
        else {
          const events = body.toString('utf8').split('\n\n').filter(Boolean);
          assert.match(events.at(-1)!, /^event: end\n/);
          const lines = events.slice(0, -1).map((e) => e.split('\n')[1]!.slice('data: '.length));
          assert.equal(lines.join('\n') + '\n', file.toString('utf8'));
          assert.equal(Number(events.at(-2)!.split('\n')[0]!.slice('id: '.length)), file.length);
        }
      });
    });
  }

  it('a client that disconnects while the server waits for it releases the log file', async () => {
    await withDeployedServer({}, async (t) => {
      const log = await startJob(t, 'gone');
      const replied = nextReply(t);
      const { destroy } = await pausedFollow(t, '/logs/demo/alpha/gone.log?follow=1');
      const reply = await replied;
      await grow(log, GROWTH);
      await t.waitFor(() => waitingForClient(reply), 'the server to wait for the client', 120_000);
      assert.equal(openHandles(log), 1, 'the follower holds the log open while it waits');
      destroy();
      await t.waitFor(() => openHandles(log) === 0, 'the log file to be closed');
      await t.post('/cancel.json', { project: 'demo', job: 'gone' });
    });
  });

  it('a log deleted while it is followed: the stream goes on to the end of the job, then ends and closes the file', async () => {
    await withDeployedServer({}, async (t) => {
      const log = await startJob(t, 'deleted');
      await grow(log, 1024 * 1024);
      const replied = nextReply(t);
      const reply = fetch(new URL('/logs/demo/alpha/deleted.log?follow=1', t.url)).then((r) => r.text());
      const res = await replied;
      await t.waitFor(() => openHandles(log) === 1, 'the follower to open the log');
      const before = readFileSync(log);
      unlinkSync(log);
      await t.post('/cancel.json', { project: 'demo', job: 'deleted' });
      const body = await reply;
      assert.ok(Buffer.from(body).subarray(0, before.length).equals(before), 'what the log held is sent whole');
      assert.equal(res.writableEnded, true);
      await t.waitFor(() => readdirSync('/proc/self/fd').every((fd) => !readlinkSafe(`/proc/self/fd/${fd}`).startsWith(`${log} (deleted)`)), 'the deleted log to be closed');
    });
  });

  it('a client gone before the follow starts: it returns at once and leaves no file open', async () => {
    const dir = tempDir();
    const path = join(dir, 'early.log');
    writeFileSync(path, 'x'.repeat(1024 * 1024));
    let followed: Promise<void> | null = null;
    const server = createServer((req, res) => {
      res.writeHead(200);
      req.socket.destroy();
      res.once('close', () => (followed = followFile(res, path, 0, { sse: false, active: () => true, endData: () => '' })));
    });
    try {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      get(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`).on('error', () => {});
      await waitFor(() => followed !== null, 'the reply to close');
      await followed;
      assert.equal(openHandles(path), 0);
    } finally {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

