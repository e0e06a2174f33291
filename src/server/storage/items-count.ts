import { createReadStream } from 'node:fs';

/**
 * Items in a job's items file (JSON lines): its newline-terminated lines, read as a stream;
 * a torn last line from a crash is not counted. Null when the file cannot be read. The
 * file is the truth after a crash or a resume, when the job's own stats are missing or
 * cover only its last run.
 */
export async function countItems(file: string): Promise<number | null> {
  let n = 0;
  try {
    for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) n++;
    }
    return n;
  } catch {
    return null;
  }
}
