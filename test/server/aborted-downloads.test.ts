// serveOtherFile piped a file into the reply with .pipe(): a client that went away mid-download
// left the file open for good (pipe never destroys its source), and an open that failed (a file
// pruned since the lstat) was an unhandled 'error' that ended the server.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startTestServer, waitFor } from './helpers.js';

/** This process's descriptors open on `path` (the test server runs in this process). */
function openOn(path: string): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === path) n++;
    } catch {
      // closed while listing
    }
  }
  return n;
}

/** Sends GET `path`, waits for the first bytes of the reply, then drops the connection. */
function abortAfterFirstBytes(url: string, path: string): Promise<void> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`));
    socket.once('data', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
}

describe('downloads of served files that the client abandons', { timeout: 60_000, skip: process.platform !== 'linux' }, () => {
  it('close the file: no descriptor stays open once the clients are gone', async () => {
    const t = await startTestServer();
    try {
      mkdirSync(join(t.config.logs_dir, 'demo', 'alpha'), { recursive: true });
      // LogParser's files (serveOtherFile) and a job's log (serveJobFile)
      for (const name of ['big.json', 'big.log']) {
        const file = join(t.config.logs_dir, 'demo', 'alpha', name);
        writeFileSync(file, Buffer.alloc(32 * 1024 * 1024, 0x20));
        for (let i = 0; i < 10; i++) await abortAfterFirstBytes(t.url, `/logs/demo/alpha/${name}`);
        await waitFor(() => openOn(file) === 0, `the ${openOn(file)} descriptors open on ${file} to close`, 20_000);
      }
      assert.equal((await t.get('/daemonstatus.json')).body.status, 'ok');
    } finally {
      await t.close();
    }
  });
});
