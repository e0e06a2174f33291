import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { FilesStore, StoredFileInfo } from './types.js';
import { makeDir } from '../../../../util/make-dir.js';

/**
 * A local folder (Scrapy's FSFilesStore). Files are written to a temporary name and renamed, so
 * a crash never leaves a half-written file that a later run would take as fresh.
 */
export class FSFilesStore implements FilesStore {
  readonly basedir: string;
  #tmpSeq = 0;

  constructor(basedir: string) {
    this.basedir = resolve(basedir);
  }

  async persistFile(path: string, data: Uint8Array): Promise<void> {
    const target = join(this.basedir, ...path.split('/'));
    await makeDir(dirname(target));
    const tmp = `${target}.${process.pid}.${++this.#tmpSeq}.part`;
    await writeFile(tmp, data);
    await rename(tmp, target);
  }

  async statFile(path: string): Promise<StoredFileInfo | null> {
    const target = join(this.basedir, ...path.split('/'));
    let st;
    try {
      st = await stat(target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    if (!st.isFile()) return null;
    return { lastModified: st.mtimeMs, checksum: await md5File(target) };
  }
}

async function md5File(path: string): Promise<string> {
  const h = createHash('md5');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}
