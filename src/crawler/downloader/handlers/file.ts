import { open } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { MaxSizeExceededError } from '../../errors.js';
import type { Request } from '../../http/request.js';
import { Response } from '../../http/response.js';
import { FileNotFoundError } from '../errors.js';
import { metaNumber, type DownloadHandler, type HandlerDefaults } from './types.js';

const TYPES: Record<string, string> = {
  html: 'text/html',
  htm: 'text/html',
  xml: 'application/xml',
  json: 'application/json',
  txt: 'text/plain',
  csv: 'text/csv',
  js: 'text/javascript',
  css: 'text/css',
};

/** `file:` URLs, like Scrapy's FileDownloadHandler: the file's bytes, status 200. */
export class FileHandler implements DownloadHandler {
  constructor(private readonly defaults: Pick<HandlerDefaults, 'maxSize'>) {}

  async download(request: Request): Promise<Response> {
    let path: string;
    try {
      path = fileURLToPath(request.url);
    } catch (err) {
      throw new FileNotFoundError(`Cannot read ${request.url}: not a local file URL (${(err as Error).message})`, { cause: err });
    }
    const maxSize = metaNumber(request.meta, 'download_maxsize', this.defaults.maxSize);
    let fh;
    try {
      fh = await open(path, 'r');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new FileNotFoundError(`Cannot read ${request.url}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`, { cause: err });
    }
    try {
      const st = await fh.stat();
      if (!st.isFile()) throw new FileNotFoundError(`Cannot read ${request.url}: ${path} is not a regular file`);
      if (maxSize > 0 && st.size > maxSize) {
        throw new MaxSizeExceededError(`Cancelling download of ${request.url}: file size (${st.size}) larger than the download max size (${maxSize})`);
      }
      const body = await fh.readFile();
      const ext = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
      const type = ext ? TYPES[ext] : undefined;
      return new Response({ url: request.url, status: 200, headers: type ? { 'Content-Type': type } : {}, body, request });
    } finally {
      await fh.close();
    }
  }

  async close(): Promise<void> {}
}
