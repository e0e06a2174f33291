import type { IncomingMessage } from 'node:http';
import { ApiError } from '../errors.js';
import { Params } from './params.js';

/** Limits on one request body. */
export interface BodyLimits {
  /** Bytes of a urlencoded body. */
  maxFormBytes: number;
  /** Bytes of one uploaded file (addversion.json's `egg`). */
  maxFileBytes: number;
}

function tooLarge(what: string, limit: number): ApiError {
  return new ApiError(`${what} is larger than the limit of ${limit} bytes`, 413);
}

async function readCapped(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw tooLarge('request body', limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge('request body', limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

async function parseMultipart(req: IncomingMessage, params: Params, limits: BodyLimits): Promise<void> {
  // Loaded with the first upload: every importer of `tscrapy` reaches this module.
  const { Busboy } = await import('@fastify/busboy');
  return new Promise((resolve, reject) => {
    let failed: Error | undefined;
    const fail = (err: Error) => {
      failed ??= err;
      req.unpipe();
      req.resume(); // drain what is left so the reply can be sent
      reject(failed);
    };
    let bb: InstanceType<typeof Busboy>;
    try {
      bb = new Busboy({
        headers: req.headers as { 'content-type': string },
        limits: { fileSize: limits.maxFileBytes, files: 4, fields: 1000, fieldSize: 1024 * 1024, parts: 1100, headerPairs: 100 },
      });
    } catch (err) {
      reject(new ApiError(`bad multipart body: ${(err as Error).message}`, 400));
      return;
    }
    let pendingFiles = 0;
    let finished = false;
    const maybeDone = () => {
      if (finished && pendingFiles === 0 && !failed) resolve();
    };
    bb.on('field', (name, value, _nameTrunc, valueTrunc) => {
      if (valueTrunc) fail(tooLarge(`field ${name}`, 1024 * 1024));
      else params.add(name, value);
    });
    bb.on('file', (name, stream) => {
      pendingFiles++;
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () => fail(tooLarge(`uploaded file ${name}`, limits.maxFileBytes)));
      stream.on('end', () => {
        pendingFiles--;
        if (!failed) params.addFile(name, Buffer.concat(chunks));
        maybeDone();
      });
    });
    for (const ev of ['partsLimit', 'filesLimit', 'fieldsLimit'] as const) {
      bb.on(ev, () => fail(new ApiError(`multipart body has too many parts (${ev})`, 413)));
    }
    bb.on('error', (err: Error) => fail(new ApiError(`bad multipart body: ${err.message}`, 400)));
    bb.on('finish', () => {
      finished = true;
      maybeDone();
    });
    req.pipe(bb);
  });
}

/**
 * Query string + body (urlencoded or multipart) → Params, with every size bounded. Only
 * multipart bodies may carry files; they are buffered (max_upload_size caps them).
 */
export async function readParams(req: IncomingMessage, url: URL, limits: BodyLimits): Promise<Params> {
  const params = new Params();
  for (const [k, v] of url.searchParams) params.add(k, v);
  if (req.method !== 'POST' && req.method !== 'PUT') return params;
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data')) {
    await parseMultipart(req, params, limits);
  } else {
    const body = await readCapped(req, limits.maxFormBytes);
    if (body.length) for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params.add(k, v);
  }
  return params;
}
