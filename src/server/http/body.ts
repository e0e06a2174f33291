import type { IncomingMessage } from 'node:http';
import { ApiError } from '../errors.js';
import { Params } from './params.js';

/** Limits on one request body. */
export interface BodyLimits {
  /** Bytes of all fields together (values, urlencoded or multipart), files aside. */
  maxFormBytes: number;
  /** Bytes of the bundle (`egg`, as a file part or a field), where `bundleField` allows one. */
  maxFileBytes: number;
  /**
   * The field that carries a bundle (addversion.json's `egg`), kept as bytes whether sent as
   * a file part (`-F egg=@f`) or as a field (`--data-urlencode egg@f`, as ScrapydWeb does).
   * Without it, a request takes no bundle and the body is capped at maxFormBytes.
   */
  bundleField?: string;
}

/** Room for multipart boundaries and part headers on top of the values. */
const MULTIPART_OVERHEAD = 64 * 1024;

function tooLarge(what: string, limit: number): ApiError {
  return new ApiError(`${what} is larger than the limit of ${limit} bytes`, 413);
}

/** The largest body a request may send: its fields, plus its bundle (×3 when urlencoded: %XX per byte). */
function bodyCap(limits: BodyLimits, urlencoded: boolean): number {
  const bundle = limits.bundleField ? limits.maxFileBytes * (urlencoded ? 3 : 1) : 0;
  return limits.maxFormBytes + bundle + (urlencoded ? 0 : MULTIPART_OVERHEAD);
}

function checkDeclared(req: IncomingMessage, cap: number): void {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > cap) throw tooLarge('request body', cap);
}

async function readCapped(req: IncomingMessage, limit: number): Promise<Buffer> {
  checkDeclared(req, limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge('request body', limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The value of an ASCII hex digit, or -1. */
function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/**
 * One urlencoded name or value as bytes: `+` is a space, %XX a byte, a stray % itself.
 * Bytes, not a string: a bundle sent with `--data-urlencode egg@file` is binary, which a
 * UTF-8 decode would mangle.
 */
function unescapeForm(part: Buffer): Buffer {
  const out = Buffer.allocUnsafe(part.length);
  let n = 0;
  for (let i = 0; i < part.length; i++) {
    const c = part[i]!;
    const hi = c === 0x25 && i + 2 < part.length ? hexDigit(part[i + 1]!) : -1;
    const lo = hi >= 0 ? hexDigit(part[i + 2]!) : -1;
    if (lo >= 0) {
      out[n++] = hi * 16 + lo;
      i += 2;
    } else out[n++] = c === 0x2b ? 0x20 : c;
  }
  return out.subarray(0, n);
}

/** Splits `body` at each `&` (raw, still escaped), so a large value can be decoded in slices. */
function* rawPairs(body: Buffer): Generator<[Buffer, Buffer]> {
  let start = 0;
  while (start <= body.length) {
    let end = body.indexOf(0x26, start);
    if (end < 0) end = body.length;
    if (end > start) {
      const pair = body.subarray(start, end);
      const eq = pair.indexOf(0x3d);
      yield eq < 0 ? [pair, Buffer.alloc(0)] : [pair.subarray(0, eq), pair.subarray(eq + 1)];
    }
    start = end + 1;
  }
}

/** unescapeForm over 1 MiB slices with a turn of the event loop between them (a bundle is up to 300 MB escaped). */
async function unescapeLarge(raw: Buffer): Promise<Buffer> {
  const SLICE = 1024 * 1024;
  const out: Buffer[] = [];
  for (let start = 0; start < raw.length; ) {
    let end = Math.min(raw.length, start + SLICE);
    // never cut a %XX escape in two
    if (end < raw.length && raw[end - 1] === 0x25) end -= 1;
    else if (end < raw.length && raw[end - 2] === 0x25) end -= 2;
    out.push(unescapeForm(raw.subarray(start, end)));
    start = end;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return Buffer.concat(out);
}

async function parseUrlencoded(body: Buffer, params: Params, limits: BodyLimits): Promise<void> {
  let fieldBytes = 0;
  for (const [rawName, rawValue] of rawPairs(body)) {
    const name = unescapeForm(rawName).toString('utf8');
    if (name === limits.bundleField) {
      const value = await unescapeLarge(rawValue);
      if (value.length > limits.maxFileBytes) throw tooLarge(`field ${name}`, limits.maxFileBytes);
      params.addFile(name, value);
      continue;
    }
    // decoded is at least a third of raw: refuse a huge field before spending time on it
    if (fieldBytes + (rawName.length + rawValue.length) / 3 > limits.maxFormBytes) throw tooLarge('the form fields together', limits.maxFormBytes);
    const value = unescapeForm(rawValue);
    fieldBytes += rawName.length + value.length;
    if (fieldBytes > limits.maxFormBytes) throw tooLarge('the form fields together', limits.maxFormBytes);
    params.add(name, value.toString('utf8'));
  }
}

async function parseMultipart(req: IncomingMessage, params: Params, limits: BodyLimits): Promise<void> {
  // Loaded with the first upload: every importer of `tscrapy` reaches this module.
  const { Busboy } = await import('@fastify/busboy');
  const cap = bodyCap(limits, false);
  checkDeclared(req, cap);
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
        // the bundle field is bytes even when sent as a plain field; other parts are text
        isPartAFile: (name, _type, fileName) => fileName !== undefined || name === limits.bundleField,
        limits: { fileSize: limits.maxFileBytes, files: 4, fields: 1000, fieldSize: limits.maxFormBytes, parts: 1100, headerPairs: 100 },
      });
    } catch (err) {
      reject(new ApiError(`bad multipart body: ${(err as Error).message}`, 400));
      return;
    }
    let pendingFiles = 0;
    let finished = false;
    let fieldBytes = 0;
    let bodyBytes = 0;
    const maybeDone = () => {
      if (finished && pendingFiles === 0 && !failed) resolve();
    };
    req.on('data', (chunk: Buffer) => {
      bodyBytes += chunk.length;
      if (bodyBytes > cap) fail(tooLarge('request body', cap));
    });
    req.on('error', (err) => fail(new ApiError(`request body not received: ${err.message}`, 400)));
    bb.on('field', (name, value, _nameTrunc, valueTrunc) => {
      fieldBytes += Buffer.byteLength(name) + Buffer.byteLength(value);
      if (valueTrunc) fail(tooLarge(`field ${name}`, limits.maxFormBytes));
      else if (fieldBytes > limits.maxFormBytes) fail(tooLarge('the form fields together', limits.maxFormBytes));
      else params.add(name, value);
    });
    bb.on('file', (name, stream) => {
      if (name !== limits.bundleField) {
        stream.resume();
        fail(new ApiError(`unexpected file part ${JSON.stringify(name)}: ${limits.bundleField ? `only ${limits.bundleField} may be a file` : 'this endpoint takes no files'}`, 400));
        return;
      }
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
 * Query string + body (urlencoded or multipart) → Params, with every size bounded: the
 * whole body, the fields together, and the bundle. Only `limits.bundleField` may carry
 * bytes (a file part or a field); it is buffered, capped by max_upload_size.
 */
export async function readParams(req: IncomingMessage, url: URL, limits: BodyLimits): Promise<Params> {
  const params = new Params();
  for (const [k, v] of url.searchParams) params.add(k, v);
  if (req.method !== 'POST' && req.method !== 'PUT') return params;
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data')) {
    await parseMultipart(req, params, limits);
  } else {
    const body = await readCapped(req, bodyCap(limits, true));
    if (body.length) await parseUrlencoded(body, params, limits);
  }
  return params;
}
