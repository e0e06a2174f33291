// A parse thread of ParsePool: decodes a body, parses it with parse5 and sends the tree back
// flattened (tree-codec), so the main thread only rebuilds it.
import { parentPort, workerData } from 'node:worker_threads';
import { decodeBody } from '../crawler/http/encoding.js';
import { parseHtml } from './document.js';
import { encodeTree } from './tree-codec.js';
import type { ParseJob, ParseResult } from './parse-pool.js';

const port = parentPort!;
/** Jobs finished, read by the pool to see this thread's backlog. */
const done = (workerData as { done: Int32Array }).done;
port.on('message', (job: ParseJob) => {
  let result: ParseResult;
  let transfer: ArrayBuffer[] = [];
  try {
    const tree = encodeTree(parseHtml(decodeBody(job.body, job.encoding)));
    result = { id: job.id, tree };
    transfer = [tree.ops.buffer as ArrayBuffer];
  } catch (err) {
    result = { id: job.id, error: (err as Error)?.message ?? String(err) };
  }
  Atomics.add(done, 0, 1);
  port.postMessage(result, transfer);
});
