// A parse thread of ParsePool: decodes a body, parses it with parse5 straight into tree-codec's
// flat encoding (flat-tree-builder) and sends that back, so the main thread only rebuilds it.
import { parentPort, workerData } from 'node:worker_threads';
import { decodeBody } from '../crawler/http/encoding.js';
import { parseHtmlEncoded } from './flat-tree-builder.js';
import type { ParseJob, ParseResult } from './parse-pool.js';

const port = parentPort!;
/** Jobs finished, read by the pool to see this thread's backlog. */
const done = (workerData as { done: Int32Array }).done;
port.on('message', (job: ParseJob) => {
  let result: ParseResult;
  let transfer: ArrayBuffer[] = [];
  try {
    const tree = parseHtmlEncoded(decodeBody(job.body, job.encoding));
    result = { id: job.id, tree };
    transfer = [tree.ops.buffer as ArrayBuffer];
  } catch (err) {
    result = { id: job.id, error: (err as Error)?.message ?? String(err) };
  }
  Atomics.add(done, 0, 1);
  port.postMessage(result, transfer);
});
